"""Opening the journal file: plain or encrypted, writable or read-only.

The one place that decides how `Journal.open` connects. A plain journal on a writable disk
costs a 16-byte read and two `access()` calls here; sqlcipher3 and keyring are imported only
when the file's first bytes say it is encrypted (dreamly.store.crypto).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from dreamly._struct import Struct

SQLITE_HEADER = b"SQLite format 3\x00"


class Opened(Struct):
    _fields = ("conn", "read_only", "encrypted")

    def __init__(self, conn: object, read_only: str | None = None, encrypted: bool = False):
        self.conn = conn  # sqlite3.Connection, or dreamly.crypto.CipherConnection
        self.read_only = read_only  # why the journal can only be read ("folder", "file"), else None
        self.encrypted = encrypted


def looks_encrypted(path: Path) -> bool:
    """An SQLCipher file starts with 16 random bytes (its salt) where SQLite writes
    "SQLite format 3", and is whole pages long; notes or other junk are not."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(16)
            size = os.fstat(stream.fileno()).st_size
    except OSError:
        return False
    return len(head) == 16 and head != SQLITE_HEADER and size % 512 == 0


def read_only_reason(path: Path) -> str | None:
    """"folder" when SQLite can't write beside the journal, "file" when the journal itself
    can't be written, None when both can (the usual case)."""
    if not os.access(path.parent, os.W_OK):
        return "folder"
    if path.exists() and not os.access(path, os.W_OK):
        return "file"
    return None


def read_only_uri(path: Path, reason: str) -> str:
    """A URI that reads the journal without writing anything.

    In WAL mode even a reader writes the -shm file beside the journal, which a read-only
    folder forbids. With no unfinished -wal there is nothing beyond the file itself, so it is
    opened as immutable (no locks, no -shm): right for a read-only disk or a folder nobody
    writes to. A -wal with content still needs SQLite's read-only WAL support (mode=ro)."""
    uri = "file:" + quote(str(path.absolute())) + "?mode=ro"
    wal = Path(f"{path}-wal")
    if reason == "folder" and (not wal.exists() or wal.stat().st_size == 0):
        uri += "&immutable=1"
    return uri


def connect(path: Path, *, fresh: bool, timeout: float) -> Opened:
    """Connect to the journal at `path` (created when `fresh`)."""
    reason = None if fresh else read_only_reason(path)
    target, uri = (read_only_uri(path, reason), True) if reason else (path, False)
    if not fresh and looks_encrypted(path):
        from dreamly.store import crypto

        return Opened(crypto.connect(path, target, uri=uri, timeout=timeout), reason, True)
    return Opened(sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri), reason)
