"""The journal: add, list, show, edit, delete, search, path — as a user meets them."""

import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

DREAM = "I was on a train that never arrived and my legs felt like concrete"


def add(cli, *args, input=None):
    result = cli("add", *args, input=input)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def all_dreams(cli):
    result = cli("list", "--json", "--limit", "1000")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_add_from_argument_stores_one_dream_with_every_field(cli):
    result = add(cli, DREAM, "--title", "Train", "-e", "fear:4", "-e", "Confusion", "-t", "work", "-t", "Big Exam",
                 "-c", "deadline on friday", "--lucid", "--nightmare", "--recurring", "--sleep", "2",
                 "-d", "2026-11-20")
    assert "Saved dream 1 for 2026-11-20" in result.stdout
    [dream] = all_dreams(cli)
    assert dream["body"] == DREAM
    assert dream["title"] == "Train"
    assert dream["dreamt_on"] == "2026-11-20"
    assert dream["tags"] == ["big exam", "work"]
    user = {e["emotion"]: e["intensity"] for e in dream["emotions"] if e["origin"] == "user"}
    assert user == {"fear": 4, "confusion": None}
    assert dream["context"] == "deadline on friday"
    assert (dream["lucid"], dream["nightmare"], dream["recurring"], dream["sleep_quality"]) == (True, True, True, 2)
    for key in ("id", "created", "updated", "source", "content_hash", "motifs"):
        assert key in dream


def test_piped_stdin_stores_exactly_one_dream(cli):
    add(cli, input="A dream typed into a pipe\n")
    [dream] = all_dreams(cli)
    assert dream["body"] == "A dream typed into a pipe"


def test_invalid_utf8_on_stdin_is_replaced_not_fatal(cli):
    add(cli, input=b"caf\xe9 by the sea")
    [dream] = all_dreams(cli)
    assert dream["body"] == "caf\ufffd by the sea"


def test_editor_round_trip_stores_exactly_one_dream(cli, fake_editor):
    fake_editor("Written in my editor.\nSecond line.\n")
    add(cli, "--editor")
    [dream] = all_dreams(cli)
    assert dream["body"] == "Written in my editor.\nSecond line."


def test_empty_editor_result_saves_nothing_and_says_so(cli, fake_editor):
    fake_editor("   \n")
    result = cli("add", "--editor")
    assert result.exit_code == 1
    assert "empty" in result.stderr
    assert all_dreams(cli) == []


def test_failing_editor_keeps_the_draft_and_saves_nothing(cli, fake_editor):
    fake_editor("half a dream", exit_code=3)
    result = cli("add", "--editor")
    assert result.exit_code == 1
    assert "status 3" in result.stderr and "kept in" in result.stderr
    kept = result.stderr.split("kept in ")[1].strip()
    assert open(kept, encoding="utf-8").read() == "half a dream"
    os.unlink(kept)
    assert all_dreams(cli) == []


def test_failing_editor_with_nothing_typed_leaves_no_draft_behind(cli, fake_editor, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "drafts"))
    (tmp_path / "drafts").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # pick up TMPDIR
    fake_editor("", exit_code=1)
    result = cli("add", "--editor")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the editor exited with status 1; nothing was saved"
    assert list((tmp_path / "drafts").iterdir()) == []


def test_show_json_returns_every_field(cli):
    add(cli, DREAM, "-t", "work")
    result = cli("show", "1", "--json")
    assert result.exit_code == 0
    dream = json.loads(result.stdout)
    assert dream["body"] == DREAM and dream["tags"] == ["work"]
    assert dream["interpretations"] == [] and dream["rehearsals"] == []


def test_show_prints_the_dream(cli):
    add(cli, DREAM, "--title", "Train", "-c", "moving house")
    result = cli("show", "1")
    assert result.exit_code == 0
    assert "Train" in result.stdout and "legs felt like concrete" in result.stdout
    assert "moving house" in result.stdout


def test_list_is_newest_first_and_filters(cli):
    add(cli, "old dream", "-d", "2026-11-01", "-t", "work")
    add(cli, "new dream", "-d", "2026-11-20")
    add(cli, "middle dream", "-d", "2026-11-10", "-e", "joy")
    assert [d["body"] for d in all_dreams(cli)] == ["new dream", "middle dream", "old dream"]
    tagged = json.loads(cli("list", "--json", "--tag", "WORK").stdout)
    assert [d["body"] for d in tagged] == ["old dream"]
    window = json.loads(cli("list", "--json", "--since", "2026-11-05", "--until", "2026-11-15").stdout)
    assert [d["body"] for d in window] == ["middle dream"]
    assert [d["body"] for d in json.loads(cli("list", "--json", "-e", "joy").stdout)] == ["middle dream"]
    assert len(json.loads(cli("list", "--json", "--limit", "2").stdout)) == 2
    table = cli("list").stdout
    assert "new dream" in table and table.index("new dream") < table.index("old dream")


