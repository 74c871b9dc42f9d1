"""The docs say what the code does."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_command_reference_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "commands_doc.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_command_is_in_the_readme():
    from typer.main import get_command

    from dreamly.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in get_command(app).list_commands(None) if f"dreamly {name}" not in readme]
    assert missing == []


def _readme_commands(section: str) -> list[str]:
    """The `dreamly …` lines of the first sh block after a heading, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(section, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        line = line.split("  #", 1)[0].strip()
        if "dreamly " in line:
            lines.append(line[line.index("dreamly "):] if line.startswith("python3") else line)
    return lines


def test_the_tour_works_right_after_the_quick_start(cli):
    import json
    import shlex

    quick = _readme_commands("## Quick start")
    tour = _readme_commands("## A short tour")
    assert quick and tour
    for line in quick + tour:
        piped = None
        if " | dreamly " in line:
            echoed, line = line.split(" | ", 1)
            piped = shlex.split(echoed, comments=True)[1] + "\n"
        args = shlex.split(line, comments=True)[1:]
        if args == ["add"]:  # the editor: a person's part
            continue
        if args[0] == "delete":
            piped = "y\n"  # the person says yes
        result = cli(*args, input=piped)
        assert result.exit_code == 0, (line, result.output)
    remaining = json.loads(cli("list", "--json").stdout)
    assert [d["id"] for d in remaining] == [2, 1]  # the tour changed its own dreams, not the Quick start's
    assert json.loads(cli("show", 2, "--json").stdout)["title"] == "The station again"
    assert json.loads(cli("show", 1, "--json").stdout)["body"].startswith("I was running for the train")
