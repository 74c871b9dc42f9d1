"""A journal on a read-only disk or in a read-only folder can be read (issue 16); writes
say why they can't. Real file modes: as root the test drops the capabilities that let root
ignore them (setpriv), so 0500 on the folder really refuses writes, as a read-only mount does."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PY = sys.executable


def without_root_powers() -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file modes can't be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def run(db: Path, *args, env=None):
    return subprocess.run([*without_root_powers(), PY, "-m", "dreamly", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, "DREAMLY_DB": str(db), **(env or {})})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only_journal(cli, tmp_path):
    folder = tmp_path / "dreams"
    db = folder / "journal.db"
    for text in ("I was chased down the corridor", "Flying over the harbour at dawn"):
        assert cli("add", text, "-t", "work", "--db", db).exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o777)
    folder.chmod(0o500)
    yield db, out
    folder.chmod(0o700)


READS = {
    "list": (["list"], "Flying over"),
    "show": (["show", "1"], "chased down the corridor"),
    "search": (["search", "harbour"], "harbour"),
    "patterns": (["patterns", "--json"], '"dreams"'),
    "export": (["export", "-f", "json", "-o", "{out}/dreams.json"], ""),
    "backup elsewhere": (["backup", "{out}/copy.db"], "copy.db"),
    "check": (["check"], "Integrity: ok"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(READS))
def test_a_journal_in_a_read_only_folder_can_be_read(read_only_journal, name):
    db, out = read_only_journal
    before = digest(db)
    args, expected = READS[name]
    result = run(db, *[a.replace("{out}", str(out)) for a in args])
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert digest(db) == before and sorted(p.name for p in db.parent.iterdir()) == ["journal.db"]
    if name == "export":
        assert len(json.loads((out / "dreams.json").read_text())["dreams"]) == 2
    if name == "backup elsewhere":
        conn = __import__("sqlite3").connect(out / "copy.db")
        assert conn.execute("SELECT count(*) FROM dreams").fetchone()[0] == 2
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("args", [["add", "a new dream"], ["delete", "1", "--yes"], ["edit", "1", "--title", "x"],
                                  ["backup"]], ids=["add", "delete", "edit", "backup beside it"])
def test_writes_in_a_read_only_folder_say_why_they_cant(read_only_journal, args):
    db, _ = read_only_journal
    before = digest(db)
    result = run(db, *args)
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "read-only" in lines[0] or "Permission denied" in lines[0], lines[0]
    assert digest(db) == before and sorted(p.name for p in db.parent.iterdir()) == ["journal.db"]


@pytest.mark.slow
def test_a_read_only_journal_file_can_be_read_and_says_why_it_cant_be_written(cli, tmp_path):
    db = tmp_path / "journal.db"
    assert cli("add", "a dream in a locked file", "--db", db).exit_code == 0
    db.chmod(0o400)
    try:
        listed = run(db, "list")
        assert listed.returncode == 0 and "a dream in a locked file" in listed.stdout, listed.stderr
        added = run(db, "add", "another")
        assert added.returncode == 1 and "is read-only: dreamly can read it but not change it" in added.stderr
    finally:
        db.chmod(0o600)


def test_the_open_mode_follows_the_folder(tmp_path, monkeypatch):
    """Without the capability trick: the URI chosen for a read-only folder is immutable only
    while no unfinished -wal sits beside the journal."""
    from dreamly.store.connect import read_only_uri

    db = tmp_path / "journal.db"
    db.write_bytes(b"")
    assert read_only_uri(db, "folder").endswith("?mode=ro&immutable=1")
    Path(f"{db}-wal").write_bytes(b"x" * 32)
    assert read_only_uri(db, "folder").endswith("?mode=ro")
    assert read_only_uri(db, "file").endswith("?mode=ro")
