"""The weekly review: hand-built journals whose right answer is known.

Motifs are written through `Journal.save_analysis` with hit-like objects, so these tests
check the review's maths, not how the matcher reads a sentence.
"""

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dreamly.review import patterns
from dreamly.store import Journal, NewDream

# The window under review in most tests: Monday 9 to Sunday 15 March 2026;
# its baseline is the four weeks from Monday 9 February to Sunday 8 March.
SINCE, UNTIL = date(2026, 3, 9), date(2026, 3, 15)
WINDOW = ("--since", SINCE.isoformat(), "--until", UNTIL.isoformat())


@dataclass(frozen=True)
class FakeHit:
    """Shaped like analysis.Hit."""

    id: str
    evidence: str = "seen"
    start: int = 0
    end: int = 4
    subject: str = "dreamer"


@pytest.fixture
def journal(db_path):
    with Journal.open(db_path) as j:
        yield j


_counter = iter(range(10**6))


def put(journal, day, *, body=None, motifs=(), tags=(), emotions=(), nightmare=False, context="", title="",
        subject="dreamer", sleep=None):
    body = body or f"plain dream number {next(_counter)}"
    dream_id = journal.add(NewDream(body=body, dreamt_on=day, tags=tags, emotions=[(e, None) for e in emotions],
                                    nightmare=nightmare, context=context, title=title, sleep_quality=sleep))
    journal.save_analysis(dream_id, [FakeHit(m, subject=subject) for m in motifs], (), 1)
    return dream_id


