"""The journal file: schema, migrations, reads and writes.

One SQLite file per journal. This module uses the standard library's `sqlite3` rather
than sqlite-utils on purpose: `import sqlite_utils` costs ~65 ms, which would double the
start-up of `dreamly add`. The file stays a plain SQLite database that sqlite-utils and
Datasette open as they are.

Nothing here prints or knows about the command line; failures a person can act on are
raised as `DreamlyError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from dreamly.errors import DreamlyError

BUSY_TIMEOUT_SECONDS = 10.0

DREAM_FIELDS = (
    "id", "dreamt_on", "created", "updated", "title", "body", "lucid", "nightmare",
    "recurring", "sleep_quality", "context", "source", "content_hash",
)
EDITABLE_FIELDS = ("dreamt_on", "title", "body", "lucid", "nightmare", "recurring", "sleep_quality", "context")

# Numbered migrations. A migration is never edited once released: add a new one.
# Each runs in its own transaction together with the bump of PRAGMA user_version.
MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE dreams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused: notes may cite them
        dreamt_on TEXT NOT NULL,               -- local date of the morning you woke
        created TEXT NOT NULL,                 -- UTC ISO timestamps
        updated TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        lucid INTEGER NOT NULL DEFAULT 0 CHECK (lucid IN (0, 1)),
        nightmare INTEGER NOT NULL DEFAULT 0 CHECK (nightmare IN (0, 1)),
        recurring INTEGER NOT NULL DEFAULT 0 CHECK (recurring IN (0, 1)),
        sleep_quality INTEGER CHECK (sleep_quality BETWEEN 1 AND 5),
        context TEXT NOT NULL DEFAULT '',      -- what is going on in waking life
        source TEXT,                           -- where an imported dream came from
        content_hash TEXT                      -- dedupes re-imports
    );
    CREATE INDEX dreams_by_day ON dreams (dreamt_on, id);
    CREATE INDEX dreams_by_hash ON dreams (content_hash);

    CREATE TABLE dream_tags (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (dream_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX dream_tags_by_tag ON dream_tags (tag, dream_id);

    CREATE TABLE dream_emotions (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        emotion TEXT NOT NULL,
        intensity INTEGER CHECK (intensity BETWEEN 1 AND 5),
        origin TEXT NOT NULL CHECK (origin IN ('user', 'text')),
        PRIMARY KEY (dream_id, emotion)
    ) WITHOUT ROWID;
    CREATE INDEX dream_emotions_by_emotion ON dream_emotions (emotion, dream_id);

    CREATE TABLE dream_motifs (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        motif TEXT NOT NULL,
        evidence TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        subject TEXT NOT NULL DEFAULT 'dreamer',
        matcher_version INTEGER NOT NULL
    );
    CREATE INDEX dream_motifs_by_dream ON dream_motifs (dream_id);
    CREATE INDEX dream_motifs_by_motif ON dream_motifs (motif, dream_id);

    CREATE TABLE interpretations (
        id INTEGER PRIMARY KEY,
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        lens TEXT,
        prompt TEXT NOT NULL,
        system TEXT,
        response TEXT NOT NULL,
        complete INTEGER NOT NULL DEFAULT 1,   -- 0 when the model failed halfway
        created TEXT NOT NULL
    );
    CREATE INDEX interpretations_by_dream ON interpretations (dream_id);

    CREATE TABLE rehearsals (
        id INTEGER PRIMARY KEY,
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX rehearsals_by_dream ON rehearsals (dream_id);

    CREATE VIRTUAL TABLE dreams_fts USING fts5 (
        title, body, context,
        content = 'dreams', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER dreams_fts_insert AFTER INSERT ON dreams BEGIN
        INSERT INTO dreams_fts (rowid, title, body, context)
        VALUES (new.id, new.title, new.body, new.context);
    END;
    CREATE TRIGGER dreams_fts_delete AFTER DELETE ON dreams BEGIN
        INSERT INTO dreams_fts (dreams_fts, rowid, title, body, context)
        VALUES ('delete', old.id, old.title, old.body, old.context);
    END;
    CREATE TRIGGER dreams_fts_update AFTER UPDATE OF title, body, context ON dreams BEGIN
        INSERT INTO dreams_fts (dreams_fts, rowid, title, body, context)
        VALUES ('delete', old.id, old.title, old.body, old.context);
        INSERT INTO dreams_fts (rowid, title, body, context)
        VALUES (new.id, new.title, new.body, new.context);
    END;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(dreamt_on: str, body: str) -> str:
    """Identity of a dream's content, so re-importing the same file adds nothing."""
    normalised = " ".join(body.split())
    return hashlib.sha256(f"{dreamt_on}\n{normalised}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class Filters:
    """The filters shared by list, search, export and patterns."""

    since: date | None = None
    until: date | None = None
    tags: Sequence[str] = ()
    emotions: Sequence[str] = ()
    motifs: Sequence[str] = ()
    limit: int | None = None
    oldest_first: bool = False

    def where(self, alias: str = "d") -> tuple[str, list]:
        clauses: list[str] = []
        params: list = []
        if self.since:
            clauses.append(f"{alias}.dreamt_on >= ?")
            params.append(self.since.isoformat())
        if self.until:
            clauses.append(f"{alias}.dreamt_on <= ?")
            params.append(self.until.isoformat())
        for tag in self.tags:
            clauses.append(f"{alias}.id IN (SELECT dream_id FROM dream_tags WHERE tag = ?)")
            params.append(normalise_tag(tag))
        for emotion in self.emotions:
            clauses.append(f"{alias}.id IN (SELECT dream_id FROM dream_emotions WHERE emotion = ?)")
            params.append(emotion.strip().lower())
        for motif in self.motifs:
            clauses.append(f"{alias}.id IN (SELECT dream_id FROM dream_motifs WHERE motif = ?)")
            params.append(motif.strip().lower())
        return (" AND ".join(clauses) or "1"), params


def normalise_tag(tag: str) -> str:
    return " ".join(tag.strip().lower().split())


@dataclass
class NewDream:
    body: str
    dreamt_on: date
    title: str = ""
    context: str = ""
    lucid: bool = False
    nightmare: bool = False
    recurring: bool = False
    sleep_quality: int | None = None
    tags: Sequence[str] = ()
    emotions: Sequence[tuple[str, int | None]] = ()  # what the user tagged
    source: str | None = None
    created: str | None = None
    updated: str | None = None
    extra: dict = field(default_factory=dict)


# Read one dream with its lists in a single query: json_group_array keeps it one round trip
# per screen instead of one query per dream and per list.
_DREAM_COLUMNS = ", ".join(f"d.{name}" for name in DREAM_FIELDS)
_DREAM_SELECT = f"""
SELECT {_DREAM_COLUMNS},
    (SELECT json_group_array(tag) FROM (SELECT tag FROM dream_tags WHERE dream_id = d.id ORDER BY tag)) AS tags_json,
    (SELECT json_group_array(json_object('emotion', emotion, 'intensity', intensity, 'origin', origin))
        FROM (SELECT * FROM dream_emotions WHERE dream_id = d.id ORDER BY origin DESC, emotion)) AS emotions_json,
    (SELECT json_group_array(json_object('motif', motif, 'evidence', evidence, 'start', start, 'end', "end",
            'subject', subject, 'matcher_version', matcher_version))
        FROM (SELECT * FROM dream_motifs WHERE dream_id = d.id ORDER BY start)) AS motifs_json
FROM dreams d
"""


def _row_to_dream(row: sqlite3.Row) -> dict:
    dream = {name: row[name] for name in DREAM_FIELDS}
    for flag in ("lucid", "nightmare", "recurring"):
        dream[flag] = bool(dream[flag])
    dream["tags"] = json.loads(row["tags_json"])
    dream["emotions"] = json.loads(row["emotions_json"])
    dream["motifs"] = json.loads(row["motifs_json"])
    return dream


class Journal:
    """An open journal file. Use as a context manager, or call close()."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True) -> "Journal":
        path = Path(path)
        if path.is_dir():
            raise DreamlyError(f"{path} is a folder, not a journal file")
        fresh = not path.exists()
        if fresh and not create:
            raise DreamlyError(f"no journal at {path}")
        if fresh:
            _make_private_folder(path.parent)
        # Files SQLite creates (the journal, -wal, -shm) are private to the user.
        old_umask = os.umask(0o077)
        try:
            try:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            except sqlite3.Error as exc:
                raise DreamlyError(f"can't open the journal at {path}: {exc}") from None
            conn.row_factory = sqlite3.Row
            journal = cls(path, conn)
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                journal._migrate(fresh)
            except DreamlyError:
                conn.close()
                raise
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise translate_error(exc, path) from None
        finally:
            os.umask(old_umask)
        if fresh:
            os.chmod(path, 0o600)
        return journal

    def _migrate(self, fresh: bool) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise DreamlyError(
                f"{self.path} was written by a newer dreamly (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade dreamly to open it"
            )
        if version == 0 and not fresh:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise DreamlyError(f"{self.path} is an SQLite file but not a dreamly journal")
        if version > 0:
            self._back_up_before_migration(version)
        if fresh:
            # WAL lets a reader and a writer share the file: two terminals at once.
            self.conn.execute("PRAGMA journal_mode = WAL")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                # statement by statement: executescript() would COMMIT behind our back
                for statement in _split_sql(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def _back_up_before_migration(self, version: int) -> None:
        target = self.path.with_name(f"{self.path.name}.bak-{version}")
        if not target.exists():
            self.backup_to(target)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------------

    def transaction(self) -> "_Transaction":
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        return _Transaction(self.conn, self.path)

    # -- writes ----------------------------------------------------------------------

    def add(self, dream: NewDream) -> int:
        """Store a dream with its tags and user-tagged emotions in one transaction."""
        stamp = now_utc()
        dreamt_on = dream.dreamt_on.isoformat()
        with self.transaction():
            cursor = self.conn.execute(
                """INSERT INTO dreams (dreamt_on, created, updated, title, body, lucid, nightmare,
                       recurring, sleep_quality, context, source, content_hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    dreamt_on, dream.created or stamp, dream.updated or dream.created or stamp,
                    dream.title, dream.body, int(dream.lucid), int(dream.nightmare),
                    int(dream.recurring), dream.sleep_quality, dream.context, dream.source,
                    content_hash(dreamt_on, dream.body),
                ),
            )
            dream_id = cursor.lastrowid
            self._write_tags(dream_id, dream.tags)
            self._write_user_emotions(dream_id, dream.emotions)
        return dream_id

    def _write_tags(self, dream_id: int, tags: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO dream_tags (dream_id, tag) VALUES (?, ?)",
            [(dream_id, t) for t in {normalise_tag(t) for t in tags} if t],
        )

    def _write_user_emotions(self, dream_id: int, emotions: Iterable[tuple[str, int | None]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO dream_emotions (dream_id, emotion, intensity, origin) VALUES (?, ?, ?, 'user')",
            [(dream_id, name, intensity) for name, intensity in emotions],
        )

    def save_analysis(self, dream_id: int, motifs: Iterable, found_emotions: Iterable[str], version: int) -> None:
        """Replace a dream's matcher output: its motif hits and its text-found emotions.

        `motifs` are objects with id, evidence, start, end and subject (analyze.Hit).
        Emotions the user tagged are kept; found ones are added only where the user said nothing.
        """
        with self.transaction():
            self._replace_analysis(dream_id, motifs, found_emotions, version)

    def _replace_analysis(self, dream_id: int, motifs: Iterable, found_emotions: Iterable[str], version: int) -> None:
        self.conn.execute("DELETE FROM dream_motifs WHERE dream_id = ?", (dream_id,))
        self.conn.execute("DELETE FROM dream_emotions WHERE dream_id = ? AND origin = 'text'", (dream_id,))
        self.conn.executemany(
            """INSERT INTO dream_motifs (dream_id, motif, evidence, start, "end", subject, matcher_version)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(dream_id, h.id, h.evidence, h.start, h.end, h.subject, version) for h in motifs],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO dream_emotions (dream_id, emotion, intensity, origin) VALUES (?, ?, NULL, 'text')",
            [(dream_id, name) for name in dict.fromkeys(found_emotions)],
        )

    def update(
        self,
        dream_id: int,
        fields: dict,
        *,
        tags: Sequence[str] | None = None,
        emotions: Sequence[tuple[str, int | None]] | None = None,
    ) -> None:
        """Change some fields of a dream (and optionally replace its tags / user emotions)."""
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        with self.transaction():
            current = self.conn.execute("SELECT dreamt_on, body FROM dreams WHERE id = ?", (dream_id,)).fetchone()
            if current is None:
                raise DreamlyError(f"no dream with id {dream_id}")
            values = dict(fields)
            if isinstance(values.get("dreamt_on"), date):
                values["dreamt_on"] = values["dreamt_on"].isoformat()
            for flag in ("lucid", "nightmare", "recurring"):
                if flag in values:
                    values[flag] = int(bool(values[flag]))
            values["updated"] = now_utc()
            values["content_hash"] = content_hash(
                values.get("dreamt_on", current["dreamt_on"]), values.get("body", current["body"])
            )
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.conn.execute(f"UPDATE dreams SET {assignments} WHERE id = ?", (*values.values(), dream_id))
            if tags is not None:
                self.conn.execute("DELETE FROM dream_tags WHERE dream_id = ?", (dream_id,))
                self._write_tags(dream_id, tags)
            if emotions is not None:
                self.conn.execute("DELETE FROM dream_emotions WHERE dream_id = ? AND origin = 'user'", (dream_id,))
                self._write_user_emotions(dream_id, emotions)

    def delete(self, dream_id: int) -> None:
        with self.transaction():
            cursor = self.conn.execute("DELETE FROM dreams WHERE id = ?", (dream_id,))
            if cursor.rowcount == 0:
                raise DreamlyError(f"no dream with id {dream_id}")

    # -- reads -----------------------------------------------------------------------

    def get(self, dream_id: int, *, with_history: bool = True) -> dict:
        """One dream with tags, emotions, motifs, and (by default) interpretations and rehearsals."""
        row = self.conn.execute(_DREAM_SELECT + " WHERE d.id = ?", (dream_id,)).fetchone()
        if row is None:
            raise DreamlyError(f"no dream with id {dream_id}")
        dream = _row_to_dream(row)
        if with_history:
            dream["interpretations"] = [
                dict(r) | {"complete": bool(r["complete"])}
                for r in self.conn.execute(
                    "SELECT id, model, lens, prompt, system, response, complete, created FROM interpretations "
                    "WHERE dream_id = ? ORDER BY id", (dream_id,)
                )
            ]
            dream["rehearsals"] = [
                dict(r) for r in self.conn.execute(
                    "SELECT id, body, created FROM rehearsals WHERE dream_id = ? ORDER BY id", (dream_id,)
                )
            ]
        return dream

    def latest_id(self) -> int | None:
        row = self.conn.execute("SELECT id FROM dreams ORDER BY dreamt_on DESC, id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def list(self, filters: Filters | None = None) -> list[dict]:
        return list(self.iter_dreams(filters or Filters()))

    def iter_dreams(self, filters: Filters) -> Iterator[dict]:
        """Dreams matching `filters`, newest first (or oldest first), streamed from SQLite."""
        where, params = filters.where()
        order = "ASC" if filters.oldest_first else "DESC"
        sql = _DREAM_SELECT + f" WHERE {where} ORDER BY d.dreamt_on {order}, d.id {order}"
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(filters.limit)
        for row in self.conn.execute(sql, params):
            yield _row_to_dream(row)

    def search(self, query: str, filters: Filters | None = None) -> list[dict]:
        """Full-text search, best match first; each dream gets a `snippet` with the hits marked.

        The hits in the snippet are wrapped in SNIPPET_START / SNIPPET_END.
        """
        filters = filters or Filters()
        match = fts_query(query)
        where, params = filters.where()
        sql = f"""
            WITH hits AS (
                SELECT rowid, bm25(dreams_fts, 10.0, 1.0, 2.0) AS rank,
                    snippet(dreams_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', 16) AS snippet
                FROM dreams_fts WHERE dreams_fts MATCH ?
            )
            {_DREAM_SELECT.replace("FROM dreams d", "FROM hits JOIN dreams d ON d.id = hits.rowid")}
            WHERE {where}
            ORDER BY hits.rank, d.dreamt_on DESC
        """
        sql = sql.replace("SELECT d.id,", "SELECT hits.snippet AS snippet, d.id,", 1)
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(filters.limit)
        results = []
        for row in self.conn.execute(sql, [match, *params]):
            dream = _row_to_dream(row)
            dream["snippet"] = row["snippet"]
            results.append(dream)
        return results

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM dreams").fetchone()[0]

    # -- whole-file operations -------------------------------------------------------

    def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's backup API, private to the user."""
        old_umask = os.umask(0o077)
        try:
            dest = sqlite3.connect(target)
            try:
                self.conn.backup(dest)
            finally:
                dest.close()
        finally:
            os.umask(old_umask)
        os.chmod(target, 0o600)


SNIPPET_START = "\x02"
SNIPPET_END = "\x03"


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word a quoted term (AND).

    Quoting each word means `"`, `*`, `-`, `OR`, `NEAR(` and friends are searched for as
    words instead of being read as FTS syntax, so no query can crash the search. A word
    ending in `*` keeps its prefix meaning (`run*`).
    """
    terms = []
    for word in text.split():
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        core = word.rstrip("*") if prefix else word
        if not any(ch.isalnum() for ch in core):
            continue
        quoted = '"' + core.replace('"', '""') + '"'
        terms.append(quoted + ("*" if prefix else ""))
    if not terms:
        raise DreamlyError(f"nothing to search for in {text!r}: give at least one word")
    return " ".join(terms)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise translate_error(exc, self.path) from None
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as error:
                self.conn.execute("ROLLBACK")
                raise translate_error(error, self.path) from None
        else:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                raise translate_error(exc, self.path) from None
        return False


def translate_error(exc: sqlite3.Error, path: Path) -> DreamlyError:
    """SQLite's errors, said in words a person can act on (never with dream text in them)."""
    message = str(exc).lower()
    if "not a database" in message or "malformed" in message or "file is encrypted" in message:
        return DreamlyError(f"{path} is not a readable dreamly journal (not an SQLite database, or damaged); "
                            "run `dreamly check` or restore a backup")
    if "locked" in message or "busy" in message:
        return DreamlyError(f"the journal {path} is busy (another dreamly is writing); try again in a moment")
    if "readonly" in message or "read-only" in message:
        return DreamlyError(f"the journal {path} is read-only; check the file's permissions")
    if "disk is full" in message or "database or disk is full" in message:
        return DreamlyError(f"no space left to write the journal {path}; nothing was saved")
    if "unable to open" in message:
        return DreamlyError(f"can't open the journal at {path}")
    return DreamlyError(f"the journal {path} gave an error: {exc}")


def _make_private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DreamlyError(f"can't create the journal folder {folder}: {exc.strerror or exc}") from None


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; triggers keep their inner semicolons."""
    statements, buffer = [], []
    for line in script.splitlines():
        stripped = line.split("--", 1)[0].rstrip() if "--" in line and "'" not in line else line.rstrip()
        if not stripped.strip():
            continue
        buffer.append(stripped)
        joined = "\n".join(buffer)
        if joined.rstrip().endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            buffer = []
    if "".join(buffer).strip():
        statements.append("\n".join(buffer))
    return statements


def open_journal(db: str | os.PathLike | None, *, create: bool = True) -> Journal:
    from dreamly.paths import journal_path

    return Journal.open(journal_path(db), create=create)