def test_list_on_empty_journal_says_how_to_start(cli):
    result = cli("list")
    assert result.exit_code == 0
    assert "dreamly add" in result.stderr


def test_search_ranks_and_highlights(cli):
    add(cli, "a train, a train, another train station")
    add(cli, "a quiet garden with one train far away")
    add(cli, "nothing relevant at all")
    hits = json.loads(cli("search", "train", "--json").stdout)
    assert [h["id"] for h in hits] == [1, 2]
    assert "[train]" in hits[0]["snippet"]
    assert "train" in cli("search", "train").stdout


@pytest.mark.parametrize("query, code", [('"', 1), ('train"', 0), ("*", 1), ("-train", 0), ("train OR", 0),
                                         ("NEAR(", 0), ("a AND", 0), ("(", 1), ("'", 1), ("train -", 0)])
def test_search_with_fts_syntax_does_not_crash(cli, query, code):
    # FTS syntax is read as plain words: a query with a word searches (exit 0), one with none
    # is one clear line (exit 1)
    add(cli, "a train station")
    result = cli("search", "--", query)
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: ")


def test_search_prefix(cli):
    add(cli, "running and running")
    assert len(json.loads(cli("search", "run*", "--json").stdout)) == 1


def test_edit_fields_and_updated_stamp(cli):
    add(cli, DREAM, "-t", "work", "-e", "fear")
    before = json.loads(cli("show", "1", "--json").stdout)
    result = cli("edit", "1", "--title", "New title", "-t", "exam", "--untag", "work", "-e", "joy:5",
                 "--drop-emotion", "fear", "--nightmare", "--sleep", "4")
    assert result.exit_code == 0, result.stderr
    after = json.loads(cli("show", "1", "--json").stdout)
    assert after["title"] == "New title" and after["tags"] == ["exam"] and after["nightmare"] is True
    assert [(e["emotion"], e["intensity"]) for e in after["emotions"] if e["origin"] == "user"] == [("joy", 5)]
    assert after["sleep_quality"] == 4 and after["body"] == before["body"]
    assert after["updated"] >= before["updated"]


def test_edit_opens_editor_on_the_body(cli, fake_editor):
    add(cli, "first version")
    seen = fake_editor("second version")
    assert cli("edit", "1").exit_code == 0
    assert seen.read_text(encoding="utf-8") == "first version"
    assert json.loads(cli("show", "1", "--json").stdout)["body"] == "second version"
    assert json.loads(cli("search", "second", "--json").stdout)[0]["id"] == 1  # FTS kept in step
    assert json.loads(cli("search", "first", "--json").stdout) == []


def test_delete_asks_and_yes_skips(cli):
    add(cli, "to be kept")
    result = cli("delete", "1", input="n\n")
    assert result.exit_code == 1
    assert len(all_dreams(cli)) == 1
    assert cli("delete", "1", input="y\n").exit_code == 0
    assert all_dreams(cli) == []
    add(cli, "another")
    assert cli("delete", "2", "--yes").exit_code == 0
    assert json.loads(cli("search", "another", "--json").stdout) == []


def test_deleting_what_does_not_exist_is_an_error(cli):
    add(cli, "one")
    result = cli("delete", "42", "--yes")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no dream with id 42"


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["add", "x", "--date", "someday"], 2, "someday"),
        (["add", "x", "--sleep", "9"], 2, "--sleep"),
        (["add", "x", "-e", "fear:7"], 2, "1 to 5"),
        (["add", "x", "-d", "2999-01-01"], 2, "future"),
        (["show", "999"], 1, "no dream with id 999"),
        (["show", "abc"], 2, "ID"),
        (["list", "--since", "2026-11-10", "--until", "2026-11-01"], 2, "after"),
    ],
)
def test_bad_input_is_one_clear_line_and_leaves_journal_unchanged(cli, args, code, words):
    add(cli, "the dream that must survive")
    result = cli(*args)
    assert result.exit_code == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
    assert [d["body"] for d in all_dreams(cli)] == ["the dream that must survive"]