def review_json(cli, *args):
    result = cli("patterns", *WINDOW, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def subset(row: dict, expected: dict) -> bool:
    """True when `row` holds every key/value of `expected` (pytest shows both on failure)."""
    return {key: row.get(key) for key in expected} == expected


def motif(report, motif_id):
    return next(m for m in report["motifs"] if m["id"] == motif_id)


# -- must show ------------------------------------------------------------------------------------


def test_a_rising_motif_is_called_rising(cli, journal):
    put(journal, date(2026, 2, 16), motifs=["chase"])  # once in four weeks: 0.25 a week
    put(journal, date(2026, 2, 20), motifs=["falling"])
    put(journal, date(2026, 2, 27), motifs=["falling"])
    put(journal, date(2026, 3, 3), motifs=["falling"])
    for day in (10, 12, 14):
        put(journal, date(2026, 3, day), motifs=["chase"])
    put(journal, date(2026, 3, 11), motifs=["flying"])

    report = review_json(cli)
    assert subset(motif(report, "chase"), {"count": 3, "baseline": 0.25, "trend": "rising"})
    assert motif(report, "flying")["trend"] == "new"
    assert subset(motif(report, "falling"), {"count": 0, "baseline": 0.75, "trend": "steady"})


def test_a_motif_that_fades_is_called_falling(cli, journal):
    for day in (10, 13, 17, 20, 24, 27, 3, 6):
        put(journal, date(2026, 2 if day > 8 else 3, day), motifs=["heavy_legs"])  # 2 a week before
    report = review_json(cli)
    assert subset(motif(report, "heavy_legs"), {"count": 0, "baseline": 2.0, "trend": "falling"})
    assert report["cant_run"]["trend"] == "falling"


def test_a_tag_that_always_comes_with_chase_dreams_is_linked(cli, journal):
    for day in (2, 5, 10, 12):
        put(journal, date(2026, 3, day), motifs=["chase"], tags=["work"], context="deadline looming at the office")
    for day in (16, 18, 21, 24, 26, 28):
        put(journal, date(2026, 2, day), motifs=["flying"], tags=["home"])
    put(journal, date(2026, 3, 11), tags=["home"])

    links = review_json(cli)["links"]
    work = next(link for link in links if link["tag"] == "work" and link["motif"] == "chase")
    assert work["count"] == 4 and work["via"] == "tag"
    assert work["lift"] == pytest.approx(11 / 4, rel=0.01)  # P(chase|work) = 1, P(chase) = 4/11
    # the context words travel with it too; the tag seen everywhere else is no link to chase
    assert any(link["tag"] == "deadline" and link["via"] == "context" for link in links)
    assert not any(link["tag"] == "home" and link["motif"] == "chase" for link in links)


def test_a_link_needs_enough_dreams_behind_it(cli, journal):
    put(journal, date(2026, 3, 10), motifs=["chase"], tags=["exam"])
    put(journal, date(2026, 3, 11), motifs=["chase"], tags=["exam"])
    for day in (12, 13, 14):
        put(journal, date(2026, 3, day))
    assert review_json(cli)["links"] == []  # 2 co-occurrences is a coincidence, not a pattern


def test_links_are_worded_as_co_occurrence_not_cause(cli, journal):
    for day in (10, 11, 12):
        put(journal, date(2026, 3, day), motifs=["chase"], tags=["work"])
    for day in (13, 14):
        put(journal, date(2026, 3, day), tags=["home"])
    out = cli("patterns", *WINDOW).stdout
    assert "the tag “work” tends to come with being chased" in out or "the tag “work” tends to come with chase" in out
    assert "not cause" in out
    assert not re.search(r"\bcause[sd]?\b(?<!not cause)", out.replace("not cause", ""))


def test_a_dream_told_four_times_is_recurring(cli, journal):
    tellings = [
        "I was back in my grandmother's house climbing the stairs to the attic, the stairs kept going and I never found the attic door.",
        "Grandmother's house again: endless stairs, never reaching the attic door, the landing lights flickering.",
        "Once more in grandmother's house, the stairs going up forever and the attic door nowhere to be found.",
        "Grandmother's house, climbing the endless stairs, and this time the attic door was open at last.",
    ]
    days = [date(2026, 2, 12), date(2026, 2, 23), date(2026, 3, 4), date(2026, 3, 12)]
    for day, text in zip(days, tellings):
        put(journal, day, body=text)
    put(journal, date(2026, 3, 10), body="A picnic by the river with my sister, sandwiches and a kite that kept falling.")
    put(journal, date(2026, 3, 11), body="The office printer was printing poems about the sea, pages and pages of them.")

    groups = review_json(cli)["recurring"]
    assert len(groups) == 1
    assert groups[0]["times"] == 4
    assert groups[0]["dates"] == [d.isoformat() for d in days]
    assert groups[0]["reason"] == "similar text"
    out = cli("patterns", *WINDOW).stdout
    assert "4 times" in out and "12 Feb, 23 Feb, 4 Mar, 12 Mar" in out


def test_the_same_motif_set_three_times_is_recurring_but_one_motif_is_not(cli, journal):
    for day in (2, 6, 12):
        put(journal, date(2026, 3, day), motifs=["chase", "heavy_legs"])
    for day in (3, 7, 13, 14):
        put(journal, date(2026, 3, day), motifs=["flying"])
    groups = review_json(cli)["recurring"]
    assert [(g["times"], g["motifs"], g["reason"]) for g in groups] == [(3, ["chase", "heavy_legs"], "same motifs")]


def heavy_week(journal, monday, count, motif_id="heavy_legs"):
    for i in range(count):
        put(journal, monday + timedelta(days=2 * i), motifs=[motif_id])


def test_two_weeks_of_three_cant_run_dreams_raise_the_red_flag(cli, journal):
    heavy_week(journal, date(2026, 3, 2), 3)
    heavy_week(journal, date(2026, 3, 9), 3, "slow_motion")
    report = review_json(cli)
    flag = report["red_flag"]
    assert flag["weeks"] == [{"start": "2026-03-02", "dreams": 3}, {"start": "2026-03-09", "dreams": 3}]
    assert "2 weeks in a row" in flag["reason"]

    out = cli("patterns", *WINDOW).stdout
    assert out.count("Worth noticing") == 1  # shown once
    flat = " ".join(out.split())
    assert "therapist or counsellor" in flat
    assert "diagnos" in flat  # says it is not a diagnosis ...
    assert not re.search(r"you (have|suffer from) (an? )?(anxiety|disorder|depression|trauma)", flat)  # ... and makes none


def test_nightmares_count_toward_the_red_flag(cli, journal):
    for monday in (date(2026, 3, 2), date(2026, 3, 9)):
        for i in range(3):
            put(journal, monday + timedelta(days=i), nightmare=True)
    assert review_json(cli)["red_flag"]["weeks"][0]["dreams"] == 3


def test_one_such_week_does_not_raise_the_red_flag(cli, journal):
    heavy_week(journal, date(2026, 3, 2), 2)
    heavy_week(journal, date(2026, 3, 9), 3)
    heavy_week(journal, date(2026, 2, 16), 3)  # a bad week a while ago, not next to the other
    report = review_json(cli)
    assert report["red_flag"] is None
    assert "Worth noticing" not in cli("patterns", *WINDOW).stdout


def test_an_empty_window_says_so_plainly(cli, journal):
    put(journal, date(2026, 1, 5), motifs=["chase"])
    result = cli("patterns", *WINDOW)
    assert result.exit_code == 0, result.output
    assert "No dreams from 9 Mar – 15 Mar 2026" in " ".join(result.stdout.split())
    assert "Motifs" not in result.stdout and "Worth noticing" not in result.stdout
    report = review_json(cli)
    assert report["overview"]["dreams"] == 0 and report["red_flag"] is None


def test_an_empty_journal_says_so_plainly(cli):
    result = cli("patterns")
    assert result.exit_code == 0, result.output
    assert "No dreams from" in result.stdout and "dreamly add" in result.stdout


# -- output formats ---------------------------------------------------------------------------------


def test_json_has_the_stable_keys(cli, journal):
    put(journal, date(2026, 3, 10), motifs=["chase", "pursuer_animal"], tags=["work"], emotions=["fear"], sleep=2)
    put(journal, date(2026, 3, 12), motifs=["heavy_legs"], nightmare=True, sleep=4)
    report = review_json(cli)
    assert {"window", "overview", "weeks", "motifs", "emotions", "pursuers", "links", "recurring",
            "red_flag"} <= set(report)
    assert subset(report["window"], {"since": "2026-03-09", "until": "2026-03-15"})
    assert subset(report["overview"], {"dreams": 2, "nightmares": 1, "lucid": 0, "sleep_quality": 3.0})
    assert len(report["weeks"]) == 12 and report["weeks"][-1] == {"start": "2026-03-09", "dreams": 2}
    assert set(report["motifs"][0]) >= {"id", "count", "baseline", "trend"}
    assert subset(report["emotions"][0], {"id": "fear", "count": 1, "baseline": 0.0})
    assert [p["id"] for p in report["pursuers"]] == ["pursuer_animal"]
    assert report["red_flag"] is None


def test_motifs_of_other_people_are_not_the_dreamers(cli, journal):
    put(journal, date(2026, 3, 10), motifs=["heavy_legs"], subject="other")  # "my sister couldn't run"
    report = review_json(cli)
    assert report["motifs"] == [] and report["cant_run"] is None


def test_pursuers_show_who_chases_you_now_and_before(cli, journal):
    for day in (16, 23, 2):
        put(journal, date(2026, 2 if day > 8 else 3, day), motifs=["chase", "pursuer_known_person"], body=f"x {day}")
    for day in (10, 13):
        put(journal, date(2026, 3, day), motifs=["chase", "pursuer_stranger_or_monster"])
    report = review_json(cli)
    assert subset(report["pursuer_shift"], {"now": "pursuer_stranger_or_monster", "before": "pursuer_known_person"})
    out = " ".join(cli("patterns", *WINDOW).stdout.split())
    assert "Who or what chases you" in out and "Lately mostly" in out


def test_markdown_is_ready_to_paste(cli, journal):
    for day in (10, 12, 14):
        put(journal, date(2026, 3, day), motifs=["chase"], tags=["work"], emotions=["fear"])
    result = cli("patterns", *WINDOW, "--markdown")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("# Dream patterns, 9 Mar – 15 Mar 2026")
    assert "## Motifs" in md and ("| being chased |" in md.lower() or "| chase |" in md)
    assert "## Feelings by week" in md and "\x1b[" not in md


def test_json_and_markdown_together_are_refused(cli):
    result = cli("patterns", "--json", "--markdown")
    assert result.exit_code == 2 and "use one of --json, --markdown and --html" in result.stderr  # a usage error


def test_sections_with_nothing_to_say_are_left_out(cli, journal):
    put(journal, date(2026, 3, 10))
    out = cli("patterns", *WINDOW).stdout
    assert "Overview" in out and "1 dream" in out
    for heading in ("Motifs", "Who or what chases you", "What travels together", "Dreams that come back",
                    "Worth noticing", "Feelings by week"):
        assert heading not in out


def test_a_narrow_terminal_gets_lines_that_fit(cli, journal, monkeypatch):
    from dreamly import render

    monkeypatch.setattr(render.console, "width", 50)  # the console reads COLUMNS once, at import
    for day in (2, 4, 6, 10, 11, 12, 13):
        put(journal, date(2026, 3, day), motifs=["heavy_legs", "chase", "pursuer_stranger_or_monster"],
            tags=["work", "deadline"], emotions=["fear", "helplessness"], context="the big release at work")
    result = cli("patterns", *WINDOW)
    assert result.exit_code == 0, result.output
    assert "Worth noticing" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 50


# -- windows ------------------------------------------------------------------------------------------


def test_week_is_this_calendar_week(cli, journal):
    report = json.loads(cli("patterns", "--week", "--json").stdout)
    since, until = (date.fromisoformat(report["window"][k]) for k in ("since", "until"))
    assert since.weekday() == 0 and (until - since).days == 6 and since <= date.today() <= until


def test_the_default_window_is_the_last_seven_days(cli, journal):
    put(journal, date.today() - timedelta(days=6), motifs=["chase"])
    put(journal, date.today() - timedelta(days=7), motifs=["flying"])
    report = json.loads(cli("patterns", "--json").stdout)
    assert subset(report["window"], {"since": (date.today() - timedelta(days=6)).isoformat(),
                                     "until": date.today().isoformat()})
    assert [m["id"] for m in report["motifs"] if m["count"]] == ["chase"]


def test_since_and_until_take_the_date_forms_of_add(cli, journal):
    put(journal, date.today() - timedelta(days=2), motifs=["chase"])
    report = json.loads(cli("patterns", "--since", "3 days ago", "--until", "yesterday", "--json").stdout)
    assert report["window"]["since"] == (date.today() - timedelta(days=3)).isoformat()
    assert report["overview"]["dreams"] == 1


def test_weeks_sets_the_baseline(cli, journal):
    put(journal, date(2026, 1, 20), motifs=["chase"])  # seven weeks before the window
    put(journal, date(2026, 3, 10), motifs=["chase"])
    assert motif(review_json(cli), "chase")["trend"] == "new"
    report = review_json(cli, "--weeks", "8")
    assert subset(report["baseline"], {"since": "2026-01-12", "weeks": 8})
    assert subset(motif(report, "chase"), {"baseline": 0.12, "trend": "steady"})


@pytest.mark.parametrize("args, message", [
    (("--week", "--since", "monday"), "either --week or --since/--until"),
    (("--since", "2026-03-10", "--until", "2026-03-01"), "is after --until"),
    (("--since", "someday"), "can't read 'someday' as a date"),
])
def test_bad_windows_get_one_clear_line(cli, args, message):
    result = cli("patterns", *args)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_weeks_must_be_positive(cli):
    assert cli("patterns", "--weeks", "0").exit_code == 2


@given(today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), week=st.booleans(),
       weeks=st.integers(1, 60))
