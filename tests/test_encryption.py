"""Encrypted journals (issue 16): SQLCipher through the `encrypt` extra, keys from a test
keyring (tests/helpers/dreamly_test_keyring.py, never the user's), DREAMLY_PASSPHRASE_COMMAND
or a real pseudo-terminal; encrypt/decrypt interrupted by kill -9; read-only journals."""

import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sqlcipher = pytest.importorskip("sqlcipher3.dbapi2")
pytest.importorskip("keyring")

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "tests" / "helpers"
PY = sys.executable
WORDS = ("marmalade", "zeppelin", "chapel")  # dream words that must never show in the files
DREAMS = ("I was chased through the flooded chapel and my legs felt like concrete",
          "Flying over marmalade rooftops with my sister",
          "A zeppelin landed in the school yard; I was late for the exam")
TEST_KEYRING = "dreamly_test_keyring.FileKeyring"


@pytest.fixture
def keyring_file(tmp_path, monkeypatch):
    """A working keyring (a JSON file) for this test and its subprocesses."""
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", TEST_KEYRING)
    monkeypatch.setenv("DREAMLY_TEST_KEYRING", str(path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(HELPERS), os.environ.get("PYTHONPATH")])))
    monkeypatch.syspath_prepend(str(HELPERS))
    _forget()
    return path


def _forget():
    core = sys.modules.get("keyring.core")
    if core is not None:
        core._keyring_backend = None
    keys = sys.modules.get("dreamly.keys")
    if keys is not None:
        keys._chosen = False


def stored_key(keyring_file: Path) -> str:
    return json.loads(keyring_file.read_text())["dreamly/journal key"]


def add(cli, *args, input=None):
    result = cli("add", *args, input=input)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def one_error_line(result, code=1):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def seed(cli, dreams=DREAMS):
    for number, text in enumerate(dreams):
        add(cli, text, "-t", "work", "-e", "fear:3", "-d", f"2026-11-{10 + number}")


