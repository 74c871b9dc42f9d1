"""Full-text search over the journal's FTS5 index: what a person typed → a safe FTS5 query,
and the query that fetches one page of hits.

Ranking is bm25 (title 10, body 1, context 2), best first, while the hits are few enough to
rank cheaply (RANK_LIMIT). Ranking costs a bm25 evaluation per hit and a sort of them all,
so a word found in most dreams (70 % of a million-dream journal) would cost seconds to show
20 dreams; and a rank over that many near-equal hits says little. Past RANK_LIMIT hits the
page is the newest matching dreams instead, read through the day index, each checked against
the index by rowid, so the work is that of the page, not of every hit.

No printing, no Typer: the store calls `search()` with its connection.
"""

from __future__ import annotations

import re
import sqlite3

from dreamly.errors import DreamlyError
from dreamly.lazy_re import compile_later  # compiled by the first search, not by every add

SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
RANK_LIMIT = 5000  # more hits than this: newest first instead of bm25

_PHRASE = compile_later(r'"([^"]*)"')
# A negative contraction typed with or without its apostrophe ("couldnt", "couldn't") is one
# word to the person searching; the index holds "couldn't" as the two tokens couldn + t.
_NEGATIVE = compile_later(r"(could|would|should|did|does|do|ca|wo|was|were|is|are|has|have|had|ai|must|need)(n'?t)",
                          re.IGNORECASE)


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word a quoted term (AND), and
    text between double quotes a phrase (`"train station"`: the two words next to each other,
    in that order).

    Quoting each term means `"`, `*`, `-`, `OR`, `NEAR(` and friends are searched for as words
    instead of being read as FTS syntax, so no query can crash the search. A word ending in
    `*` keeps its prefix meaning (`run*`); so does a phrase (`"train stat"*`). An unpaired
    quote is only a character.
    """
    text = text.replace("\x00", " ")  # FTS5 reads NUL as the end of the query
    terms = []
    position = 0
    for found in _PHRASE.finditer(text):
        terms.extend(_words(text[position:found.start()]))
        phrase = " ".join(found.group(1).split())
        if any(ch.isalnum() for ch in phrase):
            star = text[found.end():found.end() + 1] == "*"
            terms.append('"' + phrase + '"' + ("*" if star else ""))
        position = found.end()
        if text[position:position + 1] == "*":
            position += 1
    terms.extend(_words(text[position:]))
    if not terms:
        raise DreamlyError(f"nothing to search for in {text!r}: give at least one word")
    return " AND ".join(terms)  # explicit: FTS5 has no implicit AND before a bracketed OR


def _words(text: str) -> list[str]:
    terms = []
    for word in text.split():
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        core = word.rstrip("*") if prefix else word
        if not any(ch.isalnum() for ch in core):
            continue
        quoted = '"' + core.replace('"', '""') + '"' + ("*" if prefix else "")
        negative = None if prefix else _NEGATIVE.fullmatch(core.replace("\u2019", "'"))
        if negative:
            stem = negative.group(1)
            quoted = f'("{stem}nt" OR "{stem}n\'t")'
        terms.append(quoted)
    return terms


def search(conn: sqlite3.Connection, query: str, where: str, params: list, limit: int | None,
           dream_select: str) -> tuple[list[sqlite3.Row], str]:
    """One page of hits for `query` among the dreams `where` (a clause over alias d) allows.

    Returns the rows (`dream_select`'s columns and a `snippet`) and the order they are in:
    "rank" (bm25, best first) or "newest" (more than RANK_LIMIT dreams hold the words).
    """
    match = fts_query(query)
    capped = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM dreams_fts WHERE dreams_fts MATCH ? LIMIT ?)", (match, RANK_LIMIT + 1)
    ).fetchone()[0]
    order = "rank" if capped <= RANK_LIMIT else "newest"
    limit_sql = "LIMIT ?" if limit is not None else ""
    page_params = [*params, limit] if limit is not None else list(params)
    if order == "rank":
        page = f"""
            hits AS (
                SELECT rowid, bm25(dreams_fts, 10.0, 1.0, 2.0) AS rank FROM dreams_fts WHERE dreams_fts MATCH ?
            ),
            page AS MATERIALIZED (
                SELECT d.id, hits.rank FROM hits JOIN dreams d ON d.id = hits.rowid
                WHERE {where} ORDER BY hits.rank, d.dreamt_on DESC {limit_sql}
            )"""
        page_params = [match, *page_params]
        ordering = "ORDER BY page.rank, d.dreamt_on DESC"
    else:
        # the day index gives the order; each dream is looked up in the index by rowid, and
        # LIMIT stops the walk once the page is full
        page = f"""
            page AS MATERIALIZED (
                SELECT d.id, 0 AS rank FROM dreams d
                WHERE {where} AND EXISTS (SELECT 1 FROM dreams_fts WHERE dreams_fts MATCH ? AND rowid = d.id)
                ORDER BY d.dreamt_on DESC, d.id DESC {limit_sql}
            )"""
        page_params = [*params, match] + ([limit] if limit is not None else [])
        ordering = "ORDER BY d.dreamt_on DESC, d.id DESC"
    # snippets and lists only for the page shown: computed for all hits, they cost 3x the
    # ranking itself at 100k dreams
    select = dream_select.replace("FROM dreams d", "FROM page JOIN dreams d ON d.id = page.id").replace(
        "SELECT d.id,",
        f"""SELECT (SELECT snippet(dreams_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', 16) FROM dreams_fts
                    WHERE dreams_fts MATCH ? AND rowid = page.id) AS snippet, page.rank AS hit_rank, d.id,""", 1)
    sql = f"WITH {page} {select} {ordering}"
    return list(conn.execute(sql, [*page_params, match])), order
