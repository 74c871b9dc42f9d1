"""Write docs/commands.md from each command's --help, so the reference cannot drift.

    python scripts/commands_doc.py          # rewrite docs/commands.md
    python scripts/commands_doc.py --check  # exit 1 if it is out of date (tests do this)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "commands.md"
HEADER = """# Command reference

Generated from `dreamly COMMAND --help` by `python scripts/commands_doc.py`; a test fails
when it is out of date.
"""


def render() -> str:
    os.environ["COLUMNS"] = "88"  # the same wrapping on every machine
    os.environ["NO_COLOR"] = "1"
    from typer.main import get_command
    from typer.testing import CliRunner

    from dreamly.cli import app

    runner = CliRunner()
    parts = [HEADER]
    top = runner.invoke(app, ["--help"], prog_name="dreamly", terminal_width=88)
    parts.append("## dreamly\n\n```text\n" + top.stdout.strip() + "\n```\n")
    for name in get_command(app).list_commands(None):
        result = runner.invoke(app, [name, "--help"], prog_name="dreamly", terminal_width=88)
        parts.append(f"## dreamly {name}\n\n```text\n{result.stdout.strip()}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python scripts/commands_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
