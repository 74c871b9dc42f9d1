"""The journal's morning tables: the dreamer's answers and reflections, and their
corrections to the matcher (schema 2). A mixin of `store.Journal`; like the rest of the
store it never prints.

Corrections are kept in their own table, apart from what the matcher found: `dream_motifs`
and the text-found rows of `dream_emotions` hold the matcher's output with the dreamer's
decisions applied on top (a dropped motif is taken out, an added one put in with no
evidence), and every analysis (`add`, `edit`, `reanalyze`, `import`) applies them again.
"""

from __future__ import annotations

import sqlite3

from dreamly.errors import DreamlyError
from dreamly.model import PURSUER_IDS

FREE = "free"  # the question id of a reflection written freely (`dreamly reflect ID --free`)
HAND_EVIDENCE = ""  # the evidence of a motif the dreamer added: no words, their decision


class MorningJournal:
    """Mixed into `store.Journal`: needs `conn`, `transaction()` and `now_utc`."""

    # -- reflections ---------------------------------------------------------------------

    def add_reflection(self, dream_id: int, question: str, answer: str) -> int:
        """Keep an answer: a question's earlier answer is replaced; free reflections add up."""
        from dreamly.store import now_utc

        try:
            with self.transaction():
                if question != FREE:
                    self.conn.execute("DELETE FROM reflections WHERE dream_id = ? AND question = ?",
                                      (dream_id, question))
                cursor = self.conn.execute(
                    "INSERT INTO reflections (dream_id, question, answer, created) VALUES (?, ?, ?, ?)",
                    (dream_id, question, answer, now_utc()))
        except sqlite3.IntegrityError:  # deleted in another terminal meanwhile
            raise DreamlyError(f"no dream with id {dream_id}") from None
        return cursor.lastrowid

    def drop_reflection(self, dream_id: int, question: str) -> bool:
        with self.transaction():
            cursor = self.conn.execute("DELETE FROM reflections WHERE dream_id = ? AND question = ?",
                                       (dream_id, question))
        return cursor.rowcount > 0

    def reflections(self, dream_id: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT id, question, answer, created FROM reflections WHERE dream_id = ? ORDER BY id", (dream_id,))]

    # -- corrections -----------------------------------------------------------------------

    def correct(self, dream_id: int, changes, version: int | None = None) -> None:
        """Record the dreamer's decisions, `changes` = [(kind, name, action)] with action
        'add', 'drop' or 'forget' (take back an earlier decision), and apply them now."""
        with self.transaction():
            if self.conn.execute("SELECT 1 FROM dreams WHERE id = ?", (dream_id,)).fetchone() is None:
                raise DreamlyError(f"no dream with id {dream_id}")
            self._write_corrections(dream_id, changes, version)

    def _write_corrections(self, dream_id: int, changes, version: int | None = None) -> None:
        """Inside a transaction: record `changes` (see `correct`) and apply them."""
        from dreamly.store import now_utc

        stamp = now_utc()
        for kind, name, action in changes:
            if action == "forget":
                self.conn.execute("DELETE FROM dream_corrections WHERE dream_id = ? AND kind = ? AND name = ?",
                                  (dream_id, kind, name))
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO dream_corrections (dream_id, kind, name, action, created) "
                    "VALUES (?, ?, ?, ?, ?)", (dream_id, kind, name, action, stamp))
                if action == "add" and kind == "emotion":
                    # a feeling added by hand is one the dreamer tagged: it keeps any intensity given
                    self.conn.execute(
                        "INSERT OR IGNORE INTO dream_emotions (dream_id, emotion, intensity, origin) "
                        "VALUES (?, ?, NULL, 'user')", (dream_id, name))
        self._apply_corrections(dream_id, version)

    def corrections(self, dream_id: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT kind, name, action, created FROM dream_corrections WHERE dream_id = ? ORDER BY kind, name",
            (dream_id,))]

    def _apply_corrections(self, dream_id: int, version: int | None = None) -> None:
        """Inside a transaction: the dreamer's decisions over the matcher's output."""
        rows = self.conn.execute("SELECT kind, name, action FROM dream_corrections WHERE dream_id = ?",
                                 (dream_id,)).fetchall()
        if not rows:
            return
        if version is None:
            row = self.conn.execute("SELECT max(matcher_version) FROM dream_motifs WHERE dream_id = ?",
                                    (dream_id,)).fetchone()
            version = row[0] or 0
        for kind, name, action in rows:
            if kind == "motif" and action == "drop":
                self.conn.execute("DELETE FROM dream_motifs WHERE dream_id = ? AND motif = ?", (dream_id, name))
            elif kind == "motif" and action == "add":
                present = self.conn.execute(
                    "SELECT 1 FROM dream_motifs WHERE dream_id = ? AND motif = ? AND subject = 'dreamer'",
                    (dream_id, name)).fetchone()
                if not present:
                    self.conn.execute(
                        """INSERT INTO dream_motifs (dream_id, motif, evidence, start, "end", subject, matcher_version)
                           VALUES (?, ?, ?, 0, 0, 'dreamer', ?)""", (dream_id, name, HAND_EVIDENCE, version))
            elif kind == "emotion" and action == "drop":
                self.conn.execute("DELETE FROM dream_emotions WHERE dream_id = ? AND emotion = ? AND origin = 'text'",
                                  (dream_id, name))
        if ("motif", "chase", "drop") in {tuple(r) for r in rows}:
            # the pursuer is part of the chase: no chase, no pursuer (unless the dreamer names one)
            named = {name for kind, name, action in rows if kind == "motif" and action == "add"}
            for pursuer in PURSUER_IDS:
                if pursuer not in named:
                    self.conn.execute("DELETE FROM dream_motifs WHERE dream_id = ? AND motif = ?", (dream_id, pursuer))

    # -- tags --------------------------------------------------------------------------------

    def tag_counts(self) -> list[dict]:
        """Every tag with how many dreams have it, most used first."""
        return [{"tag": r[0], "dreams": r[1]} for r in self.conn.execute(
            "SELECT tag, count(*) AS n FROM dream_tags GROUP BY tag ORDER BY n DESC, tag")]

    def same_text_today(self, dreamt_on: str, content_hash: str, exclude_id: int) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM dreams WHERE content_hash = ? AND dreamt_on = ? AND id != ? LIMIT 1",
            (content_hash, dreamt_on, exclude_id)).fetchone() is not None
