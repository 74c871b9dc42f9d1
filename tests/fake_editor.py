"""A stand-in for $EDITOR: records what the file held, then writes the prepared text into it."""
import os
import sys
from pathlib import Path

target = Path(sys.argv[-1])
Path(os.environ["FAKE_EDITOR_SEEN"]).write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
target.write_text(Path(os.environ["FAKE_EDITOR_TEXT"]).read_text(encoding="utf-8"), encoding="utf-8")
sys.exit(int(os.environ.get("FAKE_EDITOR_EXIT", "0")))
