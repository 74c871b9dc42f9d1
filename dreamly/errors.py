"""The one exception type that carries a message meant for a person, and the exit codes."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """How `dreamly` ends: the only codes it exits with."""

    OK = 0
    ERROR = 1  # a failure the user can act on: one `Error: …` line on stderr
    USAGE = 2  # the command line itself is wrong: an unknown option, options that conflict
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # stdout closed early, as in `dreamly export | head` (128 + SIGPIPE)


class DreamlyError(Exception):
    """A failure the user can act on; the CLI prints it as one `Error: …` line and exits 1."""


class UsageError(DreamlyError):
    """A value on the command line that can't be read (`--date 2026-13-45`, `-e fear:9`, a day
    in the future): one `Error: …` line and exit 2, like Typer's own usage errors."""
