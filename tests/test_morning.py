"""The morning (issue 15): answers and corrections that stick, the editor template, the
config file, the daily comforts and the new date forms. The questions themselves are
asked through a real terminal in test_morning_terminal.py."""

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from dreamly.dates import parse_day
from dreamly.errors import DreamlyError

CHASE = "I was chased through the station and my legs felt like concrete"


def add(cli, text=CHASE, *args):
    result = cli("add", text, *args)
    assert result.exit_code == 0, result.output
    return result


def show(cli, dream_id=1):
    result = cli("show", dream_id, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def motif_ids(dream):
    return [m["motif"] for m in dream["motifs"]]


# -- the schema -----------------------------------------------------------------------------


def test_a_v1_journal_gains_the_morning_tables_and_loses_nothing(cli, db_path):
    from tests.test_reliability import v1_journal

    from dreamly.store import SCHEMA_VERSION

    v1_journal(db_path)
    before = show(cli, 1)
    assert cli("reflect", 1, "--question", "reminds", "the old school").exit_code == 0
    after = show(cli, 1)
    assert {k: v for k, v in after.items() if k not in ("reflections", "updated")} == \
        {k: v for k, v in before.items() if k not in ("reflections", "updated")}
    assert [(r["question"], r["answer"]) for r in after["reflections"]] == [("reminds", "the old school")]
    import sqlite3

    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# -- corrections ---------------------------------------------------------------------------


def test_corrections_are_the_dreamers_and_survive_reanalyze(cli):
    add(cli)
    assert "heavy_legs" in motif_ids(show(cli))
    result = cli("edit", 1, "--drop-motif", "heavy_legs", "--motif", "falling")
    assert result.exit_code == 0, result.output
    assert "Kept as your decision: no motif heavy_legs" in result.stdout
    assert cli("reanalyze").exit_code == 0
    dream = show(cli)
    assert "heavy_legs" not in motif_ids(dream) and "falling" in motif_ids(dream)
    assert {(c["kind"], c["name"], c["action"]) for c in dream["corrections"]} == \
        {("motif", "heavy_legs", "drop"), ("motif", "falling", "add")}
    text = cli("show", 1).stdout
    assert "Falling (falling) — added by you" in text and "Dropped by you: Heavy legs" in text
    # filters and the review see the decision too
    assert [d["id"] for d in json.loads(cli("list", "--motif", "falling", "--json").stdout)] == [1]
    assert json.loads(cli("list", "--motif", "heavy_legs", "--json").stdout) == []


def test_a_feeling_found_in_the_text_can_be_dropped_for_good(cli):
    add(cli, "I was terrified in the dark corridor")
    assert {"emotion": "fear", "intensity": None, "origin": "text"} in show(cli)["emotions"]
    assert cli("edit", 1, "--drop-emotion", "fear").exit_code == 0
    cli("reanalyze")
    assert all(e["emotion"] != "fear" for e in show(cli)["emotions"])
    assert cli("edit", 1, "-e", "fear:2").exit_code == 0  # tagging it again takes the decision back
    cli("reanalyze")
    assert {"emotion": "fear", "intensity": 2, "origin": "user"} in show(cli)["emotions"]


def test_an_unknown_motif_correction_is_refused(cli):
    add(cli)
    result = cli("edit", 1, "--motif", "flyingg")
    assert result.exit_code == 1 and "no motif 'flyingg'" in result.stderr


def test_edit_shows_what_the_matcher_found_in_the_new_text(cli):
    add(cli, "A quiet walk")
    result = cli("edit", 1, "--text", "I was falling off a cliff")
    assert "The matcher found in the new text:" in result.stdout and "falling" in result.stdout


# -- answers and reflections -------------------------------------------------------------------


def test_reflect_answers_a_question_and_keeps_a_free_reflection_apart_from_interpretations(cli):
    add(cli)
    assert cli("reflect", 1, "-q", "pursuer", "3").exit_code == 0
    assert cli("reflect", 1, "-q", "feeling", "scared:4, shame").exit_code == 0
    assert cli("reflect", 1, "--free", "It was about the move, I think").exit_code == 0
    dream = show(cli)
    assert [(r["question"], r["answer"]) for r in dream["reflections"]] == [
        ("pursuer", "pursuer_animal"), ("feeling", "fear:4, shame"), ("free", "It was about the move, I think")]
    assert dream["interpretations"] == []
    assert "pursuer_animal" in motif_ids(dream)
    text = cli("show", 1).stdout
    assert "Who was after you: an animal" in text and "Your reflection" in text
    # a pursuer the dreamer chose counts in the review
    review = json.loads(cli("patterns", "--json").stdout)
    assert [(p["id"], p["count"]) for p in review["pursuers"] if p["count"]] == [("pursuer_animal", 1)]
    # and the answers go into what interpret would send
    prompt = json.loads(cli("interpret", 1, "--dry-run", "--json").stdout)["prompt"]
    assert "The dreamer's own answers" in prompt and "It was about the move" in prompt


def test_reflect_in_a_script_needs_words(cli):
    add(cli)
    result = cli("reflect", 1)
    assert result.exit_code == 1 and "in a terminal" in result.stderr


def test_reminds_words_are_linked_like_context(cli):
    for day in range(4):
        add(cli, f"I was chased again, night {day}", "-d", (date.today() - timedelta(days=day)).isoformat())
        cli("reflect", day + 1, "-q", "reminds", "the deadline at work")
    for day in range(4, 8):
        add(cli, f"A calm lake, night {day}", "-d", (date.today() - timedelta(days=day)).isoformat())
    review = json.loads(cli("patterns", "--json", "--since", (date.today() - timedelta(days=10)).isoformat()).stdout)
    assert any(link["tag"] == "deadline" and link["motif"] == "chase" and link["via"] == "context"
               for link in review["links"])


def test_answers_are_searchable(cli):
    add(cli)
    cli("reflect", 1, "-q", "reminds", "the dentist appointment")
    hits = json.loads(cli("search", "dentist", "--json").stdout)
    assert [h["id"] for h in hits] == [1] and "[dentist]" in hits[0]["snippet"]


def test_export_import_export_keeps_answers_and_corrections_exactly(cli, tmp_path, monkeypatch):
    add(cli)
    cli("reflect", 1, "-q", "pursuer", "2")
    cli("reflect", 1, "--free", "about my brother")
    cli("edit", 1, "--drop-motif", "heavy_legs")
    add(cli, "I was flying over the sea")
    cli("edit", 2, "--motif", "water")
    first = cli("export", "--format", "json").stdout
    exported = tmp_path / "dreams.json"
    exported.write_text(first, encoding="utf-8")
    monkeypatch.setenv("DREAMLY_DB", str(tmp_path / "other.db"))
    assert cli("import", exported).exit_code == 0
    second = cli("export", "--format", "json").stdout
    assert second == first
    records = json.loads(first)["dreams"]
    assert any(r["reflections"] for r in records) and any(r["corrections"] for r in records)
    # the decisions still hold after the new journal re-analyses everything
    cli("reanalyze")
    assert "heavy_legs" not in motif_ids(show(cli, 1)) and "water" in motif_ids(show(cli, 2))


# -- the editor template -------------------------------------------------------------------


def test_an_unchanged_template_saves_nothing(cli, fake_editor, db_path):
    from dreamly.entry import TEMPLATE

    seen = fake_editor(TEMPLATE)
    result = cli("add", "--editor")
    assert result.exit_code == 1 and "empty; nothing was saved" in result.stderr
    assert "How did you feel?" in seen.read_text() and "feelings:" in seen.read_text()
    assert json.loads(cli("list", "--json").stdout) == []


def test_the_template_lines_are_read_and_comments_dropped(cli, fake_editor):
    from dreamly.entry import TEMPLATE

    fake_editor("I was falling down a well\n" + TEMPLATE.replace("feelings:", "feelings: fear:3, confused")
                .replace("tags:", "tags: work, Exam"))
    result = cli("add", "--editor")
    assert result.exit_code == 0, result.output
    dream = show(cli)
    assert dream["body"] == "I was falling down a well"
    assert dream["tags"] == ["exam", "work"]
    assert {(e["emotion"], e["intensity"]) for e in dream["emotions"] if e["origin"] == "user"} == \
        {("fear", 3), ("confusion", None)}


# -- config ----------------------------------------------------------------------------------


def write_config(tmp_path, text):
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def test_config_shows_where_and_what(cli, tmp_path):
    assert "not written yet" in cli("config").stdout
    write_config(tmp_path, 'tags = ["dream"]\ndate_order = "day-month"\n')
    data = json.loads(cli("config", "--json").stdout)
    assert data["path"] == str(tmp_path / "config" / "config.toml")
    assert data["set"] == ["tags", "date_order"] and data["date_order"] == "day-month"


def test_config_default_tags_and_date_order(cli, tmp_path):
    write_config(tmp_path, 'tags = ["dream"]\ndate_order = "day-month"\n')
    day = date.today()
    add(cli, "A quiet walk", "-d", f"{day.day}/{day.month}", "-t", "walk")
    dream = show(cli)
    assert dream["tags"] == ["dream", "walk"] and dream["dreamt_on"] == day.isoformat()


def test_config_journal_path_and_editor_lose_to_the_environment(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("DREAMLY_DB")
    write_config(tmp_path, f'journal = "{tmp_path / "mine.db"}"\n')
    assert cli("path").stdout.strip() == str(tmp_path / "mine.db")
    monkeypatch.setenv("DREAMLY_DB", str(tmp_path / "env.db"))
    assert cli("path").stdout.strip() == str(tmp_path / "env.db")


def test_a_broken_config_is_one_clear_error(cli, tmp_path):
    write_config(tmp_path, "questions = maybe\n")
    result = cli("add", "A quiet walk")
    assert result.exit_code == 1 and "config.toml is not valid TOML" in result.stderr
    write_config(tmp_path, 'date_order = "year-first"\n')
    result = cli("add", "A quiet walk")
    assert result.exit_code == 1 and "'date_order' must be" in result.stderr


def test_an_ambiguous_date_names_both_readings_until_the_order_is_set(cli, tmp_path):
    result = cli("add", "A quiet walk", "-d", "1/2")
    assert result.exit_code == 2  # a value on the command line that can't be read: a usage error
    assert "1 February (day-month) or 2 January (month-day)" in result.stderr and "date_order" in result.stderr
    write_config(tmp_path, 'date_order = "month-day"\n')
    add(cli, "A quiet walk", "-d", "1/2/2026")
    assert show(cli)["dreamt_on"] == "2026-01-02"


# -- daily comforts --------------------------------------------------------------------------


def test_version(cli):
    from dreamly import __version__

    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"dreamly {__version__}\n"


@pytest.mark.slow
def test_completion_of_a_partial_motif_id(tmp_path):
    import os

    env = {**os.environ, "_DREAMLY_COMPLETE": "complete_bash", "COMP_WORDS": "dreamly list --motif pursuer_a",
           "COMP_CWORD": "3", "DREAMLY_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "dreamly"], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["pursuer_animal"]
    env |= {"COMP_WORDS": "dreamly add -e fru", "COMP_CWORD": "3"}
    assert subprocess.run([sys.executable, "-m", "dreamly"], env=env, capture_output=True, text=True).stdout.split() \
        == ["frustration"]


def test_tags_with_counts(cli):
    add(cli, "A", "-t", "work", "-t", "exam")
    add(cli, "B", "-t", "work")
    assert json.loads(cli("tags", "--json").stdout) == [{"tag": "work", "dreams": 2}, {"tag": "exam", "dreams": 1}]
    assert cli("tags").stdout.splitlines() == ["work  2", "exam  1"]


def test_the_streak_after_add(cli):
    add(cli, "A", "-d", "yesterday")
    assert "Recall streak: 2 mornings in a row." in add(cli, "B").stdout


def test_the_same_text_twice_on_one_day_is_a_warning(cli):
    add(cli, "Same dream")
    result = add(cli, "Same dream")
    assert "already added" in result.stderr and "Saved dream 2" in result.stdout


def test_the_delete_prompt_quotes_the_first_words(cli):
    add(cli)
    result = cli("delete", 1, input="n\n")
    assert "“I was chased through the station" in result.stderr


def test_feeling_names_map_to_their_family_or_are_warned_about(cli):
    result = add(cli, "A", "-e", "scared:3", "-e", "feer")
    assert "'scared' is counted as fear" in result.stderr
    assert "'feer' is not one of the feelings" in result.stderr and "did you mean fear?" in result.stderr
    assert {(e["emotion"], e["intensity"]) for e in show(cli)["emotions"]} == {("fear", 3), ("feer", None)}


@pytest.mark.slow
def test_how_much_is_no_feeling_of_its_own():
    # `-e "really scared"` was kept as the unknown feeling really_scared; "calm, kinda happy"
    # at the question stored kinda as a feeling; "fear:4, scared" lost the 4
    from dreamly.feeling_names import FEELINGS, feeling_family
    from dreamly.questions import parse_feelings

    assert feeling_family("really_scared")[0] == "fear"
    assert feeling_family("a_bit_nervous")[0] == "anxiety"
    assert feeling_family("very_wibbly")[0] == "very_wibbly"  # still kept as typed, with its warning
    assert parse_feelings("calm, kinda happy", FEELINGS)[0] == [("calm", None), ("joy", None)]
    assert parse_feelings("fear:4, really scared", FEELINGS)[0] == [("fear", 4)]


def test_an_argument_and_a_pipe_together_are_an_error(tmp_path):
    import os

    env = {**os.environ, "DREAMLY_DB": str(tmp_path / "j.db"), "DREAMLY_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "dreamly", "add", "one dream"], input="another dream\n", env=env,
                         capture_output=True, text=True)
    assert out.returncode == 1 and "both as an argument and on stdin" in out.stderr
    assert not (tmp_path / "j.db").exists() or "one dream" not in (tmp_path / "j.db").read_bytes().decode("latin-1")
    out = subprocess.run([sys.executable, "-m", "dreamly", "add", "one dream"], stdin=subprocess.DEVNULL, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0


# -- dates -----------------------------------------------------------------------------------

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize("text, expected", [
    ("last nite", TUESDAY), ("yday", date(2026, 11, 30)), ("Yest", date(2026, 11, 30)),  # as typed at 6 am
    ("sun nite", date(2026, 11, 30)),
    ("2 weeks ago", date(2026, 11, 17)),
    ("a week ago", date(2026, 11, 24)),
    ("one week ago", date(2026, 11, 24)),
    ("last week", date(2026, 11, 23)),  # its Monday
    ("the day before yesterday", date(2026, 11, 29)),
    ("day before yesterday", date(2026, 11, 29)),
    ("sunday night", date(2026, 11, 30)),  # = Monday morning
    ("monday night", TUESDAY),
    ("tuesday night", date(2026, 11, 25)),  # tonight's morning is not here yet
    ("Sat night", date(2026, 11, 29)),
    ("13/1", date(2026, 1, 13)),  # only one reading
    ("5/5", date(2026, 5, 5)),
])
def test_new_date_forms(text, expected):
    assert parse_day(text, today=TUESDAY) == expected


def test_last_week_as_a_since_window(cli):
    monday = date.today() - timedelta(days=date.today().weekday() + 7)
    add(cli, "Before", "-d", (monday - timedelta(days=1)).isoformat())
    add(cli, "In", "-d", monday.isoformat())
    assert [d["body"] for d in json.loads(cli("list", "--since", "last week", "--json").stdout)] == ["In"]


def test_numeric_dates_follow_the_order_given():
    assert parse_day("1/12", today=TUESDAY, order="day-month") == date(2026, 12, 1)
    assert parse_day("1/12", today=TUESDAY, order="month-day") == date(2026, 1, 12)
    with pytest.raises(DreamlyError, match="1 December .day-month. or 12 January .month-day."):
        parse_day("1/12", today=TUESDAY)


@given(today=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)), n=st.integers(0, 500))
def test_weeks_ago_is_seven_days_each(today, n):
    assert parse_day(f"{n} weeks ago", today=today) == today - timedelta(weeks=n)


@given(today=st.dates(min_value=date(1900, 1, 8), max_value=date(2200, 1, 1)),
       day=st.sampled_from(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")))
def test_a_night_is_the_most_recent_morning_after_it(today, day):
    morning = parse_day(f"{day} night", today=today)
    assert 0 <= (today - morning).days < 7
    assert (morning - timedelta(days=1)).strftime("%A").lower() == day


@given(text=st.text(max_size=30), today=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
def test_the_parser_only_ever_says_it_cannot_read_a_date(text, today):
    try:
        parse_day(text, today=today, order="day-month")
    except DreamlyError:
        pass


def test_a_dream_found_by_its_text_and_its_answers_comes_once_and_the_limit_holds(cli):
    add(cli, "A dentist chased me")
    cli("reflect", 1, "-q", "reminds", "the dentist")
    for n in range(3):
        add(cli, f"Another dream {n}")
        cli("reflect", n + 2, "-q", "reminds", "the dentist again")
    hits = json.loads(cli("search", "dentist", "--json").stdout)
    assert sorted(h["id"] for h in hits) == [1, 2, 3, 4]
    assert len(json.loads(cli("search", "dentist", "--json", "-n", "2").stdout)) == 2
    assert [h["id"] for h in json.loads(cli("search", "dentist", "--json", "-t", "none").stdout)] == []


def test_a_free_reflection_written_in_the_editor(cli, fake_editor):
    add(cli)
    fake_editor("Maybe the station is the new job.\n")
    result = cli("reflect", 1, "--free", "--editor")
    assert result.exit_code == 0, result.output
    assert [(r["question"], r["answer"]) for r in show(cli)["reflections"]] == [
        ("free", "Maybe the station is the new job.")]
    fake_editor("   \n")
    result = cli("reflect", 1, "--free", "--editor")
    assert result.exit_code == 1 and "empty; nothing was saved" in result.stderr


@pytest.mark.parametrize("words, counted", [
    ("my old boss", "pursuer_known_person"),
    ("a big black dog", "pursuer_animal"),
])
def test_a_pursuer_in_the_dreamers_own_words_is_counted_as_its_type(cli, words, counted):
    add(cli, "A man was chasing me through the station")
    assert cli("reflect", 1, "-q", "pursuer", words).exit_code == 0
    dream = show(cli)
    assert ("pursuer", words) in [(r["question"], r["answer"]) for r in dream["reflections"]]  # the words are kept
    review = json.loads(cli("patterns", "--json").stdout)
    assert [(p["id"], p["count"]) for p in review["pursuers"] if p["count"]] == [(counted, 1)]


def test_words_that_name_no_pursuer_decide_nothing(cli):
    add(cli, "A man was chasing me through the station")
    cli("reflect", 1, "-q", "pursuer", "no idea really")
    review = json.loads(cli("patterns", "--json").stdout)
    assert [(p["id"], p["count"]) for p in review["pursuers"] if p["count"]] == [("pursuer_stranger_or_monster", 1)]
