"""The morning path stays light: what `dreamly add` must not import."""

import json
import subprocess
import sys

HEAVY = ("llm", "pydantic", "rich", "rich.markdown", "sqlite_utils", "dateutil", "platformdirs", "yaml",
         "dreamly.interpret", "dreamly.patterns", "dreamly.transfer")

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
