"""Encryption at rest: SQLCipher journals (the `dreamly[encrypt]` extra, sqlcipher3).

An encrypted journal is still one SQLite file, encrypted page by page (its -wal too), with
the same schema, FTS5 index and WAL mode. Only dreamly.store.connect imports this module, and only
for a file whose header says it is encrypted, or `dreamly encrypt` / `decrypt`: the plain
install never loads sqlcipher3 or keyring.

sqlcipher3 raises its own exception classes; `CipherConnection` turns them into the
standard library's (same names, same error codes), so the store and the CLI handle both
kinds of journal with the same `except sqlite3.…` clauses.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dreamly._struct import Struct
from dreamly.errors import DreamlyError
from dreamly.keys import Key

TYPE_CHECKING = False  # (typing itself is a few milliseconds of `dreamly add`: annotations only)
if TYPE_CHECKING:
    from typing import Callable


INSTALL_HINT = "pip install 'dreamly[encrypt]'"
_quiet = False


def dbapi(why: str = "this journal is encrypted"):
    """sqlcipher3's DB-API module, or the one-line error naming the extra."""
    global _quiet
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise DreamlyError(f"{why}: {INSTALL_HINT}") from None
    if not _quiet:
        # SQLCipher logs a failed key to stderr; dreamly says it in one line instead
        dbapi2.connect(":memory:").execute("PRAGMA cipher_log_level = NONE").close()
        _quiet = True
    return dbapi2


def _translated(exc: Exception) -> sqlite3.Error:
    cls = getattr(sqlite3, type(exc).__name__, sqlite3.DatabaseError)
    if not (isinstance(cls, type) and issubclass(cls, sqlite3.Error)):
        cls = sqlite3.DatabaseError
    new = cls(*exc.args)
    for attr in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(exc, attr):
            setattr(new, attr, getattr(exc, attr))
    return new


class _Cursor:
    __slots__ = ("_cursor", "_error")

    def __init__(self, cursor, error):
        self._cursor = cursor
        self._error = error

    def fetchone(self):
        try:
            return self._cursor.fetchone()
        except self._error as exc:
            raise _translated(exc) from None

    def fetchall(self):
        try:
            return self._cursor.fetchall()
        except self._error as exc:
            raise _translated(exc) from None

    def fetchmany(self, size=None):
        try:
            return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()
        except self._error as exc:
            raise _translated(exc) from None

    def __iter__(self):
        rows = iter(self._cursor)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except self._error as exc:
                raise _translated(exc) from None
            yield row

    def __getattr__(self, name):  # lastrowid, rowcount, description, close
        return getattr(self._cursor, name)


class CipherConnection:
    """A sqlcipher3 connection that raises the standard library's sqlite3 exceptions."""

    def __init__(self, conn, key: Key | None):
        self._conn = conn
        self.key = key
        self._dbapi = dbapi()
        self._error = self._dbapi.Error

    def execute(self, sql, parameters=()):
        try:
            return _Cursor(self._conn.execute(sql, parameters), self._error)
        except self._error as exc:
            raise _translated(exc) from None

    def executemany(self, sql, seq):
        try:
            return _Cursor(self._conn.executemany(sql, seq), self._error)
        except self._error as exc:
            raise _translated(exc) from None

    def executescript(self, script):
        try:
            return _Cursor(self._conn.executescript(script), self._error)
        except self._error as exc:
            raise _translated(exc) from None

    @property
    def row_factory(self):
        return self._conn.row_factory

    @row_factory.setter
    def row_factory(self, factory):
        self._conn.row_factory = self._dbapi.Row if factory is sqlite3.Row else factory

    @property
    def in_transaction(self):
        return self._conn.in_transaction

    def open_copy(self, target) -> "CipherConnection":
        """A new file for `backup()` to fill, encrypted with this journal's key."""
        return _keyed(self._dbapi, str(target), self.key, uri=False, timeout=5.0)

    def backup(self, target: "CipherConnection", **kwargs):
        try:
            self._conn.backup(target._conn, **kwargs)
        except self._error as exc:
            raise _translated(exc) from None

    def close(self):
        self._conn.close()

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _keyed(db, target: str, key: Key | None, *, uri: bool, timeout: float) -> CipherConnection:
    try:
        conn = db.connect(target, timeout=timeout, isolation_level=None, uri=uri)
        if key is not None:
            conn.execute(f"PRAGMA key = {key.sql()}")  # before anything else touches the file
    except db.Error as exc:
        raise _translated(exc) from None
    return CipherConnection(conn, key)


