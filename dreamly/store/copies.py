"""Copies of the journal you can trust: `dreamly backup` and the copy made before a migration
(`journal.db.bak-N`). Part of the store's health room (backup, check, salvage).

A copy is written under a temporary name in the target's folder, through SQLite's backup
API, flushed to disk, and verified (`PRAGMA integrity_check`, schema version, the number of
dreams against the journal's in the same snapshot) before it gets its name. So a kill, a
full disk or a damaged journal never leaves a file under a final name that does not open
with every dream. A planted symlink at the name is never followed. An encrypted journal's
copy is encrypted with the same key (the connection's `open_copy`, store/crypto.py), and is
verified through it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from dreamly.errors import DreamlyError
from dreamly.store.crypto import _fsync_folder  # one home for making a rename durable

# Tests set these to watch a copy being made: `_observe(event)` is called at each step
# ("temp", "copied", "verified", "named"), and `_STEP` pages are copied at a time (-1: all).
_STEP = -1


def _observe(event: str) -> None:
    pass


def _progress(status: int, remaining: int, total: int) -> None:
    _observe(f"page {total - remaining} of {total}")


class DamagedJournal(DreamlyError):
    """The journal (or its copy) fails SQLite's integrity check."""


def _read_only(path: Path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def opener_for(conn):
    """How to open a copy of the journal open on `conn`: with its key when it is encrypted."""
    return getattr(conn, "open_copy", None) or _read_only


def copy_problems(path: Path, *, version: int | None = None, dreams: int | None = None,
                  opener=_read_only) -> list[str]:
    """Why the copy at `path` can't be trusted ([] when it opens, passes the integrity check and,
    if given, has this schema version and this many dreams)."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size == 0:
            return ["it is empty or not a file"]
        conn = opener(path)
        try:
            check = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            if check != ["ok"]:
                return check
            problems = []
            found_version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version is not None and found_version != version:
                problems.append(f"it has schema version {found_version}, not {version}")
            found = conn.execute("SELECT count(*) FROM dreams").fetchone()[0]
            if dreams is not None and found != dreams:
                problems.append(f"it holds {found} dreams, not {dreams}")
            return problems
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        return [f"it can't be read ({getattr(exc, 'sqlite_errorname', None) or getattr(exc, 'strerror', None) or exc})"]


def verified_copy(conn, target: Path, *, replace: bool, journal: Path) -> int:
    """Copy the journal open on `conn` to `target` and return the number of dreams in the copy.

    The copy is made at a temporary name, verified, then given its name: with `replace`
    (the pre-migration copy, which is dreamly's own) it takes the place of whatever is there,
    a symlink included (the link itself, never its target); without (`backup PATH`) it never
    takes the place of anything, and an existing file or link is an error.
    """
    folder = target.parent
    old_umask = os.umask(0o077)
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise DreamlyError(f"can't write the copy {target}: {exc.strerror or exc}") from None
    finally:
        os.umask(old_umask)
    os.close(fd)
    temp = Path(temp_name)
    try:
        _observe("temp")
        started = not conn.in_transaction
        if started:
            conn.execute("BEGIN")  # one snapshot for the count and the copy
        try:
            dreams = conn.execute("SELECT count(*) FROM dreams").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            dest = opener_for(conn)(temp) if hasattr(conn, "open_copy") else sqlite3.connect(temp)
            try:
                conn.backup(dest, pages=_STEP, progress=_progress if _STEP > 0 else None)
                dest.execute("PRAGMA journal_mode = DELETE")  # a copy is one self-contained file
            finally:
                dest.close()
        finally:
            if started and conn.in_transaction:
                conn.execute("COMMIT")
        _fsync(temp)
        _observe("copied")
        problems = copy_problems(temp, version=version, dreams=dreams, opener=opener_for(conn))
        if problems:
            if copy_problems(temp, opener=opener_for(conn)) and problems[0] != "it is empty or not a file":
                raise DamagedJournal(
                    f"the journal {journal} is damaged ({problems[0]}), so a copy of it would be too; nothing "
                    "was copied. `dreamly salvage` copies every dream that can still be read into a new journal")
            raise DreamlyError(f"the copy {target} did not verify ({problems[0]}); nothing was kept")
        _observe("verified")
        if replace:
            os.replace(temp, target)
        else:
            _link_new(temp, target)
        _fsync_folder(folder)
        _observe("named")
        return dreams
    except sqlite3.Error as exc:
        from dreamly.store.errors import is_damage

        if is_damage(exc):
            raise DamagedJournal(f"the journal {journal} is damaged, so a copy of it would be too; nothing was "
                                 "copied. `dreamly salvage` copies every dream that can still be read into a "
                                 "new journal") from None
        raise DreamlyError(f"can't write the copy {target}: {getattr(exc, 'sqlite_errorname', exc)}") from None
    except OSError as exc:
        raise DreamlyError(f"can't write the copy {target}: {exc.strerror or exc}") from None
    finally:
        try:
            temp.unlink()
        except FileNotFoundError:
            pass


def _link_new(temp: Path, target: Path) -> None:
    """Give `temp` the name `target` only if nothing (no file, no link) has it: a hard link
    is atomic and never follows a symlink; where the file system has none, check then rename."""
    try:
        os.link(temp, target, follow_symlinks=False)
        return
    except FileExistsError:
        raise DreamlyError(f"{target} already exists; give a new file name") from None
    except OSError:
        pass  # no hard links here (FAT, some network shares)
    if os.path.lexists(target):
        raise DreamlyError(f"{target} already exists; give a new file name")
    os.replace(temp, target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