def test_windows_are_well_formed(today, week, weeks):
    w = patterns.make_window(today, week=week, baseline_weeks=weeks)
    assert w.days == 7 and w.since <= today <= w.until
    assert (w.since - w.baseline_since).days == 7 * weeks and w.baseline_until < w.since
    assert len(w.week_starts) == 12 and all(s.weekday() == 0 for s in w.week_starts)
    assert w.load_since <= min(w.baseline_since, w.week_starts[0])


# -- the pure parts ---------------------------------------------------------------------------------


def test_recall_streak_counts_mornings_in_a_row():
    d = date(2026, 3, 15)
    days = [d, d - timedelta(days=1), d - timedelta(days=2), d - timedelta(days=4)]
    assert patterns.recall_streak(days, d) == 3
    assert patterns.recall_streak(days[1:], d) == 2  # today not written yet: still a streak
    assert patterns.recall_streak(days[2:], d) == 0
    assert patterns.recall_streak([], d) == 0


@given(count=st.integers(0, 50), baseline=st.floats(0, 50, allow_nan=False), days=st.integers(1, 60))
def test_trend_is_new_only_without_a_baseline(count, baseline, days):
    result = patterns.trend(count, baseline, days)
    assert result in {"rising", "falling", "steady", "new", "none"}
    assert (result == "new") == (baseline == 0 and count > 0)