def _opens(conn: CipherConnection) -> bool:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB or "not a database" in str(exc):
            return False
        raise


def connect(path: Path, target, *, uri: bool, timeout: float, key: Key | None = None) -> CipherConnection:
    """Open the encrypted journal at `path` (`target`: the path or a read-only URI), with
    `key` or the first key from dreamly.keys that opens it."""
    from dreamly import keys

    db = dbapi()
    for candidate in [key] if key else keys.candidates(path):
        conn = _keyed(db, str(target), candidate, uri=uri, timeout=timeout)
        if _opens(conn):
            return conn
        conn.close()
    raise DreamlyError(f"the key does not open {path} (wrong key, or the file is damaged)")


# -- encrypt and decrypt: write beside, verify, swap ---------------------------------------------


class Outcome(Struct):
    _fields = ("path", "dreams", "removed", "left")

    def __init__(self, path: Path, dreams: int, removed: list[Path] | None = None, left: list[Path] | None = None):
        self.path = path
        self.dreams = dreams
        self.removed = [] if removed is None else removed  # plaintext copies removed
        self.left = [] if left is None else left  # copies dreamly did not make, left alone


TABLES_QUERY = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"


def _counts(conn) -> dict[str, int]:
    names = [row[0] for row in conn.execute(TABLES_QUERY)]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _probe_word(conn) -> str | None:
    row = conn.execute("SELECT body FROM dreams ORDER BY id LIMIT 1").fetchone()
    if not row:
        return None
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in row[0]).split() if len(w) > 2]
    return max(words, key=len) if words else None


def _search(conn, word: str) -> list[int]:
    from dreamly.store import fts_query

    return [row[0] for row in conn.execute("SELECT rowid FROM dreams_fts WHERE dreams_fts MATCH ? ORDER BY rowid",
                                           (fts_query(word),))]


def _exclusive(path: Path, db, key: Key | None, timeout: float):
    """A connection to the journal that holds it alone: out of WAL mode (so no -wal or -shm is
    left for the new file to pick up), then an exclusive lock until the swap is done.
    Switching out of WAL fails while another dreamly has the journal open."""
    import time

    conn = _keyed(db, str(path), key, uri=False, timeout=timeout)
    deadline = time.monotonic() + timeout
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            if mode.lower() == "delete":
                break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                conn.close()
                raise
        if time.monotonic() > deadline:
            conn.close()
            raise DreamlyError(f"another dreamly has {path} open; close it and try again")
        time.sleep(0.05)
    return conn


def _wipe(path: Path) -> None:
    """Overwrite a file with zeros, then remove it. Best effort: on SSDs and copy-on-write
    or snapshotting file systems the old blocks may survive (see README, Encryption)."""
    try:
        size = path.stat().st_size
        with open(path, "r+b", buffering=0) as stream:
            _zero(stream.fileno(), size)
    except OSError:
        pass
    path.unlink(missing_ok=True)


def _zero(fd: int, size: int) -> None:
    block = b"\0" * 65536
    os.lseek(fd, 0, os.SEEK_SET)
    done = 0
    while done < size:
        done += os.write(fd, block[: min(len(block), size - done)])
    os.fsync(fd)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_path(path: Path, what: str) -> Path:
    return path.with_name(f".{path.name}.{what}")


def plaintext_copies(path: Path) -> list[Path]:
    """The copies dreamly itself leaves beside the journal: `.bak-N` (before a schema
    upgrade) and a half-written `decrypt`. (The old -wal and -shm are gone before the swap:
    after it, those names belong to the new file.)"""
    found = sorted(path.parent.glob(f"{path.name}.bak-*")) + [temp_path(path, "decrypting")]
    return [p for p in found if p.is_file()]


def user_backups(path: Path) -> list[Path]:
    """`dreamly backup` files beside the journal: yours, so left alone (and named)."""
    return sorted(p for p in path.parent.glob(f"{path.stem}.backup-*") if p.is_file())


