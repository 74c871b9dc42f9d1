"""Typer's `echo` and `style`, for the `dreamly add` that runs without Typer (dreamly/start.py).

The same bytes as Typer 0.29's (its vendored click: typer/_click/utils.py echo,
termui.py style): the text and a newline, flushed; ANSI styles kept only when the stream is
a terminal (click's `should_strip_ansi` with no colour forced), the style codes click
writes. Used only where click would not re-wrap the stream: start.py takes the Typer path
unless stdout and stderr are UTF-8 (click re-wraps an ASCII-encoded stream).
`output()` is the module to draw with: Typer's own when it is loaded (every command but
the fast `add`), else this one.
"""

from __future__ import annotations

import sys

from dreamly.lazy_re import compile_later

_ANSI = compile_later(r"\033\[[;?0-9]*[a-zA-Z]")  # click's _compat._ansi_re (compiled when a line has an escape)
_COLORS = {"black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36,
           "white": 37, "reset": 39}


def output():
    """Typer when this process has it (its echo re-wraps odd streams and honours a click
    context's colour), else this module."""
    return sys.modules.get("typer") or sys.modules[__name__]


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # noqa: BLE001 - click's isatty: a stream that can't tell is not a terminal
        return False


def echo(message=None, nl: bool = True, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    out = "" if message is None else str(message)
    if nl:
        out += "\n"
    if "\033" in out and not _isatty(stream):
        out = _ANSI.sub("", out)
    if out:
        stream.write(out)
    stream.flush()


def style(text, fg=None, bold=None, dim=None, underline=None, reset: bool = True) -> str:
    bits = []
    if fg:
        bits.append(f"\033[{_COLORS[fg]}m")
    if bold is not None:
        bits.append(f"\033[{1 if bold else 22}m")
    if dim is not None:
        bits.append(f"\033[{2 if dim else 22}m")
    if underline is not None:
        bits.append(f"\033[{4 if underline else 24}m")
    bits.append(str(text))
    if reset:
        bits.append("\033[0m")
    return "".join(bits)
