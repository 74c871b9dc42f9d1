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

    def interrupt(self, timeout: float = 60) -> None:
        """Ctrl-C, typed once the program is waiting for a key, as a person types it.

        Ctrl-C is a signal, not a key: one that lands after the prompt is drawn but before
        readline is waiting (a few microseconds, wider on a busy machine) is noted by
        CPython and acted on only at the next key. People never type that fast; the test
        waits for the event a person waits for, the program blocked reading the terminal
        (its kernel wait channel), then types."""
        deadline = time.monotonic() + timeout
        while not self._waiting_for_input():
            if time.monotonic() > deadline:
                raise AssertionError(f"never waited for a key; the terminal shows:\n{self.output}")
            time.sleep(0.01)
        self.type("\x03")

    def _waiting_for_input(self) -> bool:
        try:
            with open(f"/proc/{self.proc.pid}/wchan") as wchan:
                waiting = wchan.read()
        except OSError:  # no /proc (not Linux): fall back to typing now
            return True
        return waiting.startswith(("poll_schedule_timeout", "do_select", "wait_woken", "n_tty_read"))

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