def encrypted(cli, *args):
    seed(cli)
    result = cli("encrypt", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def is_sqlcipher(path: Path) -> bool:
    return path.read_bytes()[:16] != b"SQLite format 3\x00"


def raw_count(path: Path, word: str) -> int:
    """`grep -c WORD FILE`: lines of the raw file holding the word."""
    return path.read_bytes().count(word.encode())


def open_with(path: Path, key: str):
    conn = sqlcipher.connect(str(path))
    conn.execute(f"PRAGMA key = \"{key}\"" if key.startswith("x'") else f"PRAGMA key = '{key}'")
    return conn


def bodies(path: Path, key: str) -> list[str]:
    conn = open_with(path, key)
    try:
        return [row[0] for row in conn.execute("SELECT body FROM dreams ORDER BY id")]
    finally:
        conn.close()


# -- turning it on ---------------------------------------------------------------------------------


def test_encrypt_keeps_a_raw_key_in_the_keyring_and_every_dream(cli, db_path, keyring_file):
    result = encrypted(cli)
    assert "Encrypted" in result.stdout and "system keyring" in result.stdout
    assert "dreamly key show" in result.stderr
    key = stored_key(keyring_file)
    assert key.startswith("x'") and len(key) == 67  # 256 random bits, no passphrase KDF
    assert is_sqlcipher(db_path) and oct(db_path.stat().st_mode & 0o777) == "0o600"
    assert bodies(db_path, key) == list(DREAMS)
    with pytest.raises(sqlite3.DatabaseError):  # plain SQLite can't read it
        sqlite3.connect(db_path).execute("SELECT count(*) FROM dreams").fetchone()
    listed = cli("list", "--json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 3
    assert sorted(p.name for p in db_path.parent.iterdir() if "journal" in p.name) == ["journal.db"]


@pytest.mark.slow
def test_no_dream_word_in_the_journal_its_wal_or_a_backup(cli, db_path, keyring_file, tmp_path):
    from dreamly.store import NewDream, open_journal

    encrypted(cli)
    backup = cli("backup", tmp_path / "copy.db")
    assert backup.exit_code == 0, backup.stderr
    journal = open_journal(db_path)  # held open, so its -wal holds the new dream
    try:
        from datetime import date

        journal.add(NewDream(body="the marmalade zeppelin returned to the chapel", dreamt_on=date(2026, 11, 20)))
        wal = db_path.with_name("journal.db-wal")
        assert wal.stat().st_size > 0
        files = [db_path, wal, tmp_path / "copy.db"]
        grep = shutil.which("grep")
        for path in files:
            for word in WORDS:
                assert raw_count(path, word) == 0, (path, word)
                if grep:  # the issue's own check
                    assert subprocess.run([grep, "-c", word, path], capture_output=True, text=True).stdout.strip() == "0"
    finally:
        journal.close()
    assert bodies(tmp_path / "copy.db", stored_key(keyring_file)) == list(DREAMS)  # the backup: same key
    for word in WORDS:
        assert raw_count(db_path, word) == 0


def test_encrypt_removes_the_plaintext_copies_and_names_the_backups_it_leaves(cli, db_path, keyring_file):
    seed(cli)
    bak = db_path.with_name("journal.db.bak-1")
    shutil.copy(db_path, bak)  # as a schema upgrade leaves it
    mine = cli("backup")
    assert mine.exit_code == 0
    made = Path(mine.stdout.strip())
    result = cli("encrypt")
    assert result.exit_code == 0, result.stderr
    assert not bak.exists() and f"Removed the plaintext copy {bak}" in result.stderr
    assert made.exists() and f"Left alone: {made}" in result.stderr
    again = cli("encrypt")  # run twice: says so, changes nothing
    assert again.exit_code == 0 and "already encrypted" in again.stdout


def test_encrypt_with_a_passphrase_from_the_command(cli, db_path, monkeypatch):
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "printf 'correct horse battery\\nsecond line'")
    result = encrypted(cli)
    assert "your passphrase" in result.stdout
    # no keyring in the tests: say why it is a passphrase, not a key in the keyring
    assert "No working system keyring here, so the journal is encrypted with a passphrase" in result.stderr
    assert bodies(db_path, "correct horse battery") == list(DREAMS)
    assert cli("search", "marmalade").exit_code == 0


def test_passphrase_from_keyring_less_encrypt_without_a_terminal_is_one_line(cli, db_path):
    seed(cli)
    before = db_path.read_bytes()
    line = one_error_line(cli("encrypt"))  # no keyring, no command, and CliRunner is no terminal
    assert "DREAMLY_PASSPHRASE_COMMAND" in line
    assert db_path.read_bytes() == before


def test_decrypt_gives_back_the_plain_file(cli, db_path, keyring_file):
    encrypted(cli)
    result = cli("decrypt")
    assert result.exit_code == 0, result.stderr
    assert not is_sqlcipher(db_path)
    conn = sqlite3.connect(db_path)
    assert [r[0] for r in conn.execute("SELECT body FROM dreams ORDER BY id")] == list(DREAMS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert cli("list").exit_code == 0
    assert one_error_line(cli("decrypt")).endswith("is not encrypted")


def test_key_show_and_save_move_the_key_to_a_new_machine(cli, db_path, keyring_file, monkeypatch):
    encrypted(cli)
    shown = cli("key", "show")
    assert shown.exit_code == 0 and shown.stdout.strip() == stored_key(keyring_file)
    keyring_file.unlink()  # the new machine: same file, empty keyring
    _forget()
    assert "no key was found" in one_error_line(cli("list"))
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "printf '%s' \"" + shown.stdout.strip() + "\"")
    assert cli("list").exit_code == 0  # the printed key works wherever a passphrase does
    saved = cli("key", "save")
    assert saved.exit_code == 0, saved.stderr
    monkeypatch.delenv("DREAMLY_PASSPHRASE_COMMAND")
    assert cli("list").exit_code == 0 and stored_key(keyring_file) == shown.stdout.strip()
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "echo not-the-key")
    assert "does not open" in one_error_line(cli("key", "save"))


