"""Make a journal copy and stop, waiting to be killed, at one observed step of it.

    python tests/helpers/copy_and_wait.py STOP_AT backup JOURNAL TARGET
    python tests/helpers/copy_and_wait.py STOP_AT migrate JOURNAL

STOP_AT is a step of dreamly/copies.py ("temp", "copied", "verified", "named") or a page
("page 3"): the helper prints each step as it happens and, at STOP_AT, prints `stopped`
and waits (for the kill). Pages are copied one at a time so a kill can land mid-copy.
"""

import sys

from dreamly.store import copies
from dreamly.cli import main

stop_at = sys.argv[1]


def observe(event: str) -> None:
    print(event, flush=True)
    if event == stop_at or event.startswith(stop_at + " of "):
        print("stopped", flush=True)
        sys.stdin.readline()  # the test kills us here


copies._observe = observe
copies._STEP = 1
if sys.argv[2] == "backup":
    sys.argv = ["dreamly", "backup", sys.argv[4], "--db", sys.argv[3]]
else:
    sys.argv = ["dreamly", "list", "--db", sys.argv[3]]
main()
print("finished", flush=True)
