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


def _build_commands_once() -> None:
    """Typer's CliRunner builds the whole click command tree from the app's signatures on every
    `invoke` (~0.14 s for dreamly's twenty commands: most of an in-process test's time). A run
    builds it once, so the tests do too: the tree is kept per app, per set of registered
    commands and per state of the start-up shim, and reused; each invoke still gets a fresh
    click context, as each run of `dreamly` does."""
    import typer.testing

    build = typer.testing._get_command
    built: dict = {}

    def get_command(app):
        from dreamly import _typer_fast

        key = (id(app), tuple(map(id, app.registered_commands)), tuple(map(id, app.registered_groups)),
               _typer_fast.ACTIVE)
        if key not in built:
            built[key] = (app, build(app))  # the app is kept so its id is not reused
        return built[key][1]

    typer.testing._get_command = get_command


_build_commands_once()


def pytest_configure(config):
    """Hypothesis runs 30 examples a test in the fast loop (`-m "not slow"`) and its default
    100 in the full suite (what CI runs). A test that wants N examples in the full suite asks
    for `N * settings.default.max_examples // 100`, so the fast loop runs 30% of them.
    `--hypothesis-profile fast|full` chooses either profile whatever the markers."""
    from hypothesis import settings

    # no deadline: a test's speed is the machine's, and a busy machine made Hypothesis's 200 ms
    # deadline fail tests that were right ("Unreliable test timings")
    settings.register_profile("full", max_examples=100, deadline=None)
    settings.register_profile("fast", max_examples=30, deadline=None)
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("fast" if "not slow" in (config.getoption("markexpr") or "") else "full")
EDITOR_SCRIPT = ROOT / "tests" / "fake_editor.py"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test gets its own journal, config folder and llm folder; never the user's."""
    monkeypatch.setenv("DREAMLY_DB", str(tmp_path / "journal.db"))
    monkeypatch.setenv("DREAMLY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm"))
    monkeypatch.setenv("DREAMLY_CACHE_DIR", str(tmp_path / "cache"))  # the built matcher (analysis/cache.py)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("DREAMLY_DEBUG", raising=False)
    # never the user's real keychain: no keyring unless a test sets its own (tests/helpers)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("DREAMLY_PASSPHRASE_COMMAND", raising=False)
    _forget_keyring_backend()
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    return tmp_path


@pytest.fixture(scope="session")
def migrated_llm_logs(tmp_path_factory) -> Path:
    """An llm logs database with llm's migrations applied, made once per test run: applying
    them to a fresh database is most of the cost of a test that runs a model."""
    import sqlite_utils
    from llm.migrations import migrate

    path = tmp_path_factory.mktemp("llm-template") / "logs.db"
    db = sqlite_utils.Database(path)
    migrate(db)
    db.close()
    return path


@pytest.fixture
def llm_logs(request, isolated, migrated_llm_logs) -> Path | None:
    """This test's llm folder starts with a copy of the migrated logs database (what llm
    would have after its first run), unless the test asks for `no_llm_logs`."""
    import shutil

    if "no_llm_logs" in request.fixturenames:
        return None
    folder = isolated / "llm"
    folder.mkdir(exist_ok=True)
    return Path(shutil.copyfile(migrated_llm_logs, folder / "logs.db"))


@pytest.fixture
def no_llm_logs():
    """The test checks what happens to llm's folder itself: no logs database is put there."""


def _forget_keyring_backend() -> None:
    """keyring picks its backend once per process: make it look again at the environment."""
    core = sys.modules.get("keyring.core")
    if core is not None:
        core._keyring_backend = None
    keys = sys.modules.get("dreamly.keys")
    if keys is not None:
        keys._chosen = False


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