# -- failures: one line, exit 1, journal untouched -----------------------------------------------------


@pytest.mark.slow
def test_a_wrong_passphrase_is_one_line_and_touches_nothing(cli, db_path, monkeypatch):
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "echo right")
    encrypted(cli)
    before = db_path.read_bytes()
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "echo wrong")
    for command in (("list",), ("add", "a dream that must not land"), ("search", "chapel"), ("backup",)):
        line = one_error_line(cli(*command))
        assert "DREAMLY_PASSPHRASE_COMMAND does not open" in line and "wrong passphrase" in line
    # in a real process too: SQLCipher logs a failed key to file descriptor 2 unless told not to
    done = subprocess.run([PY, "-m", "dreamly", "list"], capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "wrong passphrase" in done.stderr, done.stderr
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir() if "journal" in p.name) == ["journal.db"]


def test_a_wrong_key_in_the_keyring_is_one_line(cli, db_path, keyring_file):
    encrypted(cli)
    keyring_file.write_text(json.dumps({"dreamly/journal key": "x'" + "00" * 32 + "'"}))
    _forget()
    assert "the key in the system keyring does not open" in one_error_line(cli("list"))


def test_an_encrypted_journal_without_the_extra_says_what_to_install(cli, db_path, keyring_file, monkeypatch):
    encrypted(cli)
    before = db_path.read_bytes()
    for name in [m for m in sys.modules if m.startswith("sqlcipher3")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # as if not installed
    monkeypatch.setattr("dreamly.store.crypto._quiet", False)
    for command in (("list",), ("add", "x"), ("show", "1"), ("check",)):
        line = one_error_line(cli(*command))
        assert line == "Error: this journal is encrypted: pip install 'dreamly[encrypt]'"
    assert db_path.read_bytes() == before


@pytest.mark.slow
def test_no_key_and_no_terminal_is_one_line(db_path, keyring_file, cli):
    encrypted(cli)
    keyring_file.unlink()
    # a new session: no controlling terminal to ask on
    done = subprocess.run([PY, "-m", "dreamly", "list"], capture_output=True, text=True, start_new_session=True,
                          stdin=subprocess.DEVNULL, env={**os.environ, "DREAMLY_DB": str(db_path)})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no key was found" in done.stderr and "no terminal" in done.stderr


@pytest.mark.slow
def test_the_passphrase_prompt_on_a_real_terminal_does_not_echo(cli, db_path, monkeypatch):
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "echo 'tty secret'")
    encrypted(cli)
    monkeypatch.delenv("DREAMLY_PASSPHRASE_COMMAND")

    def run(*passphrases):
        pid, fd = pty.fork()
        if pid == 0:  # the child: its own session, the pty as its terminal
            os.execve(PY, [PY, "-m", "dreamly", "list"], {**os.environ, "DREAMLY_DB": str(db_path)})
        seen, sent = b"", 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if seen.count(b"assphrase") > sent and sent < len(passphrases):
                os.write(fd, passphrases[sent].encode() + b"\n")
                sent += 1
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")

    code, screen = run("tty secret")
    assert code == 0, screen
    assert "Passphrase for the journal:" in screen and "Flying over" in screen
    assert "tty secret" not in screen  # typed without echo
    code, screen = run("nope", "still no", "wrong again")
    assert code == 1 and "Error: wrong passphrase" in screen and "Traceback" not in screen


# -- every command on an encrypted journal ---------------------------------------------------------------