def change(path: Path, *, to_key: Key | None, from_key: Key | None, timeout: float,
           on_stage: Callable[[str], None] = lambda stage: None) -> Outcome:
    """Rewrite the journal at `path` encrypted with `to_key` (or in plain text when None),
    from `from_key` (None: it is plain now). The new file is written beside the old with
    sqlcipher_export, checked (integrity, counts per table, a search), and renamed over
    the old one: at every moment one complete journal sits at `path`.

    `on_stage` hears "locked", "exported", "verified", "swapped", "cleaned"."""
    db = dbapi()
    temp = temp_path(path, "encrypting" if to_key else "decrypting")
    if temp.exists():
        _wipe(temp)
    old_umask = os.umask(0o077)
    lock = _exclusive(path, db, from_key, timeout)
    swapped = False
    try:
        lock.execute("BEGIN IMMEDIATE")  # no other writer until the swap; readers may go on
        on_stage("locked")
        source = _keyed(db, str(path), from_key, uri=False, timeout=timeout)
        try:
            source.execute(f"ATTACH DATABASE ? AS fresh KEY {to_key.sql() if to_key else chr(39) * 2}", (str(temp),))
            version = source.execute("PRAGMA main.user_version").fetchone()[0]
            source.execute("SELECT sqlcipher_export('fresh')")
            source.execute(f"PRAGMA fresh.user_version = {int(version)}")
            expected = _counts(source)
            word = _probe_word(source)
            found = _search(source, word) if word else []
            source.execute("DETACH DATABASE fresh")
        finally:
            source.close()
        on_stage("exported")

        check = _keyed(db, str(temp), to_key, uri=False, timeout=timeout)
        try:
            problems = [row[0] for row in check.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise DreamlyError(f"the new file failed SQLite's integrity check ({problems[0]}); nothing was changed")
            if _counts(check) != expected:
                raise DreamlyError("the new file does not hold the same rows; nothing was changed")
            if word and _search(check, word) != found:
                raise DreamlyError("search gives other results in the new file; nothing was changed")
            if check.execute("PRAGMA user_version").fetchone()[0] != version:
                raise DreamlyError("the new file lost the schema version; nothing was changed")
            check.execute("PRAGMA journal_mode = WAL")
        finally:
            check.close()  # the last connection: checkpoints and removes its -wal
        os.chmod(temp, 0o600)
        with open(temp, "rb") as stream:
            os.fsync(stream.fileno())
        on_stage("verified")

        for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # none in DELETE mode; never inherit one
            if leftover.exists() and leftover.stat().st_size:
                raise DreamlyError(f"{leftover} has unfinished writes; run any dreamly command, then try again")
            leftover.unlink(missing_ok=True)
        old = os.open(path, os.O_RDWR)
        try:
            os.replace(temp, path)
            swapped = True
            _fsync_folder(path.parent)
            on_stage("swapped")
            if to_key:  # the old plain text: overwritten through the handle kept on it
                _zero(old, os.fstat(old).st_size)
        finally:
            os.close(old)
    except BaseException:
        if temp.exists():
            _wipe(temp)
        raise
    finally:
        try:
            if lock.in_transaction:
                lock.execute("ROLLBACK")  # it wrote nothing: only held the lock
            if not swapped:
                lock.execute("PRAGMA journal_mode = WAL")  # the journal stays as it was
        except sqlite3.Error:
            pass
        lock.close()
        os.umask(old_umask)
    outcome = Outcome(path, expected.get("dreams", 0))
    if to_key:
        for copy in plaintext_copies(path):
            _wipe(copy)
            outcome.removed.append(copy)
        outcome.left = user_backups(path)
    on_stage("cleaned")
    return outcome


# -- the use cases: encrypt, decrypt, the key -------------------------------------------------


class Encrypted(Outcome):
    _fields = Outcome._fields + ("key_in", "already")

    def __init__(self, path: Path, dreams: int, removed: list[Path] | None = None, left: list[Path] | None = None,
                 key_in: str = "", already: bool = False):
        super().__init__(path, dreams, removed, left)
        self.key_in = key_in  # "the system keyring (…)" or "your passphrase"
        self.already = already  # it was encrypted before: only leftovers were removed


def encrypt_journal(path: Path, *, passphrase: bool = False, timeout: float = 10.0,
                    on_stage: Callable[[str], None] = lambda stage: None) -> Encrypted:
    """Encrypt the plain journal at `path`: with a raw key kept in the system keyring, or
    (`passphrase`, or no working keyring) with a passphrase. Run on an encrypted journal,
    it finishes what an interrupted run left: the plaintext copies beside it."""
    from dreamly import keys
    from dreamly.store.connect import looks_encrypted
    from dreamly.store.journal import Journal

    if not path.is_file():
        raise DreamlyError(f"no journal at {path}")
    if looks_encrypted(path):
        outcome = Encrypted(path, 0, already=True)
        for copy in plaintext_copies(path):
            if copy.name.startswith(".") or not looks_encrypted(copy):
                _wipe(copy)
                outcome.removed.append(copy)
        outcome.left = [p for p in user_backups(path) if not looks_encrypted(p)]
        return outcome
    dbapi("encryption needs the extra")
    with Journal.open(path, create=False) as journal:  # a dreamly journal, at this schema
        if journal.read_only:
            raise DreamlyError(f"can't encrypt {path}: its {journal.read_only} is read-only")
    if not passphrase and keys.keyring_name():
        key = keys.keyring_key()  # one key for all your journals: never replace one in use
        if key is None:
            key = keys.new_raw_key()
            keys.store_in_keyring(key)  # kept before anything is encrypted with it
        key_in = f"the system keyring ({keys.keyring_name()})"
    else:
        key = keys.new_passphrase()
        key_in = "your passphrase"
    done = _changed(path, key, None, timeout, on_stage)
    return Encrypted(done.path, done.dreams, done.removed, done.left, key_in=key_in)


def decrypt_journal(path: Path, *, timeout: float = 10.0,
                    on_stage: Callable[[str], None] = lambda stage: None) -> Outcome:
    from dreamly.store.connect import looks_encrypted

    if not path.is_file():
        raise DreamlyError(f"no journal at {path}")
    if not looks_encrypted(path):
        raise DreamlyError(f"{path} is not encrypted")
    conn = connect(path, path, uri=False, timeout=timeout)  # the key, from wherever it is
    key = conn.key
    conn.close()
    return _changed(path, None, key, timeout, on_stage)


def _changed(path, to_key, from_key, timeout, on_stage) -> Outcome:
    try:
        return change(path, to_key=to_key, from_key=from_key, timeout=timeout, on_stage=on_stage)
    except sqlite3.Error as exc:  # a full disk, an I/O error: the old journal is still in place
        from dreamly.store import translate_error

        reason = translate_error(exc, path)
        raise DreamlyError(f"{reason}; the journal was left as it was") from None


def show_key() -> str:
    from dreamly import keys

    dbapi("keys belong to encrypted journals")
    if not keys.keyring_name():
        raise DreamlyError("there is no working system keyring here")
    key = keys.keyring_key()
    if key is None:
        raise DreamlyError("the system keyring holds no dreamly key")
    return key.secret


def save_key(path: Path) -> str:
    """Put a key (from DREAMLY_PASSPHRASE_COMMAND or the prompt) in the system keyring,
    after checking that it opens the encrypted journal at `path`. Returns the keyring's name."""
    from dreamly import keys
    from dreamly.store.connect import looks_encrypted

    dbapi("keys belong to encrypted journals")
    name = keys.keyring_name()
    if not name:
        raise DreamlyError("there is no working system keyring here")
    key = keys.command_passphrase() or keys.prompt_passphrase("Key or passphrase for the journal: ")
    if path.is_file() and looks_encrypted(path):
        connect(path, path, uri=False, timeout=5.0, key=key).close()
    held = keys.keyring_key()
    if held and held.secret != key.secret:
        # it may be the only copy of the key of another journal or of older backups
        raise DreamlyError("the system keyring already holds another dreamly key (`dreamly key show` prints it); "
                           "remove it from the keyring yourself if you mean to replace it")
    keys.store_in_keyring(key)
    return name
