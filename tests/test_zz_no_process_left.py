"""Runs last (files run in name order): the suite leaves no process behind. Every process the
tests start carries DREAMLY_TEST_SESSION in its environment (tests/conftest.py); any that is
still running now, other than pytest itself, outlived its test (issue 18: killed imports left
their analysis workers running for ever, ~57 per suite run)."""

import os
import time
from pathlib import Path

import pytest


def _marked_processes(mark: str) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if f"DREAMLY_TEST_SESSION={mark}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
        except OSError:  # gone, or not ours
            continue
        if int(parent) == os.getpid() and "resource_tracker" in command:
            continue  # multiprocessing's tracker of this pytest process: it ends with pytest
        if state != "Z":
            found.append((int(entry.name), command))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_the_suite_leaves_no_process_behind():
    mark = os.environ["DREAMLY_TEST_SESSION"]
    deadline = time.monotonic() + 30
    left = _marked_processes(mark)
    while left and time.monotonic() < deadline:  # processes that are on their way out get to finish
        time.sleep(0.1)
        left = _marked_processes(mark)
    assert not left, f"{len(left)} processes outlived their tests: {left[:5]}"