COMMANDS = {
    "add": (["add", "a marmalade sea again", "-t", "home"], "Saved dream 4"),
    "list": (["list"], "Flying over"),
    "show": (["show", "2"], "marmalade rooftops"),
    "search": (["search", "zeppelin"], "zeppelin"),
    "edit": (["edit", "2"], "Updated dream 2"),  # in the (fake) $EDITOR
    "delete": (["delete", "3", "--yes"], "Deleted"),
    "patterns": (["patterns", "--since", "2026-11-01", "--until", "2026-11-30", "--json"], '"dreams"'),
    "patterns --html": (["patterns", "--since", "2026-11-01", "--until", "2026-11-30", "--html", "{tmp}/p.html"], ""),
    "picture": (["picture", "1", "-o", "{tmp}/d.svg"], ""),
    "export": (["export", "--format", "json"], "marmalade"),
    "import": (["import", "{tmp}/in.csv"], "Imported 1 dream"),
    "backup": (["backup", "{tmp}/b.db"], "b.db"),
    "check": (["check"], "Integrity: ok"),
    "check --repair": (["check", "--repair"], "Search index: ok"),
    "reanalyze": (["reanalyze"], ""),
    "interpret": (["interpret", "1", "-m", "echo"], "chapel"),
    "rehearse": (["rehearse", "1", "I turn and the water drains away"], ""),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_on_an_encrypted_journal(cli, db_path, keyring_file, tmp_path, fake_editor, name):
    encrypted(cli)
    args, expected = COMMANDS[name]
    if name == "edit":
        fake_editor("Flying over marmalade rooftops, then a soft landing")
    if name == "import":
        (tmp_path / "in.csv").write_text("date,text\n2026-11-01,an imported zeppelin dream\n")
    result = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert expected in result.stdout + result.stderr
    assert is_sqlcipher(db_path)
    for path in [db_path, *tmp_path.glob("*.db")]:
        for word in WORDS:
            assert raw_count(path, word) == 0, (name, path, word)
    if name == "backup":
        assert bodies(tmp_path / "b.db", stored_key(keyring_file)) == list(DREAMS)
    assert cli("check").exit_code == 0


def test_the_llm_plugin_on_an_encrypted_journal(cli, db_path, keyring_file):
    from click.testing import CliRunner
    from llm.cli import cli as llm_cli

    encrypted(cli)
    run = CliRunner()
    result = run.invoke(llm_cli, ["-f", "dream:last", "-m", "echo", "what might this mean?"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "zeppelin" in json.loads(result.stdout)["prompt"]
    listed = run.invoke(llm_cli, ["dream", "list"], catch_exceptions=False)
    assert listed.exit_code == 0 and "Flying over" in listed.stdout
    keyring_file.unlink()
    _forget()
    failed = run.invoke(llm_cli, ["-f", "dream:last", "-m", "echo", "hi"])
    assert failed.exit_code == 1 and "no key was found" in failed.output and "DREAMLY_PASSPHRASE_COMMAND" in failed.output


# -- two writers, and kill -9 during encrypt -------------------------------------------------------------


@pytest.mark.slow
def test_two_writers_on_an_encrypted_journal_keep_every_dream(cli, db_path, keyring_file):
    from helpers.add_loop import start_writers

    encrypted(cli)
    writers = start_writers(("left", "right"), 40, env={**os.environ, "DREAMLY_DB": str(db_path)})
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert out.strip().endswith("failures=0"), err[-2000:]
    tags = json.loads(cli("list", "--json", "-n", "1000").stdout)
    assert sum("left" in d["tags"] for d in tags) == 40 and sum("right" in d["tags"] for d in tags) == 40
    assert cli("check").exit_code == 0


def stop_at(what: str, stage: str, db_path: Path) -> None:
    """Run encrypt/decrypt until it announces `stage`, then kill -9 it there."""
    process = subprocess.Popen([PY, HELPERS / "encrypt_until.py", what, stage, db_path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(process.stderr.read())
        if line.strip() == stage:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return
    process.kill()
    raise AssertionError(f"{what} never reached {stage}")


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["locked", "exported", "verified", "swapped"])
def test_kill_9_during_encrypt_leaves_one_journal_that_opens_with_every_dream(cli, db_path, keyring_file, stage):
    seed(cli)
    bak = db_path.with_name("journal.db.bak-1")
    shutil.copy(db_path, bak)
    stop_at("encrypt", stage, db_path)
    listed = cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert sorted(d["body"] for d in json.loads(listed.stdout)) == sorted(DREAMS)
    assert is_sqlcipher(db_path) == (stage == "swapped")
    add(cli, "a dream after the crash")
    finish = cli("encrypt")  # run again: finishes the job (or just the clean-up)
    assert finish.exit_code == 0, finish.stderr
    assert is_sqlcipher(db_path) and not bak.exists()
    assert len(json.loads(cli("list", "--json").stdout)) == 4
    leftovers = [p.name for p in db_path.parent.iterdir() if "journal" in p.name and p.name != "journal.db"]
    assert leftovers == [], leftovers


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["exported", "swapped"])
def test_kill_9_during_decrypt_leaves_one_journal_that_opens(cli, db_path, keyring_file, stage):
    encrypted(cli)
    stop_at("decrypt", stage, db_path)
    listed = cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert sorted(d["body"] for d in json.loads(listed.stdout)) == sorted(DREAMS)
    assert is_sqlcipher(db_path) == (stage != "swapped")
    if stage == "exported":  # the half-done plain copy goes when decrypt (or encrypt) runs again
        assert db_path.with_name(".journal.db.decrypting").exists()
        assert cli("decrypt").exit_code == 0
    leftovers = [p.name for p in db_path.parent.iterdir() if "journal" in p.name and p.name != "journal.db"]
    assert leftovers == [], leftovers


@pytest.mark.slow
def test_a_writer_waiting_while_encrypt_swaps_is_refused_not_lost(cli, db_path, keyring_file):
    seed(cli)
    encrypt = subprocess.Popen([PY, HELPERS / "encrypt_until.py", "encrypt", "locked:resume", db_path],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert encrypt.stdout.readline().strip() == "locked"  # encrypt holds the write lock from here
    writer = subprocess.Popen([PY, HELPERS / "open_then_add.py", db_path, "the waiting writer's dream"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "DREAMLY_BUSY_TIMEOUT": "120"})
    assert writer.stdout.readline().strip() == "opened"  # connected to the old file
    encrypt.stdin.write("go\n")
    encrypt.stdin.flush()
    assert encrypt.wait(timeout=120) == 0
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 1, out
    assert "was replaced" in err and "nothing was saved" in err and err.count("\n") == 1
    assert "the waiting writer's dream" not in [d["body"] for d in json.loads(cli("list", "--json").stdout)]
    add(cli, "the waiting writer's dream, run again")  # and running it again works


@pytest.mark.slow
def test_an_encrypted_journal_in_a_read_only_folder_can_be_read(cli, tmp_path, keyring_file, monkeypatch):
    from test_read_only import run

    folder = tmp_path / "dreams"
    db = folder / "journal.db"
    monkeypatch.setenv("DREAMLY_DB", str(db))
    encrypted(cli)
    folder.chmod(0o500)
    try:
        searched = run(db, "search", "zeppelin")
        assert searched.returncode == 0 and "zeppelin" in searched.stdout, searched.stderr
        added = run(db, "add", "a marmalade dream")
        assert added.returncode == 1 and "read-only" in added.stderr
    finally:
        folder.chmod(0o700)
    assert len(bodies(db, stored_key(keyring_file))) == 3


@pytest.mark.slow
def test_encrypt_while_another_dreamly_has_the_journal_open_is_one_line(cli, db_path, keyring_file, monkeypatch):
    seed(cli)
    # another terminal with the journal open, idle (another process: within one process POSIX
    # locks don't see each other, and sqlcipher3 brings its own SQLite)
    holder = subprocess.Popen([PY, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                               "c.execute('SELECT count(*) FROM dreams').fetchone(); print('open', flush=True); "
                               "sys.stdin.read()", db_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    monkeypatch.setenv("DREAMLY_BUSY_TIMEOUT", "0.3")
    try:
        line = one_error_line(cli("encrypt"))
    finally:
        holder.communicate("")
    assert "another dreamly has" in line and "open" in line
    assert not is_sqlcipher(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM dreams").fetchone()[0] == 3
    conn.close()
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".journal")) == []


@pytest.mark.slow
def test_the_keyring_backend_that_held_the_key_is_loaded_directly_next_time(cli, db_path, keyring_file, tmp_path):
    encrypted(cli)
    note = tmp_path / "config" / "keyring-backend"
    note.parent.mkdir(exist_ok=True)
    note.write_text(TEST_KEYRING + "\n")  # as a run without PYTHON_KEYRING_BACKEND leaves it
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(DREAMLY_DB=str(db_path), XDG_CONFIG_HOME=str(tmp_path / "xdg"),  # no keyringrc.cfg there
               DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")  # and no desktop keyring to find
    done = subprocess.run([PY, "-m", "dreamly", "list"], capture_output=True, text=True, env=env,
                          start_new_session=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr  # no terminal: the key came from the remembered backend
    assert "Flying over" in done.stdout
    assert note.read_text().strip() == TEST_KEYRING


def test_key_save_never_replaces_another_key_in_the_keyring(cli, db_path, keyring_file, monkeypatch):
    encrypted(cli)
    held = stored_key(keyring_file)
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "echo other")
    other = db_path.with_name("other.db")
    assert "already holds another dreamly key" in one_error_line(cli("key", "save", "--db", other))
    assert stored_key(keyring_file) == held


def test_a_second_journal_is_encrypted_with_the_key_already_in_the_keyring(cli, db_path, keyring_file, tmp_path):
    encrypted(cli)
    held = stored_key(keyring_file)
    second = tmp_path / "second.db"
    add(cli, "a zeppelin in the second journal", "--db", second)
    assert cli("encrypt", "--db", second).exit_code == 0
    assert stored_key(keyring_file) == held and bodies(second, held) == ["a zeppelin in the second journal"]
    assert cli("list").exit_code == 0  # the first still opens


@pytest.mark.slow
@pytest.mark.parametrize("off", ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"])
def test_keyring_turned_off_is_not_imported_on_the_way_to_the_command(cli, db_path, monkeypatch, off):
    """PYTHON_KEYRING_BACKEND naming keyring's null or fail backend: no key can be there, so
    an encrypted `add` goes straight to DREAMLY_PASSPHRASE_COMMAND without importing keyring
    (nor subprocess: keys._run_shell starts the command)."""
    monkeypatch.setenv("DREAMLY_PASSPHRASE_COMMAND", "echo 'a passphrase of our own'")
    encrypted(cli, "--passphrase")
    probe = ("import sys; sys.argv = ['dreamly', 'add', 'a dream on an encrypted journal']\n"
             "from dreamly.start import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('keyring', 'subprocess', 'typer') if m in sys.modules), file=sys.stderr)")
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": off, "PYTHONIOENCODING": "utf-8"}  # UTF-8: the fast add
    warm = subprocess.run([PY, "-m", "dreamly", "add", "a warm-up: Typer writes the spec"], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, env=env)
    assert warm.returncode == 0, warm.stderr
    done = subprocess.run([PY, "-c", probe], capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    assert "Saved dream 5" in done.stdout, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", off)
    assert "a dream on an encrypted journal" in cli("list").stdout


@pytest.mark.parametrize("command", ["echo hi; echo err >&2; exit 3", "printf 'a\\nb'", "kill -TERM $$", "yes | head -c 5",
                                     "ls /proc/self/fd 2>/dev/null | sort | tr '\\n' ' '", "read line; echo got:$line",
                                     "echo $0", "exit 0"])
def test_the_passphrase_command_runs_as_subprocess_would_run_it(command):
    """keys._run_shell (posix_spawn, no subprocess import) gives what subprocess.run(shell=True,
    stdout=PIPE, stderr=DEVNULL) gives: the status (a signal as its negative), stdout, stdin
    inherited, no descriptor of ours left open in the command (an inheritable one included)."""
    from dreamly import keys

    leaked = os.open(os.devnull, os.O_RDONLY)
    os.set_inheritable(leaked, True)
    stdin = os.dup(0)
    try:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        done = subprocess.run(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert keys._run_shell(command) == (done.returncode, done.stdout)
    finally:
        os.dup2(stdin, 0)
        os.close(stdin)
        os.close(leaked)
