"""The journal's schema: numbered migrations, each a named Python function.

Each migration runs once, in order, in its own transaction together with the bump of
`PRAGMA user_version` (`Journal._migrate` owns that transaction). A migration is never
edited once released: add a new one at the end, named `mNNN_what_it_does`, decorated with
`@migration`. Being Python, a migration can also backfill data. It never drops user data;
its test opens a journal of the previous schema (tests/fixtures/) and checks nothing was lost.
"""

from __future__ import annotations

import sqlite3

Migration = "Callable[[sqlite3.Connection], None]"  # (an annotation)
MIGRATIONS: list[Migration] = []


def migration(function: Migration) -> Migration:
    """Append `function` to the migrations: its place in the list is its schema version."""
    MIGRATIONS.append(function)
    return function


def run(conn: sqlite3.Connection, statements) -> None:
    """Run SQL statements one by one (executescript() would COMMIT behind the migration's back)."""
    for statement in statements:
        conn.execute(statement)


# 1: the first schema, released; its statements are frozen (a test compares the schema they
# build with tests/fixtures/make_v1_journal.py's copy).
V1_STATEMENTS = (
    """
    CREATE TABLE dreams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dreamt_on TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        lucid INTEGER NOT NULL DEFAULT 0 CHECK (lucid IN (0, 1)),
        nightmare INTEGER NOT NULL DEFAULT 0 CHECK (nightmare IN (0, 1)),
        recurring INTEGER NOT NULL DEFAULT 0 CHECK (recurring IN (0, 1)),
        sleep_quality INTEGER CHECK (sleep_quality BETWEEN 1 AND 5),
        context TEXT NOT NULL DEFAULT '',      -- what is going on in waking life
        source TEXT,
        content_hash TEXT
    );
    """,
    """
    CREATE INDEX dreams_by_day ON dreams (dreamt_on, id);
    """,
    """
    CREATE INDEX dreams_by_hash ON dreams (content_hash);
    """,
    """
    CREATE TABLE dream_tags (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (dream_id, tag)
    ) WITHOUT ROWID;
    """,
    """
    CREATE INDEX dream_tags_by_tag ON dream_tags (tag, dream_id);
    """,
    """
    CREATE TABLE dream_emotions (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        emotion TEXT NOT NULL,
        intensity INTEGER CHECK (intensity BETWEEN 1 AND 5),
        origin TEXT NOT NULL CHECK (origin IN ('user', 'text')),
        PRIMARY KEY (dream_id, emotion)
    ) WITHOUT ROWID;
    """,
    """
    CREATE INDEX dream_emotions_by_emotion ON dream_emotions (emotion, dream_id);
    """,
    """
    CREATE TABLE dream_motifs (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        motif TEXT NOT NULL,
        evidence TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        subject TEXT NOT NULL DEFAULT 'dreamer',
        matcher_version INTEGER NOT NULL
    );
    """,
    """
    CREATE INDEX dream_motifs_by_dream ON dream_motifs (dream_id);
    """,
    """
    CREATE INDEX dream_motifs_by_motif ON dream_motifs (motif, dream_id);
    """,
    """
    CREATE TABLE interpretations (
        id INTEGER PRIMARY KEY,
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        lens TEXT,
        prompt TEXT NOT NULL,
        system TEXT,
        response TEXT NOT NULL,
        complete INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL
    );
    """,
    """
    CREATE INDEX interpretations_by_dream ON interpretations (dream_id);
    """,
    """
    CREATE TABLE rehearsals (
        id INTEGER PRIMARY KEY,
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created TEXT NOT NULL
    );
    """,
    """
    CREATE INDEX rehearsals_by_dream ON rehearsals (dream_id);
    """,
    """
    CREATE VIRTUAL TABLE dreams_fts USING fts5 (
        title, body, context,
        content = 'dreams', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    """,
    """
    CREATE TRIGGER dreams_fts_insert AFTER INSERT ON dreams BEGIN
        INSERT INTO dreams_fts (rowid, title, body, context)
        VALUES (new.id, new.title, new.body, new.context);
    END;
    """,
    """
    CREATE TRIGGER dreams_fts_delete AFTER DELETE ON dreams BEGIN
        INSERT INTO dreams_fts (dreams_fts, rowid, title, body, context)
        VALUES ('delete', old.id, old.title, old.body, old.context);
    END;
    """,
    """
    CREATE TRIGGER dreams_fts_update AFTER UPDATE OF title, body, context ON dreams BEGIN
        INSERT INTO dreams_fts (dreams_fts, rowid, title, body, context)
        VALUES ('delete', old.id, old.title, old.body, old.context);
        INSERT INTO dreams_fts (rowid, title, body, context)
        VALUES (new.id, new.title, new.body, new.context);
    END;
    """,
)


