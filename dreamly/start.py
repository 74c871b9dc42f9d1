"""The `dreamly` console script: `dreamly add …` without Typer when it can, else dreamly/cli.py.

`add` is typed half-awake every morning, and importing Typer is two fifths of what a bare
Typer app costs to start. When the first argument is `add`, the command line is one
dreamly/_add_fast.py fully understands (with the spec of `add`'s options that an earlier
Typer run cached) and stdout and stderr are UTF-8, `add` runs here: `add_flow.run_add`,
the one body the Typer command calls too, with failures turned into the same lines and exit
codes as DreamlyCommand's (`outcome`, which that class uses). Anything else goes to Typer.
"""

from __future__ import annotations

import os
import sys

from dreamly.errors import DreamlyError, ExitStatus, UsageError


def main() -> None:
    install_signals()
    args = argv()
    if args[:1] == ["add"]:
        parsed = _fast_add_args(args[1:])
        if parsed is not None:
            sys.exit(run_fast_add(parsed))
    from dreamly.cli import main as typer_main

    typer_main()


def _fast_add_args(args):
    if any(name.startswith("_DREAMLY_COMPLETE") for name in os.environ):  # shell completion: Typer's
        return None
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8"):
            return None  # click re-wraps such a stream; let it
    try:
        from dreamly import _add_fast

        spec = _add_fast.load()
        parsed = _add_fast.parse(args, spec) if spec is not None else None
    except Exception:  # noqa: BLE001 - Typer parses instead
        return None
    if parsed is None or parsed.pop("interpret_", None) or parsed.pop("model", None) or parsed.pop("lens", None):
        return None  # --interpret asks a model: Typer's command wires that
    return parsed


def run_fast_add(parsed: dict) -> int:
    from dreamly import add_flow

    try:
        add_flow.run_add(**parsed)
    except BaseException as exc:  # noqa: BLE001 - as DreamlyCommand.invoke
        if isinstance(exc, SystemExit):
            raise
        handled = outcome(exc)
        if handled is None:
            raise
        line, code = handled
        if line:
            from dreamly._echo import echo

            echo(line, err=True)
        return code
    return 0


def outcome(exc: BaseException):
    """(the line for stderr or None, the exit code) for a failure inside a command, or None
    to let it propagate: one `Error: …` line, never a traceback (unless DREAMLY_DEBUG=1).
    Messages never include dream text."""
    if isinstance(exc, DreamlyError):
        return f"Error: {exc}", int(ExitStatus.USAGE if isinstance(exc, UsageError) else ExitStatus.ERROR)
    if isinstance(exc, KeyboardInterrupt):
        return "Interrupted; nothing more was written.", int(ExitStatus.INTERRUPTED)
    if isinstance(exc, BrokenPipeError):  # `dreamly demo | head -1`: the reader has all it wanted
        silence_stdout()
        return None, 141
    if not isinstance(exc, Exception) or os.environ.get("DREAMLY_DEBUG"):
        return None
    if isinstance(exc, OSError):  # a file the user named: too long a name, no permission, a full disk
        return f"Error: {os_error_line(exc)}", int(ExitStatus.ERROR)
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        # not SQLite's message: it can quote SQL or a search query (DREAMLY_DEBUG=1 shows it)
        return (f"Error: the journal gave an error ({getattr(exc, 'sqlite_errorname', type(exc).__name__)}); "
                "run `dreamly check`"), int(ExitStatus.ERROR)
    return f"Error: unexpected {type(exc).__name__}; rerun with DREAMLY_DEBUG=1 to see the traceback", int(ExitStatus.ERROR)


def os_error_line(exc: OSError) -> str:
    """One line for a failed file operation, naming the file (shortened), never its contents."""
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 80:
        name = name[:40] + "…" + name[-20:]
    reason = exc.strerror or type(exc).__name__
    return f"can't use {name}: {reason}" if name else f"a file operation failed: {reason}"


def silence_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both of the first two
        pass


def _terminate(signum, frame):
    """SIGTERM (kill, a closing terminal's hangup) unwinds like Ctrl-C: open transactions roll
    back, temporary files (`.part`) are removed, worker processes are stopped."""
    raise KeyboardInterrupt


def install_signals() -> None:
    import _signal  # signal.signal without the signal module's enums (a millisecond of `add`)

    for name in ("SIGTERM", "SIGHUP"):
        try:
            _signal.signal(getattr(_signal, name), _terminate)
        except (AttributeError, ValueError, OSError):  # not on this system, or not the main thread
            pass


def argv() -> list[str]:
    """The arguments, with bytes that are not UTF-8 turned into U+FFFD (as on piped stdin):
    Python hands them over as lone surrogates, which SQLite would refuse to store."""
    args = []
    for arg in sys.argv[1:]:
        try:
            args.append(arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        except UnicodeEncodeError:
            args.append(arg)
    return args
