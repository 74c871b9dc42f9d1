"""What a new user ran into on a first day with dreamly: each test is one of those moments."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

DREAM = "I was running for the train but my legs felt like concrete"


def add(cli, *args):
    result = cli("add", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def error_lines(result):
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def dream_ids(cli):
    return [d["id"] for d in json.loads(cli("list", "--json").stdout)]


def test_delete_with_no_answer_is_one_error_line_and_keeps_the_dream(cli):
    # `dreamly delete 1` in a script, or Ctrl-C at the prompt: click said only "Aborted!"
    add(cli, DREAM)
    result = cli("delete", "1", input="")
    assert result.exit_code == 1
    assert "Aborted" not in result.output + result.stderr
    assert error_lines(result) == ["Error: dream 1 was not deleted: no answer came (add --yes to delete without asking)"]
    assert dream_ids(cli) == [1]


def test_backup_usage_shows_its_optional_path_once(cli):
    result = cli("backup", "--help")
    assert "[[PATH]]" not in result.stdout
    assert "dreamly backup [OPTIONS] [PATH]" in result.stdout


def test_analyze_refuses_empty_text(cli):
    for args, stdin in ((("analyze", ""), None), (("analyze",), "  \n")):
        result = cli(*args, input=stdin)
        assert result.exit_code == 1
        assert error_lines(result) == ["Error: nothing to analyse: the text is empty"]


def test_rehearse_save_without_suggest_is_refused_and_saves_nothing(cli):
    add(cli, DREAM)
    result = cli("rehearse", "1", "My legs work and I catch the train", "--save")
    assert result.exit_code == 2  # options that conflict: a usage error
    assert len(error_lines(result)) == 1 and "--suggest" in result.stderr
    assert json.loads(cli("rehearse", "--tonight", "--json").stdout) == []


def test_dropping_a_feeling_the_dream_does_not_have_changes_nothing(cli):
    add(cli, DREAM, "-e", "frustration:3")
    before = json.loads(cli("show", "1", "--json").stdout)
    result = cli("edit", "1", "--drop-emotion", "joy")
    assert result.exit_code == 0
    assert "Updated" not in result.stdout
    assert "Nothing changed in dream 1." in result.stderr
    assert json.loads(cli("show", "1", "--json").stdout)["updated"] == before["updated"]


@pytest.mark.slow
def test_ctrl_c_while_the_editor_is_open_leaves_the_editor_to_finish(tmp_path):
    # A real Ctrl-C reaches dreamly and the editor together. dreamly used to kill the editor
    # (leaving the terminal in raw mode and the draft behind); now the editor decides.
    editor = tmp_path / "interrupted_editor.py"
    editor.write_text(textwrap.dedent("""
        import os, signal, sys, time
        os.kill(os.getppid(), signal.SIGINT)
        time.sleep(0.3)
        open(sys.argv[-1], "w", encoding="utf-8").write("Flying over the sea, undisturbed")
    """), encoding="utf-8")
    env = dict(os.environ, EDITOR=f"{sys.executable} {editor}")
    result = subprocess.run([sys.executable, "-m", "dreamly", "add", "--editor"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Saved dream 1" in result.stdout
    listed = subprocess.run([sys.executable, "-m", "dreamly", "list", "--json"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert [d["body"] for d in json.loads(listed.stdout)] == ["Flying over the sea, undisturbed"]


def test_backup_into_a_missing_folder_names_the_folder(cli, tmp_path):
    assert cli("add", "a dream to keep").exit_code == 0
    result = cli("backup", str(tmp_path / "nowhere" / "copy.db"))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(f"the folder {tmp_path / 'nowhere'} does not exist")


def test_escape_sequences_in_a_dream_never_reach_the_terminal(cli):
    hostile = "calm sea \x1b]0;pwned\x07 then \x1b[2J red \x9b31m end"
    assert cli("add", hostile, "--title", "t\x1b[5mitle").exit_code == 0
    for args in (["show", "1"], ["list"], ["search", "calm"]):
        result = cli(*args)
        assert result.exit_code == 0, args
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\x07" not in result.stdout, args
    stored = __import__("json").loads(cli("show", "1", "--json").stdout)
    assert stored["body"] == hostile  # kept as written; only the terminal view is made safe


def test_filtering_by_a_feeling_reads_it_as_add_stored_it(cli):
    # `add -e scared` stores fear (and says so), so `list -e scared` must find that dream;
    # a feeling of the dreamer's own is found as typed, and a typo gets a guess, not silence
    add(cli, "went to the shop", "-e", "scared", "-e", "wibbly")
    assert dream_ids_for(cli, "list", "-e", "scared") == [1]
    assert dream_ids_for(cli, "list", "-e", "Fear") == [1]
    assert dream_ids_for(cli, "list", "-e", "wibbly") == [1]
    assert dream_ids_for(cli, "search", "shop", "-e", "scared") == [1]
    typo = cli("list", "-e", "feer")
    assert typo.exit_code == 2
    assert error_lines(typo) == ["Error: no dream has the feeling 'feer' (did you mean fear?); dreamly counts "
                                 "fear, anxiety, frustration, helplessness, shame, guilt, anger, sadness, joy, "
                                 "confusion, relief, surprise, calm"]
    assert cli("search", "shop", "-e", "feer").exit_code == 2
    # the dreamer's own feeling outside the window is no typo: just nothing matched
    later = cli("list", "-e", "wibbly", "--since", "2999-01-01")
    assert later.exit_code == 0 and "No dreams match." in later.stdout + later.stderr


def dream_ids_for(cli, *args):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output + result.stderr
    return [d["id"] for d in json.loads(result.stdout)]


def test_path_tells_scripts_where_the_journal_is(cli, db_path):
    result = cli("path", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"journal": str(db_path), "exists": False}
    add(cli, DREAM)
    assert json.loads(cli("path", "--json").stdout)["exists"] is True
    assert cli("path").stdout.strip() == str(db_path)


def test_edit_reads_new_text_from_a_pipe_as_add_does(cli, tmp_path):
    # `... | dreamly edit 1` used to open vi with no terminal to type in
    add(cli, DREAM)
    env = dict(os.environ, EDITOR="false", VISUAL="false")
    piped = subprocess.run([sys.executable, "-m", "dreamly", "edit", "1"], input="I was falling off a cliff\n",
                           capture_output=True, text=True, env=env, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert "Falling" in piped.stdout
    assert cli("show", "1", "--json").stdout.count("falling off a cliff") == 1
    empty = subprocess.run([sys.executable, "-m", "dreamly", "edit", "1"], input="", capture_output=True, text=True,
                           env=env, timeout=60)
    assert empty.returncode == 1
    assert empty.stderr.startswith("Error: no new text came on stdin; the dream was not changed")
    assert json.loads(cli("show", "1", "--json").stdout)["body"] == "I was falling off a cliff"


def test_a_mistyped_journal_path_creates_nothing_and_says_where_it_looked(cli, tmp_path):
    typo = tmp_path / "typo" / "journal.db"
    for command in (["list"], ["list", "--json"], ["search", "train"], ["tags"], ["signs"], ["tonight"], ["patterns"]):
        result = cli(*command, "--db", typo)
        assert result.exit_code == 0, (command, result.stderr)
        assert f"No journal at {typo} yet; `dreamly add` starts one there." in result.stderr, command
    assert cli("list", "--json", "--db", typo).stdout.strip() == "[]"
    assert cli("show", "1", "--db", typo).exit_code == 1
    assert not (tmp_path / "typo").exists()
    saved = cli("add", "a dream", "--db", typo)
    assert saved.exit_code == 0 and f"Started a new journal at {typo}." in saved.stderr
    assert "Started a new journal" not in cli("add", "another", "--db", typo).stderr


def test_edit_with_stdin_from_dev_null_changes_nothing_and_opens_no_editor(cli):
    add(cli, DREAM)
    env = dict(os.environ, EDITOR="false", VISUAL="false")
    result = subprocess.run([sys.executable, "-m", "dreamly", "edit", "1"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no new text came on stdin; the dream was not changed")
    assert "editor" not in result.stderr.split(";")[0]
    assert json.loads(cli("show", "1", "--json").stdout)["body"] == DREAM


def test_the_config_hint_works_when_the_config_folder_does_not_exist_yet(cli, tmp_path, monkeypatch):
    folder = tmp_path / "fresh" / "dreamly"
    monkeypatch.setenv("DREAMLY_CONFIG_DIR", str(folder))
    hint = cli("config").stdout.strip().splitlines()[-1]
    assert hint.startswith("Write one, e.g.: ")
    subprocess.run(hint.removeprefix("Write one, e.g.: "), shell=True, check=True)
    assert (folder / "config.toml").read_text() == 'date_order = "day-month"\n'


@pytest.mark.parametrize("args, said", [
    (["list", "--bogus"], "Error: No such option: --bogus (see `dreamly list --help`)"),
    (["lst"], "Error: No such command 'lst'. Did you mean 'list'? (see `dreamly --help`)"),
    (["show", "abc"], "Error: Invalid value for 'ID': not a whole number (see `dreamly show --help`)"),
    (["show"], "Error: Missing argument 'ID'. (see `dreamly show --help`)"),
    (["list", "-e"], "Error: Option '-e' requires an argument. (see `dreamly list --help`)"),
    (["export", "--format", "pdf"],
     "Error: Invalid value for '--format' / '-f': 'pdf' is not one of 'markdown', 'json', 'csv'. "
     "(see `dreamly export --help`)"),
    (["add", "x", "--lucidity", "9"],
     "Error: Invalid value for '--lucidity': must be less than or equal to 5 (see `dreamly add --help`)"),
])
def test_a_usage_error_is_one_line_with_the_usage_code(cli, args, said):
    # click printed the usage, a hint and a blank line before the error, in a validation
    # library's words ("Input should be a valid integer, unable to parse string as an integer")
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [said]


def test_export_does_not_write_over_a_file_that_is_not_an_earlier_export(cli, tmp_path):
    # `dreamly export -o notes.md` replaced the user's own notes.md without a word
    add(cli, DREAM)
    notes = tmp_path / "notes.md"
    notes.write_text("my own notes\n")
    result = cli("export", "-o", str(notes))
    assert result.exit_code == 1
    assert error_lines(result) == [f"Error: {notes} already exists and is not a dreamly export; "
                                   "give another file name, or add --force to replace it"]
    assert notes.read_text() == "my own notes\n"
    assert cli("export", "-o", str(notes), "--force").exit_code == 0
    assert "legs felt like concrete" in notes.read_text()


@pytest.mark.parametrize("first, then", [("markdown", "markdown"), ("json", "json"), ("csv", "csv"),
                                         ("json", "markdown")])
def test_an_earlier_export_is_replaced_as_a_weekly_backup_expects(cli, tmp_path, first, then):
    add(cli, DREAM)
    out = tmp_path / "backup.txt"
    assert cli("export", "-f", first, "-o", str(out)).exit_code == 0
    add(cli, "a second dream about a lighthouse")
    result = cli("export", "-f", then, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "lighthouse" in out.read_text()