@migration
def m001_first_schema(conn: sqlite3.Connection) -> None:
    run(conn, V1_STATEMENTS)


# 2: dream signs (issue 17): how lucid a dream was, and each dream's candidate signs.
# dream_signs copies the dream's day and lucid flag (kept by triggers) so that counting a
# sign over 100,000 dreams reads one index; dream_signs_read says which dreams' signs are
# current (a changed text or new matcher output drops the mark, and the next command that
# shows signs reads that dream again; motif signs follow dream_motifs by triggers);
# hidden_signs are the signs the dreamer hid. A journal written before it: its motifs
# become signs (the last statement backfills them).
V2_STATEMENTS = (
    """
    ALTER TABLE dreams ADD COLUMN lucidity INTEGER CHECK (lucidity BETWEEN 1 AND 5);
    """,
    """
    CREATE TABLE dream_signs (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        sign TEXT NOT NULL,
        kind TEXT NOT NULL,
        dreamt_on TEXT NOT NULL,
        lucid INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (dream_id, sign)
    ) WITHOUT ROWID;
    """,
    """
    CREATE INDEX dream_signs_by_sign ON dream_signs (sign, dreamt_on, lucid, kind);
    """,
    """
    CREATE TABLE dream_signs_read (
        dream_id INTEGER PRIMARY KEY REFERENCES dreams (id) ON DELETE CASCADE,
        version INTEGER NOT NULL     -- the sign finder's version that read it
    );
    """,
    """
    CREATE TABLE hidden_signs (
        sign TEXT PRIMARY KEY,
        hidden TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    """
    CREATE TRIGGER dream_signs_text AFTER UPDATE OF body ON dreams BEGIN
        DELETE FROM dream_signs WHERE dream_id = old.id AND kind != 'motif';
        DELETE FROM dream_signs_read WHERE dream_id = old.id;
    END;
    """,
    """
    CREATE TRIGGER dream_signs_day AFTER UPDATE OF dreamt_on, lucid ON dreams BEGIN
        UPDATE dream_signs SET dreamt_on = new.dreamt_on, lucid = new.lucid WHERE dream_id = new.id;
    END;
    """,
    """
    -- motif signs follow the matcher's output in the same transaction (add, edit, import, reanalyze)
    CREATE TRIGGER dream_signs_motif_added AFTER INSERT ON dream_motifs BEGIN
        INSERT OR IGNORE INTO dream_signs (dream_id, sign, kind, dreamt_on, lucid)
            SELECT new.dream_id, 'motif:' || new.motif, 'motif', d.dreamt_on, d.lucid FROM dreams d
            WHERE d.id = new.dream_id;
    END;
    """,
    """
    CREATE TRIGGER dream_signs_motif_dropped AFTER DELETE ON dream_motifs
    WHEN NOT EXISTS (SELECT 1 FROM dream_motifs WHERE dream_id = old.dream_id AND motif = old.motif) BEGIN
        DELETE FROM dream_signs WHERE dream_id = old.dream_id AND sign = 'motif:' || old.motif;
    END;
    """,
    """
    INSERT OR IGNORE INTO dream_signs (dream_id, sign, kind, dreamt_on, lucid)
        SELECT m.dream_id, 'motif:' || m.motif, 'motif', d.dreamt_on, d.lucid
        FROM dream_motifs m JOIN dreams d ON d.id = m.dream_id;
    """,
)


@migration
def m002_dream_signs(conn: sqlite3.Connection) -> None:
    run(conn, V2_STATEMENTS)


# 3: the morning: the dreamer's answers and reflections, and their corrections to the matcher
V3_STATEMENTS = (
    """
    CREATE TABLE reflections (
        id INTEGER PRIMARY KEY,
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        question TEXT NOT NULL,                -- a question id (pursuer, feeling, reminds, motif:ID) or 'free'
        answer TEXT NOT NULL,
        created TEXT NOT NULL
    )
    """,
    "CREATE INDEX reflections_by_dream ON reflections (dream_id, question)",
    """
    CREATE TABLE dream_corrections (
        dream_id INTEGER NOT NULL REFERENCES dreams (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('motif', 'emotion')),
        name TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('add', 'drop')),
        created TEXT NOT NULL,
        PRIMARY KEY (dream_id, kind, name)
    ) WITHOUT ROWID
    """,
    """
    CREATE VIRTUAL TABLE reflections_fts USING fts5 (
        answer, content = 'reflections', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER reflections_fts_insert AFTER INSERT ON reflections BEGIN
        INSERT INTO reflections_fts (rowid, answer) VALUES (new.id, new.answer);
    END
    """,
    """
    CREATE TRIGGER reflections_fts_delete AFTER DELETE ON reflections BEGIN
        INSERT INTO reflections_fts (reflections_fts, rowid, answer) VALUES ('delete', old.id, old.answer);
    END
    """,
    """
    CREATE TRIGGER reflections_fts_update AFTER UPDATE OF answer ON reflections BEGIN
        INSERT INTO reflections_fts (reflections_fts, rowid, answer) VALUES ('delete', old.id, old.answer);
        INSERT INTO reflections_fts (rowid, answer) VALUES (new.id, new.answer);
    END
    """,
)


@migration
def m003_reflections_and_corrections(conn: sqlite3.Connection) -> None:
    run(conn, V3_STATEMENTS)


# 4: which text and matcher version each dream's analysis belongs to (issue 18). No row: the
# dream was never analysed (a kill, a failed or deferred analysis); a text_hash that differs
# from the text's: the analysis is of an older text. `check` reports both, `reanalyze` finishes
# them. Dreams of an older journal count as analysed with the matcher version their motifs
# carry (else the newest in the journal); a journal never analysed at all gets no rows.
V4_STATEMENTS = (
    """
    CREATE TABLE dream_analysis (
        dream_id INTEGER PRIMARY KEY REFERENCES dreams (id) ON DELETE CASCADE,
        text_hash TEXT NOT NULL,               -- journal.text_hash(body) of the text analysed
        matcher_version INTEGER NOT NULL,
        analysed TEXT NOT NULL                 -- UTC ISO timestamp
    )
    """,
)


@migration
def m004_analysis_state(conn: sqlite3.Connection) -> None:
    from dreamly.store.journal import text_hash

    run(conn, V4_STATEMENTS)
    newest = conn.execute("SELECT max(matcher_version) FROM dream_motifs").fetchone()[0]
    if newest is None:
        # no motif anywhere: either never analysed, or the matcher found nothing; the
        # emotions it found ('text') say it ran
        if conn.execute("SELECT 1 FROM dream_emotions WHERE origin = 'text' LIMIT 1").fetchone() is None:
            return
        newest = 0
    rows = conn.execute(
        "SELECT d.id, d.body, d.updated, (SELECT max(matcher_version) FROM dream_motifs m WHERE m.dream_id = d.id) "
        "FROM dreams d")
    batch = []
    for dream_id, body, updated, version in rows:
        batch.append((dream_id, text_hash(body), newest if version is None else version, updated))
        if len(batch) >= 5000:
            conn.executemany("INSERT INTO dream_analysis VALUES (?, ?, ?, ?)", batch)
            batch.clear()
    conn.executemany("INSERT INTO dream_analysis VALUES (?, ?, ?, ?)", batch)


# 5: the days that have a dream, with how many (issue 19). The recall streak walks days, and
# reading them from the day index touched every dream of each day, so a streak cost in
# proportion to the journal's size; this table holds one row a day, kept by triggers.
V5_STATEMENTS = (
    """
    CREATE TABLE dream_days (
        day TEXT PRIMARY KEY,                  -- dreams.dreamt_on
        dreams INTEGER NOT NULL                -- how many dreams have that day
    ) WITHOUT ROWID
    """,
    """
    CREATE TRIGGER dream_days_insert AFTER INSERT ON dreams BEGIN
        INSERT INTO dream_days (day, dreams) VALUES (new.dreamt_on, 1)
            ON CONFLICT (day) DO UPDATE SET dreams = dreams + 1;
    END
    """,
    """
    CREATE TRIGGER dream_days_delete AFTER DELETE ON dreams BEGIN
        UPDATE dream_days SET dreams = dreams - 1 WHERE day = old.dreamt_on;
        DELETE FROM dream_days WHERE day = old.dreamt_on AND dreams <= 0;
    END
    """,
    """
    CREATE TRIGGER dream_days_move AFTER UPDATE OF dreamt_on ON dreams WHEN new.dreamt_on IS NOT old.dreamt_on BEGIN
        UPDATE dream_days SET dreams = dreams - 1 WHERE day = old.dreamt_on;
        DELETE FROM dream_days WHERE day = old.dreamt_on AND dreams <= 0;
        INSERT INTO dream_days (day, dreams) VALUES (new.dreamt_on, 1)
            ON CONFLICT (day) DO UPDATE SET dreams = dreams + 1;
    END
    """,
)


@migration
def m005_dream_days(conn: sqlite3.Connection) -> None:
    run(conn, V5_STATEMENTS)
    conn.execute("INSERT INTO dream_days (day, dreams) SELECT dreamt_on, count(*) FROM dreams GROUP BY dreamt_on")


SCHEMA_VERSION = len(MIGRATIONS)
