"""Start-up shortcuts that rest on Typer's private API, isolated here and used only with the
Typer minor version they were read against (pyproject pins it; with any other Typer they
are off and dreamly runs on Typer's public behaviour, only slower to start).

Two shortcuts, both measured by `benchmarks/startup.py`:

- `install_lazy_coercion`: Typer 0.29 builds a pydantic adapter for every parameter of the
  command being run; `_LazyCoercion` answers for the plain values (absent, strings, paths,
  in-range ints, flags) and hands anything else to Typer's own coercion, built on first use.
  `tests/test_typer_fast.py` checks it parses every option of every command as Typer does.
- `only_the_command`: Typer builds every command's parameters before running one; when the
  first argument names a command, the app is given only that one, for that call only. For
  the app's own help (`dreamly`, `dreamly --help`), which shows only each command's name and
  first line, the commands are given without their parameters (building them is a fifth of
  the help's start-up with twenty-seven commands). `tests/test_typer_fast.py` checks the
  help comes out the same, letter for letter.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import List

import typer

TYPER_MINOR = "0.29"  # the version these shortcuts were read against (typer/_coercion.py, core.py)
ACTIVE = typer.__version__.split(".")[:2] == TYPER_MINOR.split(".")


class _LazyCoercion:
    """Stands in for Typer's per-parameter coercion until a value needs more than a type check.

    Typer 0.29 builds a pydantic TypeAdapter for every parameter of the command being run,
    given or not: importing pydantic costs ~40 ms and each adapter a few more, which would
    make `dreamly add` slower than a bare Typer app. Values that are absent, or strings for
    `str` / `list[str]` / plain `Path` parameters, need no adapter; anything else (ints with
    a range, enums) gets Typer's real coercion, built on first use.
    """

    def __init__(self, param, build):
        self.param = param
        self.build = build

    def coerce(self, value, param, ctx):
        multi = param.multiple or param.nargs == -1
        if value is None or (multi and value in ((), [])):
            return () if multi else None
        annotation = param.type_descriptor.annotation
        if (annotation is str and isinstance(value, str)) or (annotation is bool and isinstance(value, bool)):
            return value
        if annotation == List[str] and multi and all(isinstance(v, str) for v in value):
            return list(value)
        if annotation is Path and isinstance(value, str) and _plain_path(param):
            return Path(value)
        if annotation is int:
            refuse_huge_int(value, param)
            number = _plain_int(value)
            if number is not None and _in_range(param, number):
                return number  # out-of-range and odd values go to Typer for its own message
        param._runtime_param = self.build(param.type_descriptor)
        return param._runtime_param.coerce(value, param=param, ctx=ctx)


def refuse_huge_int(value, param) -> None:
    """Python refuses to read integers of more than 4,300 digits (and SQLite holds 19): say so as
    a usage error instead of a traceback. Ids of up to 4,000 digits are 'no dream with id N'."""
    if not isinstance(value, str):
        return
    digits = value.strip().lstrip("+-")
    if len(digits) > 4000 and digits.isascii() and digits.isdigit():
        raise typer.BadParameter(f"{value.strip()[:12]}… ({len(digits):,} digits) is far too large", param=param)


def _plain_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        digits = value.strip()
        if digits[:1] in "+-":
            digits = digits[1:]
        if digits.isascii() and digits.isdigit():
            return int(value)
    return None


def _in_range(param, number: int) -> bool:
    info = param.type_descriptor.parameter_info
    if getattr(info, "clamp", False):
        return False
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    return (low is None or number >= low) and (high is None or number <= high)


def _plain_path(param) -> bool:
    info = param.type_descriptor.parameter_info
    return not (getattr(info, "exists", False) or getattr(info, "resolve_path", False)
                or getattr(info, "allow_dash", False)) and getattr(info, "dir_okay", True) and getattr(info, "file_okay", True)


def install_lazy_coercion(params) -> None:
    """Give each parameter the lazy coercion (on the pinned Typer only; elsewhere a no-op)."""
    if not ACTIVE:
        return
    from typer._coercion import build_runtime_param

    for param in params:
        if hasattr(param, "type_descriptor") and getattr(param, "_runtime_param", False) is None:
            param._runtime_param = _LazyCoercion(param, build_runtime_param)


APP_HELP = (None, "--help", "-h", "--version", "-V")  # first arguments that never reach a command


@contextmanager
def only_the_command(app, name, *, completing: bool = False):
    """While the block runs, `app` holds only the command `name`, when the first argument
    names one; for the app's help (`name` in APP_HELP), every command without its
    parameters; anything else (a typo, shell completion) gets the whole app, so "No such
    command" and completion stay. The app is whole again afterwards: a second call in one
    process works."""
    registered = app.registered_commands
    if ACTIVE and not completing:
        from typer.main import get_command_name

        if name in APP_HELP:
            app.registered_commands = [_listed_only(info, get_command_name) for info in registered]
        for info in registered:
            if (info.name or get_command_name(info.callback.__name__)) == name:
                app.registered_commands = [info]
                break
    try:
        yield
    finally:
        app.registered_commands = registered


def _listed_only(info, get_command_name):
    """The command as the app's help lists it (name, help, panel, hidden), without parameters."""
    import inspect

    from typer.models import CommandInfo

    def callback():  # never run: the app's help exits before any command
        raise AssertionError("a listed-only command ran")

    return CommandInfo(
        name=info.name or get_command_name(info.callback.__name__), cls=info.cls, context_settings=info.context_settings,
        callback=callback, help=info.help if info.help is not None else inspect.getdoc(info.callback),
        epilog=info.epilog, short_help=info.short_help, options_metavar=info.options_metavar,
        add_help_option=info.add_help_option, no_args_is_help=info.no_args_is_help, hidden=info.hidden,
        deprecated=info.deprecated, rich_help_panel=info.rich_help_panel)
