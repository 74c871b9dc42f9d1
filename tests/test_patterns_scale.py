"""What keeps `dreamly patterns` flat as the journal grows (issue 19), pinned by what a user
would see: the dream-signs section counts each sign in SQL (one row per sign, not per dream
and sign) and must count exactly what the dreams hold; the recurring-dream search gives the
same groups however the pairs come (tests/test_recurring_groups.py has the journals)."""

from datetime import date, timedelta

from dreamly.review import patterns
from dreamly.review import signs as sign_review
from dreamly.store import open_journal
from dreamly.store import signs as sign_store
from dreamly.store.journal import NewDream

UNTIL = date(2026, 3, 15)


def journal_with_signs(tmp_path, rows):
    """A journal whose dreams carry the given stored signs: rows of (days ago, lucid, [(sign, kind)])."""
    journal = open_journal(tmp_path / "j.db")
    for days_ago, lucid, signs in rows:
        dream_id = journal.add(NewDream(body=f"dream {days_ago}", dreamt_on=UNTIL - timedelta(days=days_ago), lucid=lucid))
        with journal.transaction():
            for sign, kind in signs:
                journal.conn.execute(
                    "INSERT INTO dream_signs (dream_id, sign, kind, dreamt_on, lucid) VALUES (?, ?, ?, ?, ?)",
                    (dream_id, sign, kind, (UNTIL - timedelta(days=days_ago)).isoformat(), int(lucid)))
    return journal


def counted_by_hand(rows, since, until, window_since):
    """The per-sign counts of the review, worked out dream by dream (what the section showed
    before the counting moved into SQL)."""
    stats = {}
    for days_ago, lucid, signs in sorted(rows, key=lambda r: -r[0]):  # earliest dream first
        day = UNTIL - timedelta(days=days_ago)
        if not since <= day <= until:
            continue
        for sign, kind in signs:
            row = stats.setdefault(sign, [sign, kind, 0, day.isoformat(), day.isoformat(), 0, 0])
            row[2] += 1
            row[3], row[4] = min(row[3], day.isoformat()), max(row[4], day.isoformat())
            row[5] += int(lucid)
            row[6] += day >= window_since
    return sorted(tuple(r) for r in stats.values())


def test_signs_are_counted_per_sign_as_the_dreams_hold_them(tmp_path):
    rows = [
        (40, False, [("lighthouse", "place")]),  # before the baseline: counts for first seen only
        (20, True, [("lighthouse", "place"), ("anna", "person")]),
        (9, False, [("anna", "person"), ("rose", "thing")]),
        (3, True, [("rose", "person"), ("anna", "person"), ("motif:chase", "motif")]),  # a sign with two kinds
        (1, False, [("rose", "thing"), ("motif:chase", "motif"), ("meadow", "place")]),
        (0, True, [("meadow", "place")]),
    ]
    window = patterns.make_window(UNTIL)
    with journal_with_signs(tmp_path, rows) as journal:
        got = sign_store.review_rows(journal, window.baseline_since, window.until, window.since)
    assert sorted(got["sign_counts"]) == counted_by_hand(rows, window.baseline_since, window.until, window.since)
    kinds = {r[0]: r[1] for r in got["sign_counts"]}
    assert kinds["rose"] == "thing"  # its earliest dream's kind
    # first seen, for the window's signs only: the lighthouse (not in the window) is not asked
    assert got["sign_first_seen"] == {"rose": (UNTIL - timedelta(days=9)).isoformat(),
                                      "anna": (UNTIL - timedelta(days=20)).isoformat(),
                                      "motif:chase": (UNTIL - timedelta(days=3)).isoformat(),
                                      "meadow": (UNTIL - timedelta(days=1)).isoformat()}


def test_the_signs_section_reads_the_counts(tmp_path):
    rows = [(days, days % 3 == 0, [("meadow", "place"), ("station", "place")] if days % 2 else [("meadow", "place")])
            for days in range(0, 30)]
    window = patterns.make_window(UNTIL)
    with journal_with_signs(tmp_path, rows) as journal:
        got = sign_store.review_rows(journal, window.baseline_since, window.until, window.since)
        dreams = patterns._assemble(journal.pattern_rows(window.load_since, window.until))
    section = sign_review.section(dreams, got["sign_counts"], got["sign_first_seen"], window, window.week_starts)
    strongest = {s["sign"]: s for s in section["strongest"]}
    in_window = [d for d in rows if d[0] <= 6]
    assert strongest["meadow"]["window_dreams"] == len(in_window)
    assert strongest["station"]["window_dreams"] == sum(1 for d in in_window if d[0] % 2)
    assert section["lucid_dreams"] == sum(1 for d in rows if d[0] <= 34 and d[1])


def test_similar_pairs_come_in_order_and_a_skip_leaves_pairs_out():
    words = {1: ("attic", "ladder", "grandmother", "boxes", "dust"),
             2: ("attic", "ladder", "grandmother", "boxes", "light"),
             3: ("attic", "ladder", "grandmother", "boxes", "dust", "light"),
             4: ("beach", "waves", "sand", "gulls")}
    assert list(patterns.similar_pairs(words)) == [(1, 2), (1, 3), (2, 3)]
    assert list(patterns.similar_pairs(words, skip=lambda a, b: b == 3)) == [(1, 2)]
