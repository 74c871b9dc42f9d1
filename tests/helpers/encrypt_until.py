"""`dreamly encrypt` (or decrypt) that stops at a stage, for the kill -9 tests.

    python tests/helpers/encrypt_until.py encrypt|decrypt STAGE JOURNAL

Prints each stage on a line of its own as `change()` reaches it; at STAGE it prints it and
then waits forever (the test kills it there). STAGE "none" runs to the end; "STAGE:resume"
waits at STAGE for a line on stdin, then goes on.
"""

import sys
import threading
from pathlib import Path

from dreamly.store import crypto


def main(what: str, stop_at: str, path: str) -> None:
    stop_at, _, then = stop_at.partition(":")

    def on_stage(stage: str) -> None:
        print(stage, flush=True)
        if stage == stop_at:
            if then == "resume":
                sys.stdin.readline()
            else:
                threading.Event().wait()

    run = crypto.encrypt_journal if what == "encrypt" else crypto.decrypt_journal
    run(Path(path), on_stage=on_stage)
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
