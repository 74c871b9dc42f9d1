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
