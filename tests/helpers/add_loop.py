"""One writer for the concurrency tests: adds N dreams through dreamly's own CLI entry
point, one `dreamly add` (one open, one transaction, one close) per dream.

    python tests/helpers/add_loop.py WRITER_NAME N

Once imported it prints `ready` and waits for a line on stdin before the first add: the
test starts every writer, waits until each is ready, then tells them all to go, so they
really start together however long a busy machine takes to start a process.
What the adds print goes to /dev/null (a pipe nobody reads until the end would fill and
stop the writer); the one line printed after `ready` is `failures=K` (adds that did not exit 0).
"""

import os
import subprocess
import sys
from pathlib import Path


def start_writers(names, count: int, env: dict) -> list:
    """For the tests: one writer process per name, each ready, then all told to go at once."""
    writers = [subprocess.Popen([sys.executable, str(Path(__file__)), name, str(count)], env=env, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for name in names]
    for writer in writers:
        line = writer.stdout.readline()
        assert line.strip() == "ready", (line, writer.stderr.read()[-2000:] if not line else "")
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()  # communicate() closes it
    return writers


def run(name: str, count: int) -> int:
    from dreamly.cli import main

    print("ready", flush=True)
    sys.stdin.readline()
    report = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    failures = 0
    for number in range(count):
        sys.argv = ["dreamly", "add", f"{name} dream {number}: the corridor again, legs like lead", "-t", name]
        try:
            main()
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                failures += 1
    sys.stdout.flush()
    os.dup2(report, 1)
    return failures


if __name__ == "__main__":
    failures = run(sys.argv[1], int(sys.argv[2]))
    sys.stdout.flush()
    print(f"failures={failures}", flush=True)
