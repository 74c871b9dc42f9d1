"""`dreamly salvage`: copy every row that can still be read from a damaged journal into a
new, sound journal. Part of the store's health room (backup, check, salvage).

The damaged file is never opened for writing, nor even by SQLite in place: it (and its
`-wal`) is copied to a private temporary folder first, and the copy is read. The copy is
read table by table, in key order, a page of rows at a time; where a read fails on a damaged
page, the reader probes forward for the first key it can read again and carries on, so one
damaged page costs the rows on it, not the journal. (SQLite 3.40's `.recover` fails on
dreamly journals, which have AUTOINCREMENT and FTS5 tables.)

What is written: the dreams that could be read with their ids, then every other table's
rows whose dream was salvaged. The search indexes are filled from the rows by their triggers;
derived tables (each dream's signs, `dream_signs_read`) are left for dreamly to read again,
and the table of days is filled by its triggers as the dreams go in.
Nothing here prints; the report names tables, ids and counts, never text. An encrypted
journal is not salvaged here: decrypt a backup, or the file, first.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dreamly.errors import DreamlyError

PAGE_ROWS = 200
_MIN_KEY = -(2**63)
_MAX_KEY = 2**63 - 1


@dataclass
class TableReport:
    name: str
    read: int = 0
    written: int = 0
    unreadable: list[tuple[int, int]] = field(default_factory=list)  # key ranges that could not be read
    orphans: int = 0  # rows whose dream could not be read
    refused: int = 0  # rows that could be read but did not fit the schema (garbled)

    def to_json(self) -> dict:
        return {"table": self.name, "read": self.read, "written": self.written,
                "unreadable_ranges": [list(r) for r in self.unreadable], "orphans": self.orphans,
                "refused": self.refused}


def salvage(damaged: Path, out: Path) -> dict:
    """Copy what can be read from `damaged` into a new journal at `out` (which must not exist)."""
    from dreamly.store.connect import looks_encrypted
    from dreamly.store.errors import is_damage as _is_damage
    from dreamly.store.journal import Journal

    if os.path.lexists(out):
        raise DreamlyError(f"{out} already exists; give a new file name for the salvaged journal")
    if not damaged.is_file():
        raise DreamlyError(f"no journal at {damaged}")
    if looks_encrypted(damaged):
        raise DreamlyError(f"{damaged} is encrypted; salvage reads plain journals only "
                           "(`dreamly decrypt` it, or restore a backup)")
    with tempfile.TemporaryDirectory(prefix="dreamly-salvage-") as scratch:
        copy = Path(scratch) / "damaged.db"
        try:
            shutil.copyfile(damaged, copy)
            for suffix in ("-wal",):
                if Path(f"{damaged}{suffix}").exists():
                    shutil.copyfile(f"{damaged}{suffix}", f"{copy}{suffix}")
        except OSError as exc:
            raise DreamlyError(f"can't read {damaged}: {exc.strerror or exc}") from None
        source = sqlite3.connect(copy, isolation_level=None)
        try:
            try:
                tables = _tables(source)
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc):
                    raise
                raise DreamlyError(f"{damaged} is damaged where SQLite keeps the list of tables; nothing can be "
                                   "read from it table by table. Restore a backup") from None
            if "dreams" not in tables:
                raise DreamlyError(f"{damaged} holds no dreams table; is it a dreamly journal?")
            target = Journal.open(out)
            try:
                reports = _copy_all(source, tables, target)
            except BaseException:
                target.close()
                _remove_journal(out)
                raise
            report = target.check()
            target.close()
        finally:
            source.close()
    return {"from": str(damaged), "to": str(out), "tables": [r.to_json() for r in reports],
            "dreams": next(r.written for r in reports if r.name == "dreams"), "check_ok": report["ok"]}


def _tables(conn: sqlite3.Connection) -> dict[str, dict]:
    """Each ordinary table: its columns, and the key to read it by (rowid, or the primary key)."""
    tables = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall():
        if name.startswith("sqlite_") or "_fts" in name or (sql or "").upper().startswith("CREATE VIRTUAL"):
            continue
        info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
        columns = [row[1] for row in info]
        without_rowid = "WITHOUT ROWID" in (sql or "").upper()
        key = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]] if without_rowid else ["rowid"]
        tables[name] = {"columns": columns, "key": key}
    return tables


# filled by triggers, or read again from the dreams by the next command that needs them
DERIVED = ("dream_signs", "dream_signs_read", "dream_days")  # dream_days is filled by its triggers


def _copy_all(source: sqlite3.Connection, tables: dict, target) -> list[TableReport]:
    from dreamly.store.errors import is_damage as _is_damage

    wanted = {name: [row[1] for row in target.conn.execute(f'PRAGMA table_info("{name}")')]
              for (name,) in target.conn.execute(
                  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                  "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%'").fetchall()
              if name not in DERIVED}
    order = ["dreams", *sorted(name for name in tables if name != "dreams" and name in wanted)]
    reports = []
    dream_ids: list[int] = []
    try:
        seq = source.execute("SELECT seq FROM sqlite_sequence WHERE name = 'dreams'").fetchone()
        seq = seq[0] if seq else 0
    except sqlite3.DatabaseError:
        seq = None
    with target.transaction():
        for name in order:
            table = tables[name]
            columns = [c for c in table["columns"] if c in wanted[name]]
            if name == "dreams" and "id" not in columns:
                continue
            report = TableReport(name)
            marks = ", ".join("?" for _ in columns)
            insert = f'INSERT OR IGNORE INTO "{name}" ({", ".join(_q(c) for c in columns)}) VALUES ({marks})'
            if name == "dreams" and seq is not None:
                rows = _rows_by_key(source, name, columns, "id", range(1, seq + 1), report, _is_damage)
            elif "dream_id" in columns and name != "dreams":
                rows = _rows_by_key(source, name, columns, "dream_id", dream_ids, report, _is_damage)
            else:
                key = table["key"]
                select = (["rowid"] if key == ["rowid"] else []) + columns
                rows = (row[1:] if key == ["rowid"] else row
                        for row in _readable_rows(source, name, select, key, report, _is_damage))
            for values in rows:
                report.read += 1
                cursor = target.conn.execute(insert, values)
                if cursor.rowcount == 1:
                    report.written += 1
                    if name == "dreams":
                        dream_ids.append(values[columns.index("id")])
                else:
                    report.refused += 1
            reports.append(report)
        # ids are never reused: the new journal continues after the highest id the old one gave
        highest = max([*(dream_ids or [0]), seq or 0])
        target.conn.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'dreams'", (highest,))
        # the search index was filled by the dreams table's triggers, row by row
    return reports


def _rows_by_key(conn, table: str, columns: list[str], key: str, keys, report: TableReport, is_damage):
    """The rows of `table` whose `key` column is in `keys` (ascending ints), a batch of keys at
    a time; a batch that fails is read key by key, and keys that fail alone are unreadable.
    Looking rows up by key (as one would by hand) never lets a damaged page's garbage keys
    send a scan past good rows."""
    keys = list(keys)
    select = ", ".join(_q(c) for c in columns)
    order = "rowid" if key == "id" else f"{_q(key)}"

    def fetch(batch: list[int]) -> list | None:
        try:
            return conn.execute(f'SELECT {select} FROM "{table}" WHERE {_q(key)} IN (SELECT value FROM json_each(?)) '
                                f'ORDER BY {order}', (json.dumps(batch),)).fetchall()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            return None

    for start in range(0, len(keys), PAGE_ROWS):
        batch = keys[start:start + PAGE_ROWS]
        rows = fetch(batch)
        if rows is not None:
            yield from rows
            continue
        for one in batch:
            rows = fetch([one])
            if rows is None:
                if report.unreadable and report.unreadable[-1][1] == one - 1:
                    report.unreadable[-1] = (report.unreadable[-1][0], one)
                else:
                    report.unreadable.append((one, one))
                continue
            yield from rows


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _readable_rows(conn, table: str, columns: list[str], key: list[str], report: TableReport, is_damage):
    """Every row of `table` that can be read, in key order; ranges of the first key column
    that could not be read go to `report.unreadable`."""
    select = ", ".join(c if c == "rowid" else _q(c) for c in columns)
    key_sql = ", ".join(k if k == "rowid" else _q(k) for k in key)
    first = key[0] if key[0] == "rowid" else _q(key[0])
    key_at = [columns.index(k) for k in key]
    after: tuple | None = None  # the last key read
    floor = _MIN_KEY  # where the next read starts when the last one failed
    while True:
        try:
            if after is None:
                rows = conn.execute(f'SELECT {select} FROM "{table}" WHERE {first} >= ? ORDER BY {key_sql} LIMIT ?',
                                    (floor, PAGE_ROWS)).fetchall()
            else:
                marks = ", ".join("?" for _ in key)
                rows = conn.execute(f'SELECT {select} FROM "{table}" WHERE ({key_sql}) > ({marks}) '
                                    f'ORDER BY {key_sql} LIMIT ?', (*after, PAGE_ROWS)).fetchall()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            rows = None
        if rows is None:
            # a damaged page: read row by row up to it, then probe for where reading works again
            start = floor if after is None else after[0]
            got = _one_by_one(conn, table, select, key_sql, first, key, key_at, after, floor, is_damage)
            if got:
                for row in got:
                    yield row
                after = tuple(got[-1][i] for i in key_at)
                continue
            failed_from = start if after is None else start + 1
            resume = _probe(conn, table, first, failed_from, is_damage)
            report.unreadable.append((failed_from, _MAX_KEY if resume is None else resume - 1))
            if resume is None:
                return
            after, floor = None, resume
            continue
        if not rows:
            return
        yield from rows
        after = tuple(rows[-1][i] for i in key_at)


def _one_by_one(conn, table, select, key_sql, first, key, key_at, after, floor, is_damage) -> list:
    rows = []
    while len(rows) < PAGE_ROWS:
        last = after if not rows else tuple(rows[-1][i] for i in key_at)
        try:
            if last is None:
                row = conn.execute(f'SELECT {select} FROM "{table}" WHERE {first} >= ? ORDER BY {key_sql} LIMIT 1',
                                   (floor,)).fetchone()
            else:
                marks = ", ".join("?" for _ in key)
                row = conn.execute(f'SELECT {select} FROM "{table}" WHERE ({key_sql}) > ({marks}) '
                                   f'ORDER BY {key_sql} LIMIT 1', last).fetchone()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            break
        if row is None:
            break
        rows.append(row)
    return rows


def _probe(conn, table: str, first: str, failed_from: int, is_damage) -> int | None:
    """The smallest key at or after which reading works again (None: nothing after can be read).
    Steps forward doubling until a read works, then bisects back to the first one that does."""
    def works(start: int) -> bool:
        try:
            conn.execute(f'SELECT 1 FROM "{table}" WHERE {first} >= ? ORDER BY {first} LIMIT 1', (start,)).fetchall()
            return True
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            return False

    step = 1
    bad = failed_from
    while True:
        good = failed_from + step
        if good > _MAX_KEY:
            return None if not works(_MAX_KEY) else _MAX_KEY
        if works(good):
            break
        bad = good
        step *= 2
    while good - bad > 1:
        middle = (good + bad) // 2
        if works(middle):
            good = middle
        else:
            bad = middle
    return good


def _remove_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass
