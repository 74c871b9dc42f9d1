"""The journal's dream-sign tables (migration 3): reads and writes, no analysis, no terminal.

`dream_signs` holds each dream's candidate signs (one row per dream and sign, with the
dream's day and lucid flag copied in by triggers, so a sign's count, first and last day
come from one index); `dream_signs_read` says which dreams were read by which version of
the sign finder; `hidden_signs` are the signs the dreamer hid. Triggers drop a dream's
mark when its text or its motifs change, so nothing stale is ever counted: the next
command that shows signs reads those dreams again (`dreamly.sign_actions.keep_current`).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Iterator

from dreamly.errors import DreamlyError


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def pending_count(journal, version: int) -> int:
    """How many dreams' signs are not current (never read, changed since, or an older finder)."""
    row = journal.conn.execute(
        "SELECT (SELECT count(*) FROM dreams) - (SELECT count(*) FROM dream_signs_read WHERE version = ?)",
        (version,)).fetchone()
    return max(0, row[0])


def iter_pending(journal, version: int, batch: int = 2000) -> Iterator[list[tuple]]:
    """(id, body, dreamt_on, lucid) of the dreams whose text signs are not current, in id
    order, a batch at a time (keyset paging: memory stays flat)."""
    last = 0
    while True:
        rows = journal.conn.execute(
            """SELECT d.id, d.body, d.dreamt_on, d.lucid FROM dreams d
               WHERE d.id > ? AND NOT EXISTS (SELECT 1 FROM dream_signs_read r WHERE r.dream_id = d.id AND r.version = ?)
               ORDER BY d.id LIMIT ?""", (last, version, batch)).fetchall()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        last = rows[-1][0]


def save_signs(journal, results: list[tuple[int, str, int, list[tuple[str, str]]]], version: int) -> None:
    """Replace the text signs of many dreams in one transaction: (dream_id, dreamt_on, lucid,
    [(sign, kind)]) each (motif signs are the triggers' business). A dream deleted
    meanwhile is passed over."""
    conn = journal.conn
    with journal.transaction():
        ids = [r[0] for r in results]
        alive = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM dream_signs WHERE dream_id IN ({marks}) AND kind != 'motif'", chunk)
            alive.update(r[0] for r in conn.execute(f"SELECT id FROM dreams WHERE id IN ({marks})", chunk))
        conn.executemany(
            "INSERT OR IGNORE INTO dream_signs (dream_id, sign, kind, dreamt_on, lucid) VALUES (?, ?, ?, ?, ?)",
            [(dream_id, sign, kind, day, lucid) for dream_id, day, lucid, signs in results if dream_id in alive
             for sign, kind in signs])
        conn.executemany("INSERT OR REPLACE INTO dream_signs_read (dream_id, version) VALUES (?, ?)",
                         [(dream_id, version) for dream_id in ids if dream_id in alive])


# -- counting --------------------------------------------------------------------------


def sign_counts(journal, since: date | None = None, until: date | None = None) -> list[tuple]:
    """(sign, kind, dreams, first day, last day, lucid dreams) for every sign in the window.

    Without a window this reads the covering index alone; with one, the window's dreams are
    picked by the day index first when that is the smaller set."""
    conn = journal.conn
    if since is None and until is None:
        return [tuple(r) for r in conn.execute(
            """SELECT sign, max(kind), count(*), min(dreamt_on), max(dreamt_on), sum(lucid)
               FROM dream_signs GROUP BY sign""")]
    low, high = _day(since) or "0000-00-00", _day(until) or "9999-99-99"
    return [tuple(r) for r in conn.execute(
        """SELECT sign, max(kind), count(*), min(dreamt_on), max(dreamt_on), sum(lucid)
           FROM dream_signs WHERE dreamt_on BETWEEN ? AND ? GROUP BY sign""", (low, high))]


def window_totals(journal, since: date | None = None, until: date | None = None) -> tuple[int, int]:
    """(dreams, lucid dreams) in the window."""
    low, high = _day(since) or "0000-00-00", _day(until) or "9999-99-99"
    row = journal.conn.execute(
        "SELECT count(*), coalesce(sum(lucid), 0) FROM dreams WHERE dreamt_on BETWEEN ? AND ?", (low, high)).fetchone()
    return row[0], row[1]


def counts_for(journal, signs: Iterable[str], until: date | None = None) -> dict[str, tuple]:
    """{sign: (kind, dreams, first, last, lucid)} for a few signs (one index range each)."""
    high = _day(until) or "9999-99-99"
    out = {}
    for sign in dict.fromkeys(signs):
        row = journal.conn.execute(
            """SELECT max(kind), count(*), min(dreamt_on), max(dreamt_on), sum(lucid) FROM dream_signs
               WHERE sign = ? AND dreamt_on <= ?""", (sign, high)).fetchone()
        if row and row[1]:
            out[sign] = tuple(row)
    return out