def test_tokens_drop_stop_words_and_possessives():
    assert patterns.tokens("I was at my Grandmother's house, and the STAIRS went on") == ["grandmother", "house", "stairs"]


def test_suggestions_come_from_the_knowledge_base(cli, journal):
    pytest.importorskip("dreamly.analysis")
    for day in (10, 12, 14):
        put(journal, date(2026, 3, day), motifs=["heavy_legs"])
    items = review_json(cli)["suggestions"]
    assert items and items[0]["motif"] == "heavy_legs" and items[0]["question"] and items[0]["try"]
    out = " ".join(cli("patterns", *WINDOW).stdout.split())
    assert "Ask yourself:" in out and "Try:" in out


# -- demo ------------------------------------------------------------------------------------------------


def test_demo_writes_a_journal_that_patterns_reads(cli, tmp_path):
    db = tmp_path / "demo.db"
    result = cli("demo", "--db", db)
    assert result.exit_code == 0, result.output
    assert "dreamly patterns --db" in result.stdout
    report = json.loads(cli("patterns", "--db", db, "--json").stdout)
    assert report["overview"]["dreams"] >= 5
    assert sum(w["dreams"] for w in report["weeks"]) >= 35
    assert any(g["times"] >= 4 and g["reason"] == "similar text" for g in report["recurring"])
    assert report["red_flag"] is None  # the story ends calmer
    # ... and the hint it prints leads to the hard fortnight, red flag and all
    until = re.search(r"--until (\d{4}-\d\d-\d\d)", result.stdout).group(1)
    hard = json.loads(cli("patterns", "--db", db, "--until", until, "--json").stdout)
    assert hard["red_flag"] and len(hard["red_flag"]["weeks"]) >= 2
    assert any(link["tag"] == "deadline" for link in hard["links"])
    assert any(m["trend"] == "rising" for m in hard["motifs"])


