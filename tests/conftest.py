import os
import sys
from pathlib import Path

import pytest

# llm reads LLM_LOAD_PLUGINS when it is imported: load only the plugins the tests mean to use.
os.environ.setdefault("LLM_LOAD_PLUGINS", "llm-echo,dreamly")

# Every process the suite starts inherits this mark, so tests/test_zz_no_process_left.py can
# find any that outlived its test (an orphaned worker is reparented away from pytest).
os.environ.setdefault("DREAMLY_TEST_SESSION", f"{os.getpid()}-{os.urandom(4).hex()}")

ROOT = Path(__file__).resolve().parents[1]
EDITOR_SCRIPT = ROOT / "tests" / "fake_editor.py"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test gets its own journal, config folder and llm folder; never the user's."""
    monkeypatch.setenv("DREAMLY_DB", str(tmp_path / "journal.db"))
    monkeypatch.setenv("DREAMLY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("DREAMLY_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    return tmp_path


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "journal.db"


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture
def cli(runner):
    """Run dreamly in-process: cli("add", "text", input=...)."""
    from dreamly.cli import app

    def invoke(*args, input=None, env=None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=env)

    return invoke


@pytest.fixture
def fake_editor(monkeypatch, tmp_path):
    """Point $EDITOR at a small script that writes the given text into the file it is given."""

    def use(text: str | None, exit_code: int = 0):
        payload = tmp_path / "editor-input.txt"
        payload.write_text(text if text is not None else "", encoding="utf-8")
        monkeypatch.setenv("FAKE_EDITOR_TEXT", str(payload))
        monkeypatch.setenv("FAKE_EDITOR_EXIT", str(exit_code))
        monkeypatch.setenv("FAKE_EDITOR_SEEN", str(tmp_path / "editor-saw.txt"))
        monkeypatch.setenv("EDITOR", f"{sys.executable} {EDITOR_SCRIPT}")
        return tmp_path / "editor-saw.txt"

    return use
