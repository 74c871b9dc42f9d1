"""The start-up shim (dreamly/_typer_fast.py) parses every option of every command exactly as
Typer itself does, is on only for the Typer it was read against, and leaves the app whole."""

import sys
from enum import Enum
from pathlib import Path

import pytest
import typer
from typer.core import TyperArgument, TyperOption
from typer.main import get_command

from dreamly import _typer_fast, cli


INTS = ["3", "1", "5", "0", "-1", "+2", " 4 ", "6", "520", "521", "99999999999999999999", "x", "3.5", "\u0663", ""]
TEXTS = ["x", "", " spaced text ", "-", "fear:4", "\u00e9\u200b"]
PATHS = ["some/file.txt", "-", "", "~/x"]


def annotation(param):
    return param.type_descriptor.annotation


def samples(param) -> list[list[str]]:
    """Command-line pieces that give `param` a value: good ones, edge ones and bad ones."""
    if isinstance(param, TyperOption) and param.is_flag:
        return [[name] for name in param.opts + param.secondary_opts]
    kind = annotation(param)
    if isinstance(kind, type) and issubclass(kind, Enum):
        values = [kind_member.value for kind_member in kind] + [list(kind)[-1].value.upper(), "bogus", ""]
    elif kind is int:
        values = INTS
    elif kind is Path:
        values = PATHS
    else:
        values = TEXTS
    if isinstance(param, TyperArgument):
        return [[value] for value in values]
    pieces = [[param.opts[0], value] for value in values]
    if param.multiple:
        pieces.append([param.opts[0], values[0], param.opts[-1], values[1]])
    return pieces


def required_arguments(command, skip=None) -> list[str]:
    out = []
    for param in command.params:
        if isinstance(param, TyperArgument) and param.required and param is not skip:
            out.append("1" if annotation(param) is int else "x")
    return out


def parse(group, name: str, args: list[str]):
    """What the command would be called with, or the usage error it gives."""
    command = group.commands[name]
    if _typer_fast.ACTIVE:
        for param in command.params:  # as in a new process: no coercion built yet
            param._runtime_param = None
    try:
        ctx = command.make_context(name, list(args), resilient_parsing=False)
    except Exception as exc:  # noqa: BLE001 - Typer's (vendored) click errors and exits, compared by what they say
        return (type(exc).__name__, getattr(exc, "exit_code", None),
                exc.format_message() if hasattr(exc, "format_message") else str(exc))
    return ("ok", {key: (type(value), value) for key, value in ctx.params.items()})


def cases():
    group = get_command(cli.app)
    for name, command in group.commands.items():
        yield name, required_arguments(command)
        for param in command.params:
            if param.name == "help":
                continue
            for piece in samples(param):
                if isinstance(param, TyperArgument):
                    yield name, [*required_arguments(command, skip=param), *piece]
                else:
                    yield name, [*required_arguments(command), *piece]


def test_the_shim_is_on_for_the_pinned_typer_only(monkeypatch):
    assert _typer_fast.ACTIVE, f"typer {typer.__version__}: pyproject pins {_typer_fast.TYPER_MINOR}"
    monkeypatch.setattr(typer, "__version__", "0.30.0")
    import importlib

    other = importlib.reload(_typer_fast)
    try:
        assert not other.ACTIVE
    finally:
        monkeypatch.undo()
        importlib.reload(_typer_fast)
    assert _typer_fast.ACTIVE


def test_every_option_of_every_command_parses_as_typer_parses_it(monkeypatch):
    checked = 0
    with_shim, typers_own = get_command(cli.app), get_command(cli.app)  # each built once, as a run builds it
    for name, args in cases():
        monkeypatch.setattr(_typer_fast, "ACTIVE", True)
        fast = parse(with_shim, name, args)
        monkeypatch.setattr(_typer_fast, "ACTIVE", False)
        assert fast == parse(typers_own, name, args), (name, args)
        checked += 1
    assert checked > 300  # every option of every command, several values each


def test_main_runs_twice_in_one_process_and_leaves_the_app_whole(monkeypatch, capsys):
    commands = list(cli.app.registered_commands)
    for argv in (["dreamly", "path"], ["dreamly", "list", "--json"], ["dreamly", "path"]):
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code == 0, capsys.readouterr().err
    assert cli.app.registered_commands == commands
    out = capsys.readouterr().out
    assert out.count("journal.db") == 2 and "[]" in out


def test_without_the_shim_dreamly_works_the_same(monkeypatch, capsys):
    monkeypatch.setattr(_typer_fast, "ACTIVE", False)
    monkeypatch.setattr(sys, "argv", ["dreamly", "add", "my legs felt like concrete", "--sleep", "3", "-t", "work"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 0
    assert "Saved dream 1" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["dreamly", "add", "x", "--sleep", "9"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 2


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["--version"], ["-V"], ["--help", "add"]])
def test_the_apps_help_is_the_same_without_the_commands_parameters(monkeypatch, capsys, argv):
    """`dreamly --help` builds the commands without their parameters: what it prints (and
    its exit code) is exactly what the whole app prints."""
    def run(active):
        monkeypatch.setattr(_typer_fast, "ACTIVE", active)
        monkeypatch.setattr(sys, "argv", ["dreamly", *argv])
        with pytest.raises(SystemExit) as done:
            cli.main()
        out = capsys.readouterr()
        return done.value.code, out.out, out.err

    shortcut, typers_own = run(True), run(False)
    assert shortcut == typers_own
    assert "dreamly" in shortcut[1] + shortcut[2]
    assert cli.app.registered_commands[0].callback is cli.add  # the app is whole again


def test_completion_gets_the_whole_app(monkeypatch, capsys):
    monkeypatch.setenv("_DREAMLY_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "dreamly list --motif pursuer_a")
    monkeypatch.setenv("COMP_CWORD", "3")
    monkeypatch.setattr(sys, "argv", ["dreamly"])
    with pytest.raises(SystemExit):
        cli.main()
    assert capsys.readouterr().out.split() == ["pursuer_animal"]
