"""Issue 18: no lost edits, backups you can trust, analysis that is never silently stale,
a way out of a damaged journal, one escaping policy per output, no following planted links,
clear errors. docs/reliability.md maps each guarantee to its test here."""

import hashlib
import json
import multiprocessing
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "tests" / "helpers"
PY = sys.executable


def add(cli, *args, input=None):
    result = cli("add", *args, input=input)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def one_error_line(result, code=1):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "unexpected" not in result.stderr
    return lines[0]


def query(path: Path, sql: str, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- 1. lost updates -------------------------------------------------------------------------


def _edit_writer(db: str, writer: int, rounds: int, barrier, failures) -> None:
    """One of the concurrent editors: each round, wait for all writers, then one `dreamly edit`."""
    os.environ["DREAMLY_DB"] = db
    from dreamly.cli import main

    for number in range(rounds):
        barrier.wait()
        sys.argv = ["dreamly", "edit", "1", "-t", f"w{writer}-r{number}", "-e", f"feel_w{writer}_r{number}:3"]
        try:
            main()
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                failures.value += 1


@pytest.mark.slow
def test_four_writers_editing_one_dream_lose_no_tag_or_feeling(cli, db_path):
    add(cli, "the corridor again, legs like lead", "-t", "start")
    writers, rounds = 4, 25
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers)
    failures = context.Value("i", 0)
    processes = [context.Process(target=_edit_writer, args=(str(db_path), n, rounds, barrier, failures))
                 for n in range(writers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(300)
        assert process.exitcode == 0
    assert failures.value == 0
    dream = json.loads(cli("show", "1", "--json").stdout)
    want_tags = {"start"} | {f"w{w}-r{r}" for w in range(writers) for r in range(rounds)}
    assert set(dream["tags"]) == want_tags, f"lost {len(want_tags - set(dream['tags']))} tags"
    mine = {e["emotion"] for e in dream["emotions"] if e["origin"] == "user"}
    assert mine == {f"feel_w{w}_r{r}" for w in range(writers) for r in range(rounds)}


def test_an_editor_save_over_a_change_made_meanwhile_is_refused_and_the_draft_named(cli, db_path, monkeypatch,
                                                                                  tmp_path):
    add(cli, "the first version of the dream")
    # the "editor" is a script that, while it is open, lets another terminal change the dream
    script = tmp_path / "editor.py"
    script.write_text(
        "import os, sys, subprocess\n"
        "subprocess.run([sys.executable, '-m', 'dreamly', 'edit', '1', '--text', 'changed in another terminal'],"
        " check=True)\n"
        "open(sys.argv[-1], 'w').write('what I typed in the editor')\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{PY} {script}")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    result = cli("edit", "1")
    line = one_error_line(result)
    assert "changed elsewhere" in line
    kept = Path(line.split("your text is kept in ")[1])
    assert kept.read_text(encoding="utf-8") == "what I typed in the editor"
    assert json.loads(cli("show", "1", "--json").stdout)["body"] == "changed in another terminal"


def test_a_failed_editor_save_names_the_draft(cli, db_path, monkeypatch, fake_editor, tmp_path):
    add(cli, "a dream to edit")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    fake_editor("a new text\x00with a NUL in it")
    line = one_error_line(cli("edit", "1"))
    kept = Path(line.split("your text is kept in ")[1])
    assert "with a NUL" in kept.read_text(encoding="utf-8")
    fake_editor("typed while the journal was busy")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        line = one_error_line(cli("add", "-E", env={"DREAMLY_BUSY_TIMEOUT": "0"}))
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert "busy" in line
    kept = Path(line.split("your text is kept in ")[1])
    assert kept.read_text(encoding="utf-8") == "typed while the journal was busy"


# -- 6. analysis state (issue item "analysis that is silently stale") -----------------------------


def _die_in_analysis(db_path, *args):
    env = {**os.environ, "DREAMLY_DB": str(db_path)}
    return subprocess.run([PY, HELPERS / "die_in_analysis.py", *args], env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_a_kill_while_writing_the_analysis_leaves_no_dream_without_it(cli, db_path):
    add(cli, "I was chased through the station, legs like concrete")
    before = json.loads(cli("show", "1", "--json").stdout)
    killed = _die_in_analysis(db_path, "add", "I was falling from a tower")
    assert killed.returncode == -9 and "writing the analysis" in killed.stdout
    killed = _die_in_analysis(db_path, "edit", "1", "--text", "I was flying over the sea")
    assert killed.returncode == -9 and "writing the analysis" in killed.stdout
    # text and analysis are one transaction: the kill took both, and check has nothing to report
    dreams = json.loads(cli("list", "--json").stdout)
    assert [d["id"] for d in dreams] == [1]
    after = json.loads(cli("show", "1", "--json").stdout)
    assert (after["body"], after["motifs"]) == (before["body"], before["motifs"])
    assert cli("check").exit_code == 0


def test_check_reports_dreams_without_analysis_and_reanalyze_finishes_them(cli, db_path):
    add(cli, "I was chased through the station, legs like concrete")
    add(cli, "I was falling")
    conn = sqlite3.connect(db_path)  # as a kill or a failed analysis before issue 18 left them
    with conn:
        conn.execute("DELETE FROM dream_analysis WHERE dream_id = 1")
        conn.execute("UPDATE dreams SET body = 'I was flying over the sea' WHERE id = 2")
    conn.close()
    result = cli("check")
    assert result.exit_code == 1
    assert "1 dream has no analysis" in result.stdout
    assert "1 dream has an analysis older than the text" in result.stdout
    assert "reanalyze" in result.stderr
    assert json.loads(cli("check", "--json").stdout)["ok"] is False
    assert cli("reanalyze").exit_code == 0
    assert cli("check").exit_code == 0
    assert "flying" in [m["motif"] for m in json.loads(cli("show", "2", "--json").stdout)["motifs"]]


def test_a_huge_dream_is_saved_at_once_with_its_analysis_deferred(cli, db_path):
    body = "I was chased down the corridor and my legs were heavy. " * 4000  # 220 KB
    result = cli("add", input=body)
    assert result.exit_code == 0, result.stderr
    assert "Saved dream 1" in result.stdout
    assert "analysed later" in result.stderr and "reanalyze" in result.stderr
    assert json.loads(cli("show", "1", "--json").stdout)["motifs"] == []
    assert cli("check").exit_code == 1
    assert cli("reanalyze").exit_code == 0
    assert json.loads(cli("show", "1", "--json").stdout)["motifs"]
    assert cli("check").exit_code == 0


def test_an_old_journal_gets_its_analysis_records_and_loses_nothing(cli, db_path):
    from tests.test_reliability import v1_journal

    v1_journal(db_path)
    assert cli("check").exit_code == 0  # dreams of a v1 journal count as analysed by their matcher
    rows = query(db_path, "SELECT dream_id, matcher_version FROM dream_analysis ORDER BY dream_id")
    assert [r[0] for r in rows] == [1, 2, 3]



def test_an_edit_racing_a_reanalyze_leaves_the_analysis_marked_stale(cli, db_path):
    """reanalyze read the old text; an edit changed it before reanalyze wrote: the analysis
    it writes records the text it analysed, so check sees it is older than the text."""
    from dreamly.analysis import MATCHER_VERSION, analyze
    from dreamly.store import open_journal

    add(cli, "I was chased through the station")
    old = analyze("I was chased through the station")
    assert cli("edit", "1", "--text", "I was flying over the sea").exit_code == 0
    with open_journal(db_path) as journal:
        journal.save_analyses([(1, old.motifs, old.emotion_ids(), "I was chased through the station")],
                              MATCHER_VERSION)
    result = cli("check")
    assert result.exit_code == 1 and "older than the text" in result.stdout
    assert cli("check", "--repair").exit_code == 0
    assert "flying" in [m["motif"] for m in json.loads(cli("show", "1", "--json").stdout)["motifs"]]


def test_a_previous_schema_journal_migrates_to_the_analysis_table_with_every_row(cli, db_path):
    from dreamly.store import schema

    add(cli, "I was chased through the station", "-t", "work")
    add(cli, "I was falling", "-e", "fear:3")
    conn = sqlite3.connect(db_path)
    with conn:  # back to schema 3, as the journal was before migration 4
        conn.execute("DROP TABLE dream_analysis")
        conn.execute("PRAGMA user_version = 3")
    counts = {t: query(db_path, f"SELECT count(*) FROM {t}")[0][0]
              for t in ("dreams", "dream_tags", "dream_emotions", "dream_motifs")}
    conn.close()
    assert cli("check").exit_code == 0
    assert query(db_path, "PRAGMA user_version")[0][0] == schema.SCHEMA_VERSION
    assert {t: query(db_path, f"SELECT count(*) FROM {t}")[0][0] for t in counts} == counts
    assert [r[0] for r in query(db_path, "SELECT dream_id FROM dream_analysis ORDER BY 1")] == [1, 2]