def latest_dreams_with(journal, sign: str, since: date | None = None, until: date | None = None,
                       limit: int = 2) -> list[dict]:
    """The latest dreams with a sign, newest first: id, dreamt_on, title, body, and the motif
    spans (for excerpts of motif signs)."""
    low, high = _day(since) or "0000-00-00", _day(until) or "9999-99-99"
    rows = journal.conn.execute(
        """SELECT d.id, d.dreamt_on, d.title, d.body FROM dream_signs s JOIN dreams d ON d.id = s.dream_id
           WHERE s.sign = ? AND s.dreamt_on BETWEEN ? AND ? ORDER BY s.dreamt_on DESC, s.dream_id DESC LIMIT ?""",
        (sign, low, high, limit)).fetchall()
    out = []
    for r in rows:
        dream = {"id": r[0], "dreamt_on": r[1], "title": r[2], "body": r[3], "motif_spans": {}}
        for motif, start, end in journal.conn.execute(
                """SELECT motif, start, "end" FROM dream_motifs WHERE dream_id = ? ORDER BY start""", (r[0],)):
            dream["motif_spans"].setdefault(motif, (start, end))
        out.append(dream)
    return out


def signs_of(journal, dream_id: int) -> list[tuple[str, str]]:
    """(sign, kind) of one dream."""
    return [tuple(r) for r in journal.conn.execute(
        "SELECT sign, kind FROM dream_signs WHERE dream_id = ? ORDER BY sign", (dream_id,))]


def latest_not_lucid(journal) -> dict | None:
    """The latest dream that was not lucid: id, dreamt_on, title."""
    row = journal.conn.execute(
        "SELECT id, dreamt_on, title FROM dreams WHERE lucid = 0 ORDER BY dreamt_on DESC, id DESC LIMIT 1").fetchone()
    return {"id": row[0], "dreamt_on": row[1], "title": row[2]} if row else None


def review_rows(journal, since: date, until: date, window_since: date) -> dict:
    """For the weekly review: each sign of the dreams from `since` to `until` (the baseline
    and the window) counted in SQL, so that memory holds one row per sign, not one per dream
    and sign: (sign, kind, dreams, first day, last day, lucid dreams, dreams from
    `window_since` on); and the first day each sign of the window was ever seen.

    A sign stored with two kinds (rare: a name that is also a word) takes the kind of its
    earliest dream in the span."""
    span = (since.isoformat(), until.isoformat())
    counted = journal.conn.execute(
        """SELECT s.sign, s.kind, count(*), min(d.dreamt_on), max(d.dreamt_on),
                  count(CASE WHEN d.lucid THEN 1 END), count(CASE WHEN d.dreamt_on >= ? THEN 1 END)
           FROM dreams d CROSS JOIN dream_signs s ON s.dream_id = d.id
           WHERE d.dreamt_on BETWEEN ? AND ? GROUP BY s.sign, s.kind""", (window_since.isoformat(), *span))
    by_sign: dict[str, list] = {}
    mixed = set()
    for sign, kind, count, first, last, lucid, in_window in counted:
        row = by_sign.get(sign)
        if row is None:
            by_sign[sign] = [sign, kind, count, first, last, lucid, in_window]
            continue
        mixed.add(sign)
        row[2] += count
        row[3], row[4] = min(row[3], first), max(row[4], last)
        row[5] += lucid
        row[6] += in_window
    for sign in mixed:
        by_sign[sign][1] = journal.conn.execute(
            """SELECT s.kind FROM dreams d CROSS JOIN dream_signs s ON s.dream_id = d.id
               WHERE d.dreamt_on BETWEEN ? AND ? AND s.sign = ? ORDER BY d.dreamt_on, d.id LIMIT 1""",
            (*span, sign)).fetchone()[0]
    first_seen = {}
    for sign, row in by_sign.items():
        if row[6]:  # only the window's signs can be new in it
            first_seen[sign] = journal.conn.execute(
                "SELECT min(dreamt_on) FROM dream_signs WHERE sign = ?", (sign,)).fetchone()[0]
    return {"sign_counts": [tuple(row) for row in by_sign.values()], "sign_first_seen": first_seen}


# -- hidden signs -----------------------------------------------------------------------


def hidden(journal) -> set[str]:
    return {r[0] for r in journal.conn.execute("SELECT sign FROM hidden_signs")}


def hide(journal, sign: str, stamp: str) -> bool:
    """Hide a sign; False if it was hidden already."""
    with journal.transaction():
        cursor = journal.conn.execute("INSERT OR IGNORE INTO hidden_signs (sign, hidden) VALUES (?, ?)", (sign, stamp))
    return cursor.rowcount > 0


def unhide(journal, sign: str) -> None:
    with journal.transaction():
        cursor = journal.conn.execute("DELETE FROM hidden_signs WHERE sign = ?", (sign,))
    if cursor.rowcount == 0:
        raise DreamlyError(f"{sign!r} is not hidden; `dreamly signs --hidden` lists the hidden signs")


def known(journal, sign: str) -> bool:
    return journal.conn.execute("SELECT 1 FROM dream_signs WHERE sign = ? LIMIT 1", (sign,)).fetchone() is not None
