"""The journal file: opening it (and migrating it, see schema.py), reads and writes.

One SQLite file per journal. This module uses the standard library's `sqlite3` rather
than sqlite-utils on purpose: `import sqlite_utils` costs ~65 ms, which would double the
start-up of `dreamly add`. The file stays a plain SQLite database that sqlite-utils and
Datasette open as they are.

Nothing here prints or knows about the command line; failures a person can act on are
raised as `DreamlyError`.

Why it is long (over 800 lines): `Journal` is every read and write of the file, each a few
lines of SQL beside its transaction; splitting the class would split the one place that
owns the schema's tables. The schema, error words and full-text queries have their rooms.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date, datetime, timezone
from pathlib import Path

from dreamly._struct import Struct
from dreamly.errors import DreamlyError
from dreamly.store import schema
from dreamly.store.connect import connect
from dreamly.store.errors import is_damage as _is_damage
from dreamly.store.errors import kind as error_kind
from dreamly.store.errors import translate_error
from dreamly.store.morning import MorningJournal
from dreamly.store.fulltext import SNIPPET_END, SNIPPET_START, fts_query  # noqa: F401  (re-exported)

TYPE_CHECKING = False  # (typing itself is a few milliseconds of `dreamly add`: annotations only)
if TYPE_CHECKING:
    from typing import Iterable, Iterator, Sequence

BUSY_TIMEOUT_SECONDS = 10.0  # how long a write waits for another dreamly; DREAMLY_BUSY_TIMEOUT overrides


def busy_timeout() -> float:
    """Seconds to wait for another writer: $DREAMLY_BUSY_TIMEOUT, else BUSY_TIMEOUT_SECONDS."""
    try:
        return max(0.0, float(os.environ.get("DREAMLY_BUSY_TIMEOUT", BUSY_TIMEOUT_SECONDS)))
    except ValueError:
        return BUSY_TIMEOUT_SECONDS

DREAM_FIELDS = (
    "id", "dreamt_on", "created", "updated", "title", "body", "lucid", "nightmare",
    "recurring", "sleep_quality", "context", "source", "content_hash", "lucidity",
)
EDITABLE_FIELDS = ("dreamt_on", "title", "body", "lucid", "nightmare", "recurring", "sleep_quality", "context",
                   "lucidity")



def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _sha256():
    try:  # CPython's own SHA-256: the same digest as hashlib's without loading OpenSSL (~12 ms)
        from _sha256 import sha256
    except ImportError:  # other Pythons (3.12+ name it _sha2)
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256
    return sha256


def text_hash(body: str | None) -> str | None:
    """Identity of a dream's exact text, recorded with its analysis (dream_analysis.text_hash):
    an analysis whose hash differs from the text's is stale."""
    if body is None:
        return None
    return _sha256()(body.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def content_hash(dreamt_on: str, body: str) -> str:
    """Identity of a dream's content, so re-importing the same file adds nothing."""
    normalised = " ".join(body.split())
    return _sha256()(f"{dreamt_on}\n{normalised}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Filters(Struct):
    """The filters shared by list, search, export and patterns."""

    _fields = ("since", "until", "tags", "emotions", "motifs", "limit", "oldest_first")

    def __init__(self, since: date | None = None, until: date | None = None, tags: Sequence[str] = (),
                 emotions: Sequence[str] = (), motifs: Sequence[str] = (), limit: int | None = None,
                 oldest_first: bool = False):
        self.since = since
        self.until = until
        self.tags = tags
        self.emotions = emotions
        self.motifs = motifs
        if limit is not None:  # `-n 9223372036854775808`: past SQLite's integers means all of them
            limit = min(limit, 2**63 - 1)
        self.limit = limit
        self.oldest_first = oldest_first

    def where(self, alias: str = "d", conn: sqlite3.Connection | None = None) -> tuple[str, list]:
        """The SQL condition (over alias `alias`) and its parameters.

        Tag, feeling and motif filters are each a list of dream ids. How they are checked
        decides the cost on a big journal, so with `conn` each list is first counted (up to
        RARE_FILTER): a value no dream has gives an empty result at once; the rarest list, if
        it is that rare, drives the query (its dreams are fetched and sorted: a few thousand
        at most); every other list is checked per dream while the day index gives the order,
        so `LIMIT 20` stops after 20 matches. Without `conn` every list is checked per dream.
        (Checking per dream from the day index alone walked all of it for a rare tag: 200 ms
        at a million dreams for a tag on three of them.)"""
        clauses: list[str] = []
        params: list = []
        if self.since:
            clauses.append(f"{alias}.dreamt_on >= ?")
            params.append(self.since.isoformat())
        if self.until:
            clauses.append(f"{alias}.dreamt_on <= ?")
            params.append(self.until.isoformat())
        lists = [(_TAG_LIST, normalise_tag(tag)) for tag in self.tags]
        lists += [(_EMOTION_LIST, emotion.strip().lower()) for emotion in self.emotions]
        lists += [(_MOTIF_LIST, motif.strip().lower()) for motif in self.motifs]
        driving = None
        if conn is not None and lists:
            counts = [conn.execute(f"SELECT count(*) FROM ({table.format(check='')} LIMIT {RARE_FILTER + 1})",
                                   (value,)).fetchone()[0] for table, value in lists]
            if min(counts) == 0:
                return "0", []
            if min(counts) <= RARE_FILTER:
                driving = counts.index(min(counts))
        for number, (table, value) in enumerate(lists):
            if number == driving:
                clauses.append(f"{alias}.id IN ({table.format(check='')})")
            else:
                clauses.append(f"EXISTS ({table.format(check=f'dream_id = {alias}.id AND ')})")
            params.append(value)
        return (" AND ".join(clauses) or "1"), params


RARE_FILTER = 2000  # dreams: a filter value this rare is fetched and sorted rather than searched for
_TAG_LIST = "SELECT dream_id FROM dream_tags WHERE {check}tag = ?"
_EMOTION_LIST = "SELECT dream_id FROM dream_emotions WHERE {check}emotion = ?"
_MOTIF_LIST = "SELECT dream_id FROM dream_motifs WHERE {check}motif = ? AND subject = 'dreamer'"


def normalise_tag(tag: str) -> str:
    return " ".join(tag.strip().lower().split())


TAG_LIMIT = 100  # characters: a tag is a word or two (work, big exam), not a text


def tag_problem(tag: str) -> str | None:
    """Why `tag` can't be a tag (None when it can): the one rule of add, edit and import."""
    if any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in tag):
        return "contains a control character"
    if len(normalise_tag(tag)) > TAG_LIMIT:
        return f"is longer than {TAG_LIMIT} characters"
    return None


def check_tags(tags: Iterable[str]) -> list[str]:
    """`tags` if every one is a tag (tag_problem), else DreamlyError (never quoting the tag)."""
    tags = list(tags)
    for tag in tags:
        problem = tag_problem(tag)
        if problem:
            raise DreamlyError(f"a tag {problem}; tags are short words such as work or exam")
    return tags


class NewDream(Struct):
    _fields = ("body", "dreamt_on", "title", "context", "lucid", "nightmare", "recurring", "sleep_quality", "tags",
               "emotions", "lucidity", "source", "created", "updated", "extra")

    def __init__(self, body: str, dreamt_on: date, title: str = "", context: str = "", lucid: bool = False,
                 nightmare: bool = False, recurring: bool = False, sleep_quality: int | None = None,
                 tags: Sequence[str] = (), emotions: Sequence[tuple[str, int | None]] = (),
                 lucidity: int | None = None, source: str | None = None, created: str | None = None,
                 updated: str | None = None, extra: dict | None = None):
        self.body = body
        self.dreamt_on = dreamt_on
        self.title = title
        self.context = context
        self.lucid = lucid
        self.nightmare = nightmare
        self.recurring = recurring
        self.sleep_quality = sleep_quality
        self.tags = tags
        self.emotions = emotions  # what the user tagged
        self.lucidity = lucidity  # 1-5; a level implies lucid
        self.source = source
        self.created = created
        self.updated = updated
        self.extra = {} if extra is None else extra


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
    import json  # (not at the top: `add` reads no dream back)

    dream = {name: row[name] for name in DREAM_FIELDS}
    for flag in ("lucid", "nightmare", "recurring"):
        dream[flag] = bool(dream[flag])
    dream["tags"] = json.loads(row["tags_json"])
    dream["emotions"] = json.loads(row["emotions_json"])
    dream["motifs"] = json.loads(row["motifs_json"])
    return dream


class Journal(MorningJournal):
    """An open journal file. Use as a context manager, or call close()."""

    read_only: str | None = None  # "folder" / "file" when the journal can only be read
    encrypted = False
    identity: tuple | None = None  # (device, inode) of the file opened: see _Transaction

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True) -> "Journal":
        path = Path(path)
        if path.is_dir():
            raise DreamlyError(f"{path} is a folder, not a journal file")
        if path.exists() and not path.is_file():  # /dev/null, a pipe: SQLite would leave -journal files beside it
            raise DreamlyError(f"{path} is not a regular file; a journal is a file (give --db a file name)")
        # an empty file (`touch journal.db`) is a new journal too: private, and in WAL mode
        fresh = not path.exists() or path.stat().st_size == 0
        if fresh and not create and not path.exists():
            raise DreamlyError(f"no journal at {path}")
        if fresh:
            _make_private_folder(path.parent)
        # Files SQLite creates (the journal, -wal, -shm) are private to the user.
        old_umask = os.umask(0o077)
        try:
            identity = None if fresh else _identity(path)
            try:
                opened = connect(path, fresh=fresh, timeout=busy_timeout())  # plain or encrypted, rw or ro
            except sqlite3.Error as exc:
                raise translate_error(exc, path) from None
            conn = opened.conn
            conn.row_factory = sqlite3.Row
            conn.create_function("dreamly_text_hash", 1, text_hash, deterministic=True)
            journal = cls(path, conn)
            journal.read_only, journal.encrypted, journal.identity = opened.read_only, opened.encrypted, identity
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
            journal.identity = _identity(path)
        return journal

    def _migrate(self, fresh: bool) -> None:
        # One statement, one snapshot: read apart, another dreamly creating the journal at
        # this moment could commit in between and make it look like a foreign file.
        version, tables = self.conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        if version == schema.SCHEMA_VERSION:
            return
        if version > schema.SCHEMA_VERSION:
            raise DreamlyError(
                f"{self.path} was written by a newer dreamly (schema {version}, this one knows "
                f"{schema.SCHEMA_VERSION}); upgrade dreamly to open it"
            )
        if version == 0 and not fresh:
            if tables:
                raise DreamlyError(f"{self.path} is an SQLite file but not a dreamly journal")
        if self.read_only and version > 0:
            where = f"its folder {self.path.parent}" if self.read_only == "folder" else "the file"
            raise DreamlyError(f"{self.path} needs an upgrade to schema {schema.SCHEMA_VERSION}, but {where} is "
                               "read-only; open it once where dreamly can write")
        if version > 0:
            self._back_up_before_migration(version)
        if fresh:
            self._use_wal()
        for number in range(version + 1, schema.SCHEMA_VERSION + 1):
            with self.transaction():
                # Another dreamly may have migrated while we waited for the write lock
                # (two terminals adding to a brand-new journal at once): look again.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                schema.MIGRATIONS[number - 1](self.conn)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def _use_wal(self) -> None:
        """WAL lets a reader and a writer share the file: two terminals at once.

        Switching the mode does not wait for locks, so when two dreamlys create the journal
        at the same moment one is told "locked": retry until the busy timeout."""
        deadline = time.monotonic() + busy_timeout()
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if error_kind(exc) != "busy" or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _back_up_before_migration(self, version: int) -> None:
        """A verified copy of the journal as it is, before migrating it. A copy already there is
        kept only if it opens with every dream at this version: a kill or a full disk during an
        earlier copy must not leave a broken `.bak-N` that passes for the good one."""
        from dreamly.store.copies import copy_problems, opener_for, verified_copy

        target = self.path.with_name(f"{self.path.name}.bak-{version}")
        dreams = self.conn.execute("SELECT count(*) FROM dreams").fetchone()[0]
        if os.path.lexists(target) and not copy_problems(target, version=version, dreams=dreams,
                                                         opener=opener_for(self.conn)):
            return
        verified_copy(self.conn, target, replace=True, journal=self.path)

    def close(self) -> None:
        self.conn.close()
        scratch = self.__dict__.pop("_scratch", None)  # an empty stand-in's folder (open_journal)
        if scratch is not None:
            scratch.cleanup()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------------

    def transaction(self) -> "_Transaction":
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        return _Transaction(self.conn, self.path, self.identity)

    # -- writes ----------------------------------------------------------------------

    def add(self, dream: NewDream, analysis: tuple | None = None) -> int:
        """Store a dream with its tags and user-tagged emotions in one transaction; with
        `analysis` = (motifs, found emotion ids, matcher version), its analysis too, in the same
        transaction (a kill never leaves the dream with half its analysis, or none unrecorded)."""
        stamp = now_utc()
        dreamt_on = dream.dreamt_on.isoformat()
        with self.transaction():
            cursor = self.conn.execute(
                """INSERT INTO dreams (dreamt_on, created, updated, title, body, lucid, nightmare,
                       recurring, sleep_quality, context, source, content_hash, lucidity)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    dreamt_on, dream.created or stamp, dream.updated or dream.created or stamp,
                    dream.title, dream.body, int(dream.lucid or dream.lucidity is not None), int(dream.nightmare),
                    int(dream.recurring), dream.sleep_quality, dream.context, dream.source,
                    content_hash(dreamt_on, dream.body), dream.lucidity,
                ),
            )
            dream_id = cursor.lastrowid
            self._write_tags(dream_id, dream.tags)
            self._write_user_emotions(dream_id, dream.emotions)
            if analysis is not None:
                motifs, found, version = analysis
                self._replace_analysis(dream_id, motifs, found, version, text=dream.body)
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

    def save_analysis(self, dream_id: int, motifs: Iterable, found_emotions: Iterable[str], version: int,
                      text: str | None = None) -> None:
        """Replace a dream's matcher output: its motif hits and its text-found emotions.

        `motifs` are objects with id, evidence, start, end and subject (analysis.Hit).
        Emotions the user tagged are kept; found ones are added only where the user said nothing.
        """
        with self.transaction():
            self._replace_analysis(dream_id, motifs, found_emotions, version, text=text)

    def _replace_analysis(self, dream_id: int, motifs: Iterable, found_emotions: Iterable[str], version: int,
                          text: str | None = None) -> None:
        """`text` is the text that was analysed (None: the dream's text as stored now); it is
        recorded in dream_analysis, so an analysis of an older text shows as stale in `check`."""
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
        self.conn.execute(
            """INSERT OR REPLACE INTO dream_analysis (dream_id, text_hash, matcher_version, analysed)
               SELECT id, coalesce(?, dreamly_text_hash(body)), ?, ? FROM dreams WHERE id = ?""",
            (text_hash(text), version, now_utc(), dream_id),
        )
        self._apply_corrections(dream_id, version)  # the dreamer's decisions outlive every analysis

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
            self._update_row(dream_id, current, fields, tags, emotions)

    def edit(
        self,
        dream_id: int,
        fields: dict,
        *,
        add_tags: Iterable[str] = (),
        drop_tags: Iterable[str] = (),
        set_emotions: Iterable[tuple[str, int | None]] = (),
        drop_emotions: Iterable[str] = (),
        corrections: Iterable[tuple[str, str, str]] = (),
        expect: dict | None = None,
        analysis: tuple | None = None,
    ) -> dict | None:
        """Change a dream: read, merge and write inside one BEGIN IMMEDIATE, so two `dreamly edit`s
        at once both land (tags and feelings are added to and dropped from what is stored at
        that moment, not from what was read before). Returns None when nothing would change,
        else what was done: {"body": changed?, "corrections": [(kind, name, action)] recorded}.

        `expect` ({column: value} as read when an editor was opened) is the optimistic check:
        if the stored dream differs, nothing is written and StaleEdit is raised.
        `analysis` = (motifs, found emotion ids, matcher version) of the new body, written with it.
        `corrections` are the dreamer's motif decisions; dropping a feeling found in the text
        (or dropped before) is recorded as a decision too, judged on what is stored now.
        """
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if not -2**63 <= dream_id < 2**63:
            raise DreamlyError(f"no dream with id {dream_id}")
        add_tags = list(add_tags)
        drop = {normalise_tag(t) for t in drop_tags}
        set_emotions = dict(set_emotions)
        dropped = set(drop_emotions)
        corrections = list(corrections)
        with self.transaction():
            current = self.conn.execute("SELECT * FROM dreams WHERE id = ?", (dream_id,)).fetchone()
            if current is None:
                raise DreamlyError(f"no dream with id {dream_id}")
            if expect and any(current[name] != value for name, value in expect.items()):
                raise StaleEdit(dream_id)
            values = dict(fields)
            if values.get("body") == current["body"]:
                del values["body"]
            tags = None
            if add_tags or drop:
                before = [r[0] for r in self.conn.execute(
                    "SELECT tag FROM dream_tags WHERE dream_id = ? ORDER BY tag", (dream_id,))]
                after = [t for t in [*before, *add_tags] if normalise_tag(t) not in drop]
                if {normalise_tag(t) for t in after} != set(before):
                    tags = after
            emotions = None
            if set_emotions or dropped:
                stored = self.conn.execute(
                    "SELECT emotion, intensity, origin FROM dream_emotions WHERE dream_id = ?", (dream_id,)).fetchall()
                mine_before = {r[0]: r[1] for r in stored if r[2] == "user"}
                mine = {name: level for name, level in (mine_before | set_emotions).items() if name not in dropped}
                if mine != mine_before:
                    emotions = list(mine.items())
                found_in_text = {r[0] for r in stored if r[2] == "text"}
                dropped_before = {r[0] for r in self.conn.execute(
                    "SELECT name FROM dream_corrections WHERE dream_id = ? AND kind = 'emotion'", (dream_id,))}
                corrections += [("emotion", name, "drop") for name in dropped if name in found_in_text | dropped_before]
                corrections += [("emotion", name, "forget") for name in set_emotions if name in dropped_before]
            decided = {(r[0], r[1]): r[2] for r in self.conn.execute(
                "SELECT kind, name, action FROM dream_corrections WHERE dream_id = ?", (dream_id,))}
            corrections_change = any(decided.get((kind, name)) != (None if action == "forget" else action)
                                     for kind, name, action in corrections)
            if not values and tags is None and emotions is None and not corrections_change:
                return None
            self._update_row(dream_id, current, values, tags, emotions)
            if "body" in values and analysis is not None:
                motifs, found, version = analysis
                self._replace_analysis(dream_id, motifs, found, version, text=values["body"])
            if corrections:
                self._write_corrections(dream_id, corrections)
        return {"body": "body" in values, "corrections": corrections}

    def _update_row(self, dream_id: int, current, fields: dict, tags, emotions) -> None:
        """Inside a transaction: write `fields` (and tags / user emotions when not None)."""
        values = dict(fields)
        if isinstance(values.get("dreamt_on"), date):
            values["dreamt_on"] = values["dreamt_on"].isoformat()
        for flag in ("lucid", "nightmare", "recurring"):
            if flag in values:
                values[flag] = int(bool(values[flag]))
        if values.get("lucidity") is not None:
            values["lucid"] = 1  # a lucidity level means it was lucid
        elif values.get("lucid") == 0:
            values["lucidity"] = None  # not lucid: no level either
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
        if not -2**63 <= dream_id < 2**63:  # beyond SQLite's integers: no such dream (not an OverflowError)
            raise DreamlyError(f"no dream with id {dream_id}")
        row = self.conn.execute(_DREAM_SELECT + " WHERE d.id = ?", (dream_id,)).fetchone()
        if row is None:
            raise DreamlyError(f"no dream with id {dream_id}")
        dream = _row_to_dream(row)
        dream["reflections"] = self.reflections(dream_id)
        dream["corrections"] = self.corrections(dream_id)
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
        where, params = filters.where(conn=self.conn)
        order = "ASC" if filters.oldest_first else "DESC"
        sql = _DREAM_SELECT + f" WHERE {where} ORDER BY d.dreamt_on {order}, d.id {order}"
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(filters.limit)
        for row in self.conn.execute(sql, params):
            yield _row_to_dream(row)

    def search(self, query: str, filters: Filters | None = None) -> list[dict]:
        """Full-text search, best match first; each dream gets a `snippet` with the hits marked.

        The hits in the snippet are wrapped in SNIPPET_START / SNIPPET_END. A quoted part of
        the query is a phrase; past fulltext.RANK_LIMIT hits the page is the newest dreams.
        """
        return self.search_page(query, filters)[0]

    def search_page(self, query: str, filters: Filters | None = None) -> tuple[list[dict], str]:
        """`search`, and the order of the page: "rank" (best first) or "newest"."""
        from dreamly.store import fulltext

        filters = filters or Filters()
        where, params = filters.where()
        rows, order = fulltext.search(self.conn, query, where, params, filters.limit, _DREAM_SELECT)
        results = []
        for row in rows:
            dream = _row_to_dream(row)
            dream["snippet"] = row["snippet"]
            results.append((row["hit_rank"], dream))
        answered = self._answer_hits(fulltext.fts_query(query), filters)  # the dreamer's answers find their dream too
        if answered:
            if order == "rank":
                results = sorted(results + answered, key=lambda pair: (pair[0], -_day_number(pair[1]["dreamt_on"])))
            else:
                results = sorted(results + answered, key=lambda pair: (pair[1]["dreamt_on"], pair[1]["id"]), reverse=True)
            if filters.limit is not None:
                results = results[:filters.limit]
        return [dream for _, dream in results], order

    def _answer_hits(self, match: str, filters: Filters) -> list[tuple[float, dict]]:
        """Dreams found only through their answers and reflections (rank, dream with snippet).
        A second, small query over the small reflections index: the dreams' own search stays
        the query it was."""
        where, params = filters.where()
        limit = "LIMIT ?" if filters.limit is not None else ""
        if filters.limit is not None:
            params.append(filters.limit)
        select = _DREAM_SELECT.replace("FROM dreams d", "FROM best JOIN dreams d ON d.id = best.dream_id").replace(
            "SELECT d.id,", "SELECT best.snippet AS snippet, best.rank AS hit_rank, d.id,", 1)
        sql = f"""
            WITH answered AS MATERIALIZED (
                SELECT r.dream_id, bm25(reflections_fts) AS rank,
                       snippet(reflections_fts, 0, '{SNIPPET_START}', '{SNIPPET_END}', '…', 16) AS snippet
                FROM reflections_fts JOIN reflections r ON r.id = reflections_fts.rowid
                WHERE reflections_fts MATCH ?
            ),
            best AS MATERIALIZED (SELECT dream_id, min(rank) AS rank, snippet FROM answered GROUP BY dream_id)
            {select}
            WHERE NOT EXISTS (SELECT 1 FROM dreams_fts WHERE dreams_fts MATCH ? AND rowid = d.id) AND {where}
            ORDER BY best.rank {limit}
        """
        found = []
        for row in self.conn.execute(sql, [match, match, *params]):
            dream = _row_to_dream(row)
            dream["snippet"] = row["snippet"]
            found.append((row["hit_rank"], dream))
        return found

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM dreams").fetchone()[0]

    # -- patterns: aggregate queries -------------------------------------------------

    def pattern_rows(self, since: date, until: date) -> dict[str, list]:
        """Everything the weekly review needs about the dreams from `since` to `until`, in four
        set-based queries (the day index picks the dreams; each list table is joined by dream id):

        {"dreams": [{id, dreamt_on, title, body, context, nightmare, lucid, sleep_quality}],
         "motifs": [(dream_id, motif)], "emotions": [(dream_id, emotion)], "tags": [(dream_id, tag)]}

        Motifs are the dreamer's own (subject 'dreamer'), one row per dream and motif.
        """
        span = (since.isoformat(), until.isoformat())
        dreams = [dict(r) for r in self.conn.execute(
            """SELECT id, dreamt_on, title, body, context, nightmare, lucid, sleep_quality
               FROM dreams WHERE dreamt_on BETWEEN ? AND ? ORDER BY dreamt_on, id""", span)]

        # CROSS JOIN fixes the order (the day's dreams first, then their rows by dream id): left
        # to itself, SQLite scans the whole motif index for DISTINCT, 100x slower at 100k dreams.
        def pairs(table: str, column: str, extra: str = "") -> list[tuple]:
            return [tuple(r) for r in self.conn.execute(
                f"""SELECT DISTINCT x.dream_id, x.{column} FROM dreams d CROSS JOIN {table} x ON x.dream_id = d.id
                    WHERE d.dreamt_on BETWEEN ? AND ? {extra}""", span)]

        return {
            "dreams": dreams,
            "motifs": pairs("dream_motifs", "motif", "AND x.subject = 'dreamer'"),
            "emotions": pairs("dream_emotions", "emotion"),
            "tags": pairs("dream_tags", "tag"),
            # what the dream reminded the dreamer of: linked like the waking-life context
            "reminds": pairs("reflections", "answer", "AND x.question = 'reminds'"),
        }

    def recall_days(self, until: date) -> Iterator[date]:
        """The days with a dream on or before `until`, newest first, read lazily from the
        table of days (one row a day, however many dreams it has: the recall streak reads as
        many rows as it is long, whatever the journal's size)."""
        for (day,) in self.conn.execute(
            "SELECT day FROM dream_days WHERE day <= ? ORDER BY day DESC", (until.isoformat(),)
        ):
            yield date.fromisoformat(day)

    # -- matcher output ----------------------------------------------------------------

    def iter_bodies(self, batch: int = 1000) -> Iterator[list[tuple[int, str]]]:
        """(id, body) of every dream in id order, a batch at a time (keyset paging, so memory
        stays flat and writes between batches are fine)."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT id, body FROM dreams WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            yield [(r[0], r[1]) for r in rows]
            last = rows[-1][0]

    def save_analyses(self, results: Iterable[tuple], version: int) -> None:
        """Matcher output for many dreams in one transaction: all of the batch or none of it.
        Each result is (dream_id, motifs, found emotion ids[, the text analysed])."""
        with self.transaction():
            for dream_id, motifs, found_emotions, *text in results:
                self._replace_analysis(dream_id, motifs, found_emotions, version, text=text[0] if text else None)

    # -- interpretation and rehearsal ------------------------------------------------

    def add_interpretation(self, dream_id: int, *, model: str, lens: str | None, prompt: str,
                           system: str | None, response: str, complete: bool = True) -> int:
        """Store what a model said about a dream. The dream row itself is never touched."""
        try:
            with self.transaction():
                cursor = self.conn.execute(
                    """INSERT INTO interpretations (dream_id, model, lens, prompt, system, response, complete, created)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (dream_id, model, lens, prompt, system, response, int(complete), now_utc()),
                )
        except sqlite3.IntegrityError:  # deleted in another terminal while the model was talking
            raise DreamlyError(f"no dream with id {dream_id}") from None
        return cursor.lastrowid

    def add_rehearsal(self, dream_id: int, body: str) -> int:
        """Store a rewritten ending for a dream (imagery rehearsal)."""
        try:
            with self.transaction():
                cursor = self.conn.execute(
                    "INSERT INTO rehearsals (dream_id, body, created) VALUES (?, ?, ?)", (dream_id, body, now_utc())
                )
        except sqlite3.IntegrityError:
            raise DreamlyError(f"no dream with id {dream_id}") from None
        return cursor.lastrowid

    def rehearsals_for_tonight(self, limit: int = 3) -> list[dict]:
        """The latest rehearsal of each dream, dreams marked recurring first, then the most
        recently written; with the dream's date and title to recognise it by."""
        rows = self.conn.execute(
            """SELECT r.id, r.dream_id, r.body, r.created, d.dreamt_on, d.title, d.recurring, d.nightmare
               FROM rehearsals r JOIN dreams d ON d.id = r.dream_id
               WHERE r.id = (SELECT max(id) FROM rehearsals WHERE dream_id = r.dream_id)
               ORDER BY d.recurring DESC, r.created DESC, r.id DESC
               LIMIT ?""",
            (min(limit, 2**63 - 1),),
        )
        return [dict(r) | {"recurring": bool(r["recurring"]), "nightmare": bool(r["nightmare"])} for r in rows]

    def motif_history(self, motif_ids: Sequence[str], before_date: str | date, *,
                      exclude_id: int | None = None, limit: int = 3) -> dict:
        """What came before a dream, for the motifs it has. Any hit of a motif counts, whoever
        the matcher thought it was about: its subject is a best guess ("something followed me").

        Returns {"counts": {motif: {"dreams": n, "first": day}}, "recurring": n, "related": [...]}:
        how many earlier dreams (on or before `before_date`, other than `exclude_id`) had
        each motif, how many of those were marked recurring, and the last `limit` of them
        by date, each with the motifs it shares.
        """
        history: dict = {"counts": {}, "recurring": 0, "related": []}
        motif_ids = list(dict.fromkeys(motif_ids))
        if not motif_ids:
            return history
        day = before_date.isoformat() if isinstance(before_date, date) else before_date
        marks = ", ".join("?" for _ in motif_ids)
        match = f"m.motif IN ({marks}) AND d.dreamt_on <= ? AND d.id != ?"
        earlier = f"""
            SELECT m.dream_id, group_concat(DISTINCT m.motif) AS shared
            FROM dream_motifs m JOIN dreams d ON d.id = m.dream_id
            WHERE {match}
            GROUP BY m.dream_id"""
        params = [*motif_ids, day, exclude_id if exclude_id is not None else -1]
        for row in self.conn.execute(
            f"""SELECT m.motif, count(DISTINCT m.dream_id) AS dreams, min(d.dreamt_on) AS first
                FROM dream_motifs m JOIN dreams d ON d.id = m.dream_id
                WHERE {match}
                GROUP BY m.motif""",
            params,
        ):
            history["counts"][row["motif"]] = {"dreams": row["dreams"], "first": row["first"]}
        history["recurring"] = self.conn.execute(
            f"SELECT count(*) FROM ({earlier}) e JOIN dreams d ON d.id = e.dream_id WHERE d.recurring = 1", params
        ).fetchone()[0]
        history["related"] = [
            dict(r) | {"shared": sorted(r["shared"].split(",")), "recurring": bool(r["recurring"]),
                       "nightmare": bool(r["nightmare"])}
            for r in self.conn.execute(
                f"""SELECT d.id, d.dreamt_on, d.title, d.body, d.recurring, d.nightmare, e.shared
                    FROM ({earlier}) e JOIN dreams d ON d.id = e.dream_id
                    ORDER BY d.dreamt_on DESC, d.id DESC LIMIT ?""",
                [*params, limit],
            )
        ]
        return history

    # -- export and import (transfer.py) ----------------------------------------------

    def count_matching(self, filters: Filters) -> int:
        """How many dreams `iter_dreams(filters)` will give (sizes the export's progress bar)."""
        where, params = filters.where(conn=self.conn)
        count = self.conn.execute(f"SELECT count(*) FROM dreams d WHERE {where}", params).fetchone()[0]
        return count if filters.limit is None else min(count, filters.limit)

    def history_for(self, dream_ids: Sequence[int]) -> dict[int, dict]:
        """Interpretations and rehearsals of many dreams in two queries, oldest first
        (an export asks per batch of dreams instead of once per dream)."""
        history = {dream_id: {"interpretations": [], "rehearsals": [], "reflections": [], "corrections": []}
                   for dream_id in dream_ids}
        import json

        ids = json.dumps(list(history))  # json_each: no limit on the number of ids
        for row in self.conn.execute(
            "SELECT id, dream_id, model, lens, prompt, system, response, complete, created FROM interpretations "
            "WHERE dream_id IN (SELECT value FROM json_each(?)) ORDER BY id", (ids,)
        ):
            item = dict(row)
            history[item.pop("dream_id")]["interpretations"].append(item | {"complete": bool(item["complete"])})
        for row in self.conn.execute(
            "SELECT id, dream_id, body, created FROM rehearsals "
            "WHERE dream_id IN (SELECT value FROM json_each(?)) ORDER BY id", (ids,)
        ):
            item = dict(row)
            history[item.pop("dream_id")]["rehearsals"].append(item)
        for row in self.conn.execute(
            "SELECT dream_id, question, answer, created FROM reflections "
            "WHERE dream_id IN (SELECT value FROM json_each(?)) ORDER BY id", (ids,)
        ):
            item = dict(row)
            history[item.pop("dream_id")]["reflections"].append(item)
        for row in self.conn.execute(
            "SELECT dream_id, kind, name, action, created FROM dream_corrections "
            "WHERE dream_id IN (SELECT value FROM json_each(?)) ORDER BY dream_id, kind, name", (ids,)
        ):
            item = dict(row)
            history[item.pop("dream_id")]["corrections"].append(item)
        return history

    def content_hashes(self) -> set[str]:
        """The content hash of every dream, to skip what an import already holds."""
        return {row[0] for row in self.conn.execute("SELECT content_hash FROM dreams WHERE content_hash IS NOT NULL")}

    def insert_dreams(self, dreams: Iterable[dict], batch: int = 2000, on_progress=None, *, ranked: bool = False) -> int:
        """Write whole dreams (the record shape of transfer.py: fields, tags, emotions, motifs,
        interpretations, rehearsals) inside the caller's transaction, so an import commits
        all of them or none. Returns how many were written; `on_progress(n)` hears of each batch.
        `ranked`: each dream carries its "rank" (from 0, unique) among the dreams of this import,
        and takes the id that many after the next free one, whatever order they come in."""
        if not self.conn.in_transaction:
            raise RuntimeError("insert_dreams must run inside Journal.transaction()")
        # Ids are given here rather than read back after each INSERT, so that dreams too go in
        # with executemany; inside BEGIN IMMEDIATE nobody else can take the next ones.
        next_id = 1 + self.conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'dreams'), 0), "
            "coalesce((SELECT max(id) FROM dreams), 0))"
        ).fetchone()[0]
        statements = {
            "dreams": """INSERT INTO dreams (id, dreamt_on, created, updated, title, body, lucid, nightmare,
                             recurring, sleep_quality, context, source, content_hash, lucidity)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            "tags": "INSERT OR IGNORE INTO dream_tags (dream_id, tag) VALUES (?, ?)",
            # the first row of a feeling wins: the importer lists the user's before the text's
            "emotions": "INSERT OR IGNORE INTO dream_emotions (dream_id, emotion, intensity, origin) VALUES (?, ?, ?, ?)",
            "motifs": """INSERT INTO dream_motifs (dream_id, motif, evidence, start, "end", subject, matcher_version)
                         VALUES (?, ?, ?, ?, ?, ?, ?)""",
            "interpretations": """INSERT INTO interpretations (dream_id, model, lens, prompt, system, response,
                                      complete, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            "rehearsals": "INSERT INTO rehearsals (dream_id, body, created) VALUES (?, ?, ?)",
            "reflections": "INSERT INTO reflections (dream_id, question, answer, created) VALUES (?, ?, ?, ?)",
            "corrections": """INSERT OR REPLACE INTO dream_corrections (dream_id, kind, name, action, created)
                              VALUES (?, ?, ?, ?, ?)""",
            # which text each dream's analysis belongs to (none: `check` reports it, `reanalyze` finishes it)
            "analysis": "INSERT INTO dream_analysis (dream_id, text_hash, matcher_version, analysed) VALUES (?, ?, ?, ?)",
        }
        stamp = now_utc()
        rows: dict[str, list] = {table: [] for table in statements}

        def flush() -> None:
            done = len(rows["dreams"])
            corrected = sorted({row[0] for row in rows["corrections"]})
            for table, sql in statements.items():  # dreams first: the others refer to them
                self.conn.executemany(sql, rows[table])
                rows[table].clear()
            for dream_id in corrected:  # an analysis made on import knows nothing of them
                self._apply_corrections(dream_id)
            if on_progress and done:
                on_progress(done)

        written = 0
        for d in dreams:
            dream_id = next_id + (d["rank"] if ranked else written)
            lucidity = d.get("lucidity")
            rows["dreams"].append((
                dream_id, d["dreamt_on"], d["created"], d["updated"], d["title"], d["body"],
                int(d["lucid"] or lucidity is not None), int(d["nightmare"]), int(d["recurring"]), d["sleep_quality"],
                d["context"], d["source"], content_hash(d["dreamt_on"], d["body"]), lucidity,
            ))
            rows["tags"].extend((dream_id, tag) for tag in d["tags"])
            rows["emotions"].extend((dream_id, e["emotion"], e["intensity"], e["origin"]) for e in d["emotions"])
            rows["motifs"].extend((dream_id, m["motif"], m["evidence"], m["start"], m["end"], m["subject"],
                                   m["matcher_version"]) for m in d["motifs"])
            rows["interpretations"].extend((dream_id, i["model"], i["lens"], i["prompt"], i["system"],
                                            i["response"], int(i["complete"]), i["created"])
                                           for i in d["interpretations"])
            rows["rehearsals"].extend((dream_id, r["body"], r["created"]) for r in d["rehearsals"])
            rows["reflections"].extend((dream_id, r["question"], r["answer"], r["created"])
                                       for r in d.get("reflections", ()))
            rows["corrections"].extend((dream_id, c["kind"], c["name"], c["action"], c["created"])
                                       for c in d.get("corrections", ()))
            if d.get("analysis_version") is not None:
                rows["analysis"].append((dream_id, text_hash(d["body"]), d["analysis_version"], stamp))
            written += 1
            if written % batch == 0:
                flush()
        flush()
        return written

    # -- whole-file operations -------------------------------------------------------

    def backup_to(self, target: Path, *, replace: bool = True) -> int:
        """A consistent, verified copy through SQLite's backup API (encrypted with the same key
        when the journal is), private to the user, given its name only once it is whole
        (store/copies.py). Returns the number of dreams in the copy."""
        from dreamly.store.copies import verified_copy

        return verified_copy(self.conn, target, replace=replace, journal=self.path)

    # -- reliability: backup, check, repair ---------------------------------------------

    def backup(self, target: Path | None = None, *, now: datetime | None = None) -> tuple[Path, int]:
        """Copy the journal to `target` (a new file, or a folder to put it in); by default
        next to the journal as `<name>.backup-YYYYMMDDTHHMMSS.db`. Never overwrites, never
        follows a link planted at the name. Returns the copy's path and how many dreams it holds."""
        stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
        default_name = f"{self.path.stem}.backup-{stamp}{self.path.suffix or '.db'}"
        if target is None:
            target = self.path.with_name(default_name)
        elif target.is_dir() and not target.is_symlink():
            target = target / default_name
        if os.path.lexists(target):
            raise DreamlyError(f"{target} already exists; give a new file name")
        if not target.parent.is_dir():
            raise DreamlyError(f"can't write the backup {target}: the folder {target.parent} does not exist")
        if not os.access(target.parent, os.W_OK):
            raise DreamlyError(f"can't write the backup {target}: the folder {target.parent} is read-only; "
                               "give a folder elsewhere (dreamly backup PATH)")
        refuse_if_marked_damaged(self.path, "backed up")
        from dreamly.store.copies import DamagedJournal

        try:
            dreams = self.backup_to(target, replace=False)
        except DamagedJournal as exc:
            mark_damaged(self.path, [str(exc)])
            raise
        return target, dreams

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def integrity_problems(self, limit: int = 20) -> list[str]:
        """SQLite's own check of every page, row and index, plus dangling references
        ([] when the file is sound). The messages name tables and pages, never text."""
        try:
            problems = [row[0] for row in self.conn.execute(f"PRAGMA integrity_check({int(limit)})")]
            if problems == ["ok"]:
                problems = []
            problems += [
                f"{row[0]} row {row[1]} points at a missing {row[2]} row"
                for row in self.conn.execute("PRAGMA foreign_key_check")
            ]
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise translate_error(exc, self.path) from None
            problems = [f"the file can't be read through: {exc}"]
        return problems

    def search_index_problems(self) -> list[str]:
        """Is the full-text index in step with the dreams table? ([] when it is.)"""
        try:
            missing, extra = self.conn.execute(
                """SELECT (SELECT count(*) FROM dreams WHERE id NOT IN (SELECT id FROM dreams_fts_docsize)),
                          (SELECT count(*) FROM dreams_fts_docsize WHERE id NOT IN (SELECT id FROM dreams))"""
            ).fetchone()
            problems = []
            if missing:
                problems.append(f"{missing} dream{'s are' if missing != 1 else ' is'} missing from the search index")
            if extra:
                problems.append(f"the search index holds {extra} dream{'s' if extra != 1 else ''} that no longer exist")
            days_out_of_step = self.conn.execute(
                """SELECT count(*) FROM (SELECT dreamt_on AS day, count(*) AS dreams FROM dreams GROUP BY dreamt_on
                                         EXCEPT SELECT day, dreams FROM dream_days)"""
            ).fetchone()[0] + self.conn.execute(
                """SELECT count(*) FROM (SELECT day, dreams FROM dream_days
                                         EXCEPT SELECT dreamt_on, count(*) FROM dreams GROUP BY dreamt_on)"""
            ).fetchone()[0]
            if days_out_of_step:
                problems.append("the index of days with a dream (the recall streak's) is out of step with the dreams")
            if not problems and not self.read_only:  # SQLite counts the deep check as a write
                # rank 1: compare the index with the dreams' current text, not only with itself
                self.conn.execute("INSERT INTO dreams_fts (dreams_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise translate_error(exc, self.path) from None
            problems = ["the search index does not match the dreams' text"]
        return problems

    def analysis_problems(self) -> list[str]:
        """Dreams whose analysis is missing (never analysed: a kill, a failed or deferred
        analysis) or belongs to an older text than the one stored ([] when none)."""
        try:
            missing, stale = self.conn.execute(
                """SELECT coalesce(sum(a.dream_id IS NULL), 0),
                          coalesce(sum(a.dream_id IS NOT NULL AND a.text_hash != dreamly_text_hash(d.body)), 0)
                   FROM dreams d LEFT JOIN dream_analysis a ON a.dream_id = d.id"""
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise translate_error(exc, self.path) from None
            return ["the analysis records can't be read"]
        problems = []
        if missing:
            problems.append(f"{missing} dream{'s have' if missing != 1 else ' has'} no analysis")
        if stale:
            problems.append(f"{stale} dream{'s have' if stale != 1 else ' has'} an analysis older than the text")
        return problems

    def unanalysed_ids(self) -> list[int]:
        """Ids of the dreams `analysis_problems` counts (for `reanalyze --missing`, `check --repair`)."""
        return [r[0] for r in self.conn.execute(
            """SELECT d.id FROM dreams d LEFT JOIN dream_analysis a ON a.dream_id = d.id
               WHERE a.dream_id IS NULL OR a.text_hash != dreamly_text_hash(d.body) ORDER BY d.id""")]

    def rebuild_search_index(self) -> None:
        """Rebuild the full-text index and the index of days from the dreams table (neither
        holds data of its own)."""
        with self.transaction():
            self.conn.execute("INSERT INTO dreams_fts (dreams_fts) VALUES ('rebuild')")
            self.conn.execute("DELETE FROM dream_days")
            self.conn.execute("INSERT INTO dream_days (day, dreams) SELECT dreamt_on, count(*) FROM dreams "
                              "GROUP BY dreamt_on")

    def check(self, *, repair: bool = False) -> dict:
        """Everything `dreamly check` reports; with repair, rebuilds what can be rebuilt."""
        report = {
            "path": str(self.path),
            "schema_version": self.schema_version(),
            "known_schema_version": schema.SCHEMA_VERSION,
            "integrity": self.integrity_problems(),
            "search_index": [],
            "repaired": [],
            "analysis": [],
        }
        if report["integrity"]:
            mark_damaged(self.path, report["integrity"])
        else:
            clear_damaged(self.path)
            report["search_index"] = self.search_index_problems()
            report["analysis"] = self.analysis_problems()
        if repair and report["search_index"]:
            self.rebuild_search_index()
            report["search_index"] = self.search_index_problems()
            report["repaired"].append("rebuilt the search index from the dreams table")
        try:
            report["dreams"] = self.count()
        except sqlite3.DatabaseError:
            report["dreams"] = None
        report["ok"] = not (report["integrity"] or report["search_index"] or report["analysis"]
                            or report["schema_version"] != schema.SCHEMA_VERSION)
        return report


class StaleEdit(DreamlyError):
    """The dream changed in the journal (another terminal) after it was read for editing."""

    def __init__(self, dream_id: int):
        super().__init__(f"dream {dream_id} was changed elsewhere while you were editing it; "
                         "nothing was saved over that change")
        self.dream_id = dream_id


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, path: Path, identity: tuple | None = None):
        self.conn = conn
        self.path = path
        self.identity = identity

    def __enter__(self):
        refuse_if_marked_damaged(self.path)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            if self._replaced():
                raise self._replaced_error() from None
            raise translate_error(exc, self.path) from None
        if self._replaced():
            self.conn.execute("ROLLBACK")
            raise self._replaced_error()
        return self.conn

    def _replaced(self) -> bool:
        """`dreamly encrypt`/`decrypt` swapped a new file in while this one waited for the
        lock: what it wrote now would go to the old file, and be lost."""
        return bool(self.identity) and _identity(self.path) != self.identity

    def _replaced_error(self) -> DreamlyError:
        return DreamlyError(f"the journal {self.path} was replaced (encrypted or decrypted) while this "
                            "command ran; nothing was saved: run it again")

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as error:
                if self.conn.in_transaction:  # a failed COMMIT (disk full) may have rolled back already
                    self.conn.execute("ROLLBACK")
                raise translate_error(error, self.path) from None
        else:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                raise translate_error(exc, self.path) from None
        return False


def damage_marker(path: Path) -> Path:
    """`journal.db.damaged`: written when `check` (or a backup) finds the file damaged. While it
    is there nothing is written into the journal or copied from it as a backup; `check` removes
    it once the file is sound again (a backup restored over it, say)."""
    return path.with_name(f"{path.name}.damaged")


def mark_damaged(path: Path, problems: list[str]) -> None:
    marker = damage_marker(path)
    old_umask = os.umask(0o077)
    try:
        marker.write_text("dreamly check found this journal damaged:\n" +
                          "".join(f"- {p}\n" for p in problems[:20]) +
                          "Run `dreamly salvage` to copy what can be read into a new journal, or restore a "
                          "backup; `dreamly check` removes this file once the journal is sound.\n",
                          encoding="utf-8")
    except OSError:
        pass  # a read-only folder: the refusal then rests on SQLite's own errors
    finally:
        os.umask(old_umask)


def clear_damaged(path: Path) -> None:
    try:
        damage_marker(path).unlink()
    except OSError:
        pass


def refuse_if_marked_damaged(path: Path, what: str = "written") -> None:
    if os.path.lexists(damage_marker(path)):
        raise DreamlyError(
            f"the journal {path} is damaged (`dreamly check` found it), so nothing was {what}; "
            "`dreamly salvage` copies every dream that can still be read into a new journal, "
            "or restore a backup")


def _identity(path: Path) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _make_private_folder(folder: Path) -> None:
    """The journal's folder and any missing above it, each 0700 (as dreamly.files.make_private_folders;
    not imported here: `add` on a new journal stays light)."""
    old_umask = os.umask(0o077)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DreamlyError(f"can't create the journal folder {folder}: {exc.strerror or exc}") from None
    finally:
        os.umask(old_umask)


def open_journal(db: str | os.PathLike | None, *, create: bool = True, missing_is_empty: bool = False) -> Journal:
    """The journal at `db` (else DREAMLY_DB, else the default path). With `missing_is_empty`
    (the commands that only read), a journal that does not exist yet reads as an empty one and
    nothing is created: a mistyped --db must not leave a new journal (and its folders) behind."""
    from dreamly.paths import journal_path

    path = journal_path(db)
    if missing_is_empty and not os.path.lexists(path):
        return _empty_stand_in()
    return Journal.open(path, create=create)


def _empty_stand_in() -> Journal:
    """A new, empty journal in a private temporary folder, removed when it is closed."""
    import tempfile

    scratch = tempfile.TemporaryDirectory(prefix="dreamly-empty-")
    try:
        journal = Journal.open(Path(scratch.name) / "journal.db")
    except BaseException:
        scratch.cleanup()
        raise
    journal._scratch = scratch
    return journal


def _day_number(day: str) -> int:
    return date.fromisoformat(day).toordinal()