def test_empty_dream_is_refused(cli):
    result = cli("add", input="   \n")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the dream is empty; nothing was saved"


def test_journal_in_a_folder_that_cannot_be_created(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("add", "x", "--db", blocker / "sub" / "journal.db")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: can't create the journal folder")


def test_a_file_that_is_not_sqlite(cli, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just some notes, not a database" * 100)
    result = cli("add", "x", "--db", bogus)
    assert result.exit_code == 1
    assert "not a readable dreamly journal" in result.stderr
    assert bogus.read_text() == "just some notes, not a database" * 100


def test_an_sqlite_file_of_another_program_is_refused(cli, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    result = cli("list", "--db", other)
    assert result.exit_code == 1
    assert "not a dreamly journal" in result.stderr


def test_journal_file_and_folder_are_private(cli, tmp_path):
    target = tmp_path / "private" / "journal.db"
    add(cli, "secret", "--db", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_db_option_and_env_var_choose_the_journal(cli, tmp_path, db_path):
    other = tmp_path / "other.db"
    add(cli, "in the other journal", "--db", other)
    assert cli("path").stdout.strip() == str(db_path)
    assert cli("path", "--db", other).stdout.strip() == str(other)
    assert all_dreams(cli) == []
    assert len(json.loads(cli("list", "--json", "--db", other).stdout)) == 1


def test_journal_is_plain_sqlite_with_wal_and_schema_version(cli, db_path):
    add(cli, "x")
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    assert {"dreams", "dream_tags", "dream_emotions", "dream_motifs", "interpretations", "rehearsals",
            "dreams_fts"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_unexpected_errors_are_one_line_unless_debugging(cli, monkeypatch):
    from dreamly import store

    def boom(*a, **k):
        raise ValueError("secret dream text")

    monkeypatch.setattr(store.Journal, "list", boom)
    result = cli("list")
    assert result.exit_code == 1
    assert "DREAMLY_DEBUG=1" in result.stderr and "secret dream text" not in result.stderr
    monkeypatch.setenv("DREAMLY_DEBUG", "1")
    result = cli("list")
    assert isinstance(result.exception, ValueError)


@pytest.mark.slow
def test_python_dash_m_dreamly_help():
    out = subprocess.run([sys.executable, "-m", "dreamly", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for name in ("add", "list", "show", "search", "edit", "delete", "path"):
        assert name in out.stdout


def test_every_command_has_help_with_an_example(cli):
    from typer.main import get_command

    from dreamly.cli import app

    group = get_command(app)
    for name in group.list_commands(None):
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert "Example:" in result.stdout, f"{name} --help has no example"


@pytest.mark.slow
def test_cli_import_stays_light():
    code = "import dreamly.cli, sys; print(sorted(m for m in ('llm', 'rich', 'sqlite_utils', 'dateutil') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("args, message", [
    (["-e", "fear:3", "--drop-emotion", "fear"], "--emotion and --drop-emotion both name 'fear'"),
    (["-t", "work", "--untag", "Work"], "--tag and --untag both name 'work'"),
])
def test_edit_options_that_add_and_remove_the_same_thing_are_a_usage_error(cli, args, message):
    add(cli, "A dream at the office", "-e", "fear:4", "-t", "work")
    before = json.loads(cli("show", "1", "--json").stdout)
    result = cli("edit", "1", *args)
    assert result.exit_code == 2 and message in result.stderr
    after = json.loads(cli("show", "1", "--json").stdout)
    assert (after["tags"], after["emotions"]) == (before["tags"], before["emotions"])  # nothing lost


def test_show_keeps_a_long_meaning_indented_when_it_wraps(cli):
    add(cli, "A man was chasing me and my legs were heavy")
    out = cli("show", "1", env={"COLUMNS": "80"}).stdout.splitlines()
    motifs = out[out.index("Motifs:") + 1:]
    motifs = motifs[:motifs.index("")] if "" in motifs else motifs
    assert len(motifs) > 4  # labels and meanings, some of them wrapped
    assert all(line.startswith("  ") and line == line.rstrip() for line in motifs), motifs


def test_an_editor_that_fails_on_the_untouched_template_keeps_no_draft(cli, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = cli("add", "-E", env={"EDITOR": "false", "VISUAL": ""})
    assert result.exit_code == 1 and "nothing was saved" in result.stderr and "kept in" not in result.stderr
    assert not list(tmp_path.glob("dreamly-*"))


def _steps_to_read_recall_days(path, days_of_dreams):
    """SQLite VM steps to read every recall day of a journal with `days_of_dreams` dreams on
    each of three days: the work of the streak, counted, not timed."""
    from datetime import date as day_type

    from dreamly.store import Journal

    with Journal.open(path) as journal:
        with journal.transaction():
            journal.conn.executemany(
                "INSERT INTO dreams (dreamt_on, created, updated, title, body) VALUES (?, '', '', '', 'a dream')",
                [(f"2026-01-0{day}",) for day in (1, 2, 3) for _ in range(days_of_dreams)])
        steps = [0]

        def count():
            steps[0] += 1

        journal.conn.set_progress_handler(count, 1)
        days = list(journal.recall_days(day_type(2026, 1, 3)))
        journal.conn.set_progress_handler(None, 1)
    assert [d.isoformat() for d in days] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    return steps[0]


def test_the_recall_streak_reads_days_not_every_dream_of_them(tmp_path):
    # `add` says how many mornings in a row have a dream: a million-dream journal made that
    # read every dream of the streak (60 ms more per add than at 100,000)
    few = _steps_to_read_recall_days(tmp_path / "few.db", 1)
    many = _steps_to_read_recall_days(tmp_path / "many.db", 3000)
    assert many < few * 2, (few, many)


def _filter_journal(path):
    """300 dreams over 300 days: 'common' on every other dream, 'rare' on two, fear on every third."""
    from dreamly.store import Journal

    journal = Journal.open(path)
    with journal.transaction():
        journal.conn.executemany(
            "INSERT INTO dreams (id, dreamt_on, created, updated, title, body) VALUES (?, date('2025-01-01', ?), '', '', '', 'a dream')",
            [(i, f"+{i % 300} days") for i in range(1, 301)])
        journal.conn.executemany("INSERT INTO dream_tags VALUES (?, 'common')", [(i,) for i in range(2, 301, 2)])
        journal.conn.executemany("INSERT INTO dream_tags VALUES (?, 'rare')", [(7,), (200,)])
        journal.conn.executemany("INSERT INTO dream_emotions VALUES (?, 'fear', NULL, 'user')",
                                 [(i,) for i in range(3, 301, 3)])
    return journal


@pytest.mark.parametrize("rare_filter", [0, 1, 2000])
def test_filters_give_the_same_dreams_whichever_list_drives_the_query(tmp_path, monkeypatch, rare_filter):
    from dreamly.store import Filters, journal as journal_module

    monkeypatch.setattr(journal_module, "RARE_FILTER", rare_filter)
    journal = _filter_journal(tmp_path / "j.db")
    tags = {i: {"common"} if i % 2 == 0 else set() for i in range(1, 301)}
    tags[7].add("rare"), tags[200].add("rare")
    newest_first = sorted(range(1, 301), key=lambda i: (i % 300, i), reverse=True)
    cases = [((("common",), ()), lambda i: "common" in tags[i]),
             ((("rare",), ()), lambda i: "rare" in tags[i]),
             ((("common", "rare"), ()), lambda i: {"common", "rare"} <= tags[i]),
             ((("common",), ("fear",)), lambda i: "common" in tags[i] and i % 3 == 0),
             ((("nowhere",), ("fear",)), lambda i: False),
             (((), ("fear",)), lambda i: i % 3 == 0)]
    with journal:
        for (tag_filter, emotion_filter), wanted in cases:
            for limit in (None, 5):
                filters = Filters(tags=tag_filter, emotions=emotion_filter, limit=limit)
                expected = [i for i in newest_first if wanted(i)][:limit]
                assert [d["id"] for d in journal.list(filters)] == expected, (tag_filter, emotion_filter, limit)
                assert journal.count_matching(filters) == len(expected)


def test_a_rare_tag_is_found_without_walking_every_dream(tmp_path):
    # `list --tag rare` walked the whole day index, checking each dream: 200 ms at a million
    # dreams for a tag on three of them. Counted in SQLite steps, not timed.
    from dreamly.store import Filters

    journal = _filter_journal(tmp_path / "j.db")
    steps = [0]

    def count():
        steps[0] += 1

    with journal:
        journal.conn.set_progress_handler(count, 1)
        assert [d["id"] for d in journal.list(Filters(tags=("rare",), limit=20))] == [200, 7]
        rare = steps[0]
        steps[0] = 0
        assert journal.list(Filters(tags=("no such tag",), limit=20)) == []
        missing = steps[0]
        journal.conn.set_progress_handler(None, 1)
    assert rare < 300 * 5 and missing < 300, (rare, missing)
