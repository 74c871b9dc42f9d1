"""Run inside a private mount namespace with a tiny tmpfs mounted on FOLDER (see
test_reliability.py): fill the disk, try to add a 1 MB dream, report as JSON what the
user saw and what happened to the journal.

    python tests/helpers/full_disk.py FOLDER
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path


def dreamly(*args, input=None):
    return subprocess.run([sys.executable, "-m", "dreamly", *args], input=input, capture_output=True)


def main(folder: Path) -> None:
    os.environ["DREAMLY_DB"] = str(folder / "journal.db")
    first = dreamly("add", "the dream that must survive")
    with open(folder / "filler", "wb") as filler:  # leave ~100 KB: less than the new dream needs
        filler.write(b"\0" * max(0, os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize - 100_000))
    before = hashlib.sha256((folder / "journal.db").read_bytes()).hexdigest()
    big = dreamly("add", input=("a very long dream about a flooded house " * 26_000).encode())
    after = hashlib.sha256((folder / "journal.db").read_bytes()).hexdigest()
    listed = dreamly("list", "--json")
    check = dreamly("check")
    print(json.dumps({
        "first_exit": first.returncode,
        "big_exit": big.returncode,
        "big_stderr": big.stderr.decode(errors="replace"),
        "unchanged": before == after,
        "bodies": [d["body"] for d in json.loads(listed.stdout or b"[]")],
        "check_exit": check.returncode,
        "check_stdout": check.stdout.decode(errors="replace"),
    }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
