"""SQLite's errors, said in words a person can act on, told apart by SQLite's result code
(`sqlite_errorcode`), not by the wording of its messages.

Python 3.10's sqlite3 does not carry the code: there, and for errors Python raises itself,
the message is read as a fallback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dreamly.errors import DreamlyError

_UNREADABLE = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}  # not a database, or damaged
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}

# message fallbacks (no result code): the words SQLite uses for each code above
_WORDS = (
    ("unreadable", ("not a database", "malformed", "file is encrypted")),
    ("busy", ("locked", "busy")),
    ("read_only", ("readonly", "read-only")),
    ("full", ("disk is full",)),
    ("cant_open", ("unable to open",)),
)
_BY_CODE = {
    **{code: "unreadable" for code in _UNREADABLE},
    **{code: "busy" for code in _BUSY},
    sqlite3.SQLITE_READONLY: "read_only",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_CANTOPEN: "cant_open",
}


def kind(exc: sqlite3.Error) -> str | None:
    """What went wrong, in one word: unreadable, busy, read_only, full, cant_open (or None)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return _BY_CODE.get(code & 0xFF)  # the primary code; extended codes add detail above it
    message = str(exc).lower()
    return next((name for name, words in _WORDS if any(w in message for w in words)), None)


def is_damage(exc: sqlite3.Error) -> bool:
    """Corruption (a damaged page or index), as opposed to a busy or read-only file."""
    return kind(exc) == "unreadable"


def translate_error(exc: sqlite3.Error, path: Path) -> DreamlyError:
    """SQLite's errors, said in words a person can act on (never with dream text in them)."""
    what = kind(exc)
    if what == "unreadable":
        return DreamlyError(f"{path} is not a readable dreamly journal (not an SQLite database, or damaged); "
                            "run `dreamly check` or restore a backup")
    if what == "busy":
        return DreamlyError(f"the journal {path} is busy (another dreamly is writing); try again in a moment")
    folder_read_only = path.parent.is_dir() and not os.access(path.parent, os.W_OK)
    if what in ("read_only", "cant_open") and folder_read_only:
        # in WAL mode SQLite writes -wal and -shm files beside the journal, even to read it
        return DreamlyError(f"the journal's folder {path.parent} is read-only: dreamly can read the journal "
                            "there but not change it (check the folder's permissions, or the disk's)")
    if what == "read_only":
        return DreamlyError(f"the journal {path} is read-only: dreamly can read it but not change it "
                            "(check the file's permissions)")
    if what == "full":
        return DreamlyError(f"no space left to write the journal {path}; nothing was saved")
    if what == "cant_open":
        return DreamlyError(f"can't open the journal at {path}")
    # SQLite's own words can quote SQL or a search query: only with DREAMLY_DEBUG=1
    detail = str(exc) if os.environ.get("DREAMLY_DEBUG") else getattr(exc, "sqlite_errorname", type(exc).__name__)
    return DreamlyError(f"the journal {path} gave an error ({detail}); run `dreamly check`")
