"""The morning path stays light: what `dreamly add` must not import."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # processes: each test runs dreamly in a fresh interpreter

HEAVY = ("llm", "pydantic", "rich", "rich.markdown", "sqlite_utils", "dateutil", "platformdirs", "yaml",
         "dreamly.interpret", "dreamly.review", "dreamly.review.patterns", "dreamly.formats",
         "sqlcipher3", "keyring", "dreamly.store.crypto", "dreamly.keys")

PROBE = """
import json, sys
sys.argv = ["dreamly"] + json.loads(sys.argv[1])
from dreamly.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in %r if m in sys.modules)), file=sys.stderr)
"""


def imported_by(args, env_db):
    code = PROBE % (list(HEAVY),)
    out = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True,
                         env={"DREAMLY_DB": str(env_db), "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
                              "DREAMLY_CONFIG_DIR": str(env_db.parent / "config")})
    assert "Traceback" not in out.stderr, out.stderr
    return json.loads(out.stderr.strip().splitlines()[-1]), out


def test_add_imports_nothing_heavy(tmp_path):
    loaded, out = imported_by(["add", "I was chased and my legs felt like concrete", "-t", "work", "--sleep", "3"],
                              tmp_path / "j.db")
    assert "Saved dream 1" in out.stdout
    assert loaded == []


def test_help_imports_nothing_heavy(tmp_path):
    loaded, out = imported_by(["--help"], tmp_path / "j.db")
    assert "add" in out.stdout
    assert loaded == []


def test_list_does_not_import_llm_or_pydantic(tmp_path):
    loaded, _ = imported_by(["list", "-n", "5"], tmp_path / "j.db")
    assert "llm" not in loaded and "pydantic" not in loaded and "rich.markdown" not in loaded


# -- the add path loads only what it uses (issue 7) ------------------------------------------

NOT_ON_ADD = ("llm", "rich", "rich.markdown", "pydantic", "sqlite_utils", "yaml", "dateutil",
              "multiprocessing", "concurrent.futures",  # import's worker pool
              "dreamly.review", "dreamly.review.patterns", "dreamly.render", "dreamly.review.terminal", "dreamly.interpret",
              "dreamly.formats", "dreamly.demo", "dreamly.llm_plugin", "dreamly.picture", "dreamly.review.page",
              "dreamly.files", "dreamly.review.words", "sqlcipher3", "keyring", "dreamly.store.crypto", "dreamly.keys",
              # dream signs (issue 17): `add` leaves the finding to the commands that show them
              "dreamly.analysis.signs", "dreamly.sign_actions", "dreamly.review.signs", "dreamly.store.signs",
              "dreamly.review.sign_words", "dreamly.render_signs",
              # the questions after add load only when asked (in a terminal)
              "dreamly.questions", "readline", "tty")

ADD_PROBE = """
import json, sys
sys.argv = ["dreamly", "add", "I was chased and my legs felt like concrete", "-t", "work"]
from dreamly.cli import main
try:
    main()
except SystemExit:
    pass
from dreamly import analysis
matcher = next(iter(analysis._MATCHERS.values()))
used = len(matcher._patterns)
matcher.compile_all()
print(json.dumps({"loaded": sorted(m for m in %r if m in sys.modules), "compiled": used,
                  "rules": len(matcher._patterns)}), file=sys.stderr)
"""


def test_add_loads_no_optional_module_and_compiles_only_the_rules_it_needs(tmp_path):
    out = subprocess.run([sys.executable, "-c", ADD_PROBE % (list(NOT_ON_ADD),)], capture_output=True, text=True,
                         env={"DREAMLY_DB": str(tmp_path / "j.db"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
                              "DREAMLY_CONFIG_DIR": str(tmp_path / "config")})
    assert "Traceback" not in out.stderr, out.stderr
    assert "Saved dream 1" in out.stdout and "heavy_legs" in out.stdout
    probe = json.loads(out.stderr.strip().splitlines()[-1])
    assert probe["loaded"] == []
    # the matcher compiles a rule the first time a dream's words wake it: a morning's dream
    # pays for a handful of regexes, not the whole knowledge base
    assert 0 < probe["compiled"] < probe["rules"] / 4


# -- the plain install never loads the encryption extra (issue 16) ------------------------------------

EVERY_COMMAND_PROBE = """
import json, sys
from dreamly.cli import app
commands = json.loads(sys.argv[1])
codes = []
for args in commands:
    try:
        app(args=args, prog_name="dreamly")  # not main(): it keeps only the first command it runs
        codes.append(0)
    except SystemExit as exit_:
        codes.append(exit_.code or 0)
