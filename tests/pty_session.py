"""Drive `dreamly` in a real pseudo-terminal, as a person at a keyboard would: start it,
wait for what it prints, type keys. Waits are on output, never on fixed delays."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _take_terminal() -> None:
    """In the child, after setsid: the pseudo-terminal becomes its controlling terminal, so
    Ctrl-C typed into it is a SIGINT, as in a real shell."""
    import fcntl
    import termios

    fcntl.ioctl(1, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, args, env, *, stdin_pipe: bool = False):
        master, slave = pty.openpty()
        self.master = master
        full_env = {**env, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
        self.proc = subprocess.Popen([sys.executable, "-m", "dreamly", *args], stdin=subprocess.PIPE if stdin_pipe else slave,
                                     stdout=slave, stderr=slave, env=full_env, cwd=ROOT, start_new_session=True,
                                     preexec_fn=_take_terminal)
        os.close(slave)
        self.output = ""
        self.seen = 0

    def read_until(self, text: str, timeout: float = 60) -> str:
        """Everything printed so far, once `text` has appeared after what the last wait saw."""
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {text!r}; the terminal shows:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the process closed the terminal
                chunk = b""
            if not chunk:
                raise AssertionError(f"exited before {text!r}; the terminal shows:\n{self.output}")
            self.output += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        self.seen = self.output.index(text, self.seen) + len(text)  # the next wait looks past it
        return self.output

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def finish(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                self.output += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        code = self.proc.wait(timeout=5)
        try:
            while True:
                ready, _, _ = select.select([self.master], [], [], 0)
                if not ready:
                    break
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.output += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        except OSError:
            pass
        os.close(self.master)
        return code
