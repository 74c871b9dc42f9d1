"""Search results are drawn without rich (start-up budget): they must still show the hits and
never pass a dream's control characters to the terminal."""

import json


def test_search_shows_id_date_title_and_the_hit(cli):
    assert cli("add", "I waited at the train station all night", "--title", "Station", "-d", "2026-01-05").exit_code == 0
    result = cli("search", "train")
    assert result.exit_code == 0, result.stderr
    head, snippet = result.stdout.splitlines()[:2]
    assert head == "#1 2026-01-05  Station"
    assert "train station" in snippet and snippet.startswith("  ")


def test_search_output_carries_no_control_characters(cli):
    body = "a train \x1b]0;owned\x07 station \x08\x08 and \x9b31m more"
    assert cli("add", body).exit_code == 0
    result = cli("search", "train")
    assert result.exit_code == 0, result.stderr
    assert not any(ch in result.stdout for ch in "\x1b\x07\x08\x9b")
    assert "owned" in result.stdout  # the words stay; only the controls go
    assert json.loads(cli("search", "train", "--json").stdout)[0]["body"] == body  # stored as written


def test_search_without_hits_says_so_on_stderr(cli):
    cli("add", "a quiet garden")
    result = cli("search", "volcano")
    assert result.exit_code == 0
    assert result.stdout == "" and "No dreams match." in result.stderr