def test_demo_goes_to_a_temporary_journal_never_to_dreamly_db(cli, isolated):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    path = Path(re.search(r"to (\S+journal\.db)", result.stdout).group(1))
    try:
        assert path.exists() and "dreamly-demo-" in str(path)
        assert not (isolated / "journal.db").exists()
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def test_demo_never_writes_into_a_journal_with_dreams(cli, journal, db_path):
    put(journal, date(2026, 3, 10), body="my own real dream")
    result = cli("demo", "--db", db_path)
    assert result.exit_code == 1 and "already holds dreams" in result.stderr
    assert journal.count() == 1


def test_every_demo_dream_shows_its_motifs_in_its_own_words():
    from dreamly.demo import DREAMS, hits_for

    for dream in DREAMS:
        for hit in hits_for(dream):
            assert dream.body[hit.start:hit.end] == hit.evidence


def test_pursuers_found_by_the_matcher_reach_the_review(cli):
    """Through the real matcher: the pursuer of the dreamer's own chase is the dreamer's
    (MATCHER_VERSION 5; before it, no real journal ever showed who chased the dreamer)."""
    for day, text in ((SINCE, "I was chased through the woods by a dog."),
                      (SINCE + timedelta(days=1), "My brother was chasing me down the street."),
                      (SINCE + timedelta(days=2), "My sister was chased by a bear.")):
        assert cli("add", text, "--date", day.isoformat()).exit_code == 0
    report = review_json(cli)
    found = {p["id"]: p["count"] for p in report["pursuers"]}
    assert found == {"pursuer_animal": 1, "pursuer_known_person": 1}  # the sister's bear is not the dreamer's
    assert "Who or what chases you" in cli("patterns", *WINDOW).stdout


def test_pursuers_seen_equally_often_are_named_together_not_one_as_mostly(cli, journal):
    put(journal, date(2026, 3, 10), motifs=["chase", "pursuer_animal"], body="a dog")
    put(journal, date(2026, 3, 12), motifs=["chase", "pursuer_stranger_or_monster"], body="a man")
    report = review_json(cli)
    assert sorted(report["pursuer_shift"]["now_tied"]) == ["pursuer_animal", "pursuer_stranger_or_monster"]
    out = " ".join(cli("patterns", *WINDOW).stdout.split())
    assert "mostly animal" not in out.lower()
    assert "alike" in out and "nothing chased you before" in out
