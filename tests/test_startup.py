"""The morning path stays light: what `dreamly add` must not import."""

import json
import subprocess
import sys

HEAVY = ("llm", "pydantic", "rich", "rich.markdown", "sqlite_utils", "dateutil", "platformdirs", "yaml",
         "dreamly.interpret", "dreamly.review", "dreamly.review.patterns", "dreamly.formats")

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
              "dreamly.files", "dreamly.review.words")

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