from click.testing import CliRunner
from llm.cli import cli as llm_cli
fragment = CliRunner().invoke(llm_cli, ["-f", "dream:last", "-m", "echo", "hi"])
codes.append(fragment.exit_code)
print(json.dumps({"codes": codes, "loaded": sorted(m for m in sys.modules
                  if m.split(".")[0] in ("sqlcipher3", "keyring", "secretstorage", "jeepney"))}), file=sys.stderr)
"""


def test_a_plain_journal_never_imports_sqlcipher3_or_keyring(tmp_path):
    db = tmp_path / "j.db"
    (tmp_path / "in.csv").write_text("date,text\n2026-11-01,an imported dream\n")
    commands = [["add", "I was chased and my legs felt like concrete", "-t", "work"], ["add", "flying"],
                ["list"], ["show", "1"], ["search", "chased"], ["edit", "2", "--title", "Up"], ["delete", "2", "--yes"],
                ["patterns", "--json"], ["patterns", "--html", str(tmp_path / "p.html")],
                ["picture", "1", "-o", str(tmp_path / "d.svg")], ["export", "-f", "json", "-o", str(tmp_path / "e.json")],
                ["import", str(tmp_path / "in.csv")], ["backup", str(tmp_path / "b.db")], ["check", "--repair"],
                ["reanalyze"], ["interpret", "1", "-m", "echo"], ["rehearse", "1", "a kinder ending"], ["--help"]]
    out = subprocess.run([sys.executable, "-c", EVERY_COMMAND_PROBE, json.dumps(commands)], capture_output=True,
                         text=True, env={"DREAMLY_DB": str(db), "PATH": "/usr/bin:/bin", "NO_COLOR": "1",
                                         "DREAMLY_CONFIG_DIR": str(tmp_path / "config"), "HOME": str(tmp_path),
                                         "LLM_USER_PATH": str(tmp_path / "llm"), "LLM_LOAD_PLUGINS": "llm-echo,dreamly"})
    assert "Traceback" not in out.stderr, out.stderr
    probe = json.loads(out.stderr.strip().splitlines()[-1])
    assert probe["codes"] == [0] * (len(commands) + 1), out.stderr
    assert probe["loaded"] == []


# -- the fast `add` (dreamly/start.py) loads none of what only its set-up used to (issue 19) ---------

NOT_ON_FAST_ADD = ("typer", "click", "dataclasses", "inspect", "typing", "json", "zlib", "ast", "dis", "tokenize")

FAST_PROBE = """
import sys
sys.argv = ["dreamly", "add", "I was chased and my legs felt like concrete", "-t", "work"]
from dreamly.start import main
try:
    main()
except SystemExit:
    pass
print("loaded", sorted(m for m in %r if m in sys.modules), file=sys.stderr)
"""


def test_the_fast_add_imports_no_dataclasses_typing_or_json(tmp_path):
    env = {"DREAMLY_DB": str(tmp_path / "j.db"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "LANG": "C.UTF-8",
           "PYTHONIOENCODING": "utf-8", "DREAMLY_CONFIG_DIR": str(tmp_path / "config"),
           "DREAMLY_CACHE_DIR": str(tmp_path / "cache")}
    warm = subprocess.run([sys.executable, "-m", "dreamly", "add", "a warm-up: writes the spec and the matcher cache"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert warm.returncode == 0, warm.stderr
    out = subprocess.run([sys.executable, "-c", FAST_PROBE % (NOT_ON_FAST_ADD,)], capture_output=True, text=True,
                         env=env, stdin=subprocess.DEVNULL)
    assert "Traceback" not in out.stderr, out.stderr
    assert "Saved dream 2" in out.stdout and "heavy_legs" in out.stdout
    assert out.stderr.strip().splitlines()[-1] == "loaded []"
