"""One writer for the concurrency test: adds N dreams through dreamly's own CLI entry
point, one `dreamly add` (one open, one transaction, one close) per dream.

    python tests/helpers/add_loop.py WRITER_NAME N START_AT

START_AT is a time.time() value: both writers wait for it, so they really start together.
The last line printed is `failures=K` (adds that did not exit 0).
"""

import sys
import time

from dreamly.cli import main


def run(name: str, count: int, start_at: float) -> int:
    time.sleep(max(0.0, start_at - time.time()))
    failures = 0
    for number in range(count):
        sys.argv = ["dreamly", "add", f"{name} dream {number}: the corridor again, legs like lead", "-t", name]
        try:
            main()
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                failures += 1
    return failures


if __name__ == "__main__":
    failures = run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
    sys.stdout.flush()
    print(f"failures={failures}", flush=True)
