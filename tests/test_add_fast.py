"""`dreamly add` without Typer (dreamly/start.py, dreamly/_add_fast.py): the fast parse gives
exactly what Typer would call `add` with, or hands the command line to Typer; with the spec
cached, `add` imports neither Typer nor click and prints the same bytes; a stale or tampered
spec is ignored and rewritten."""

import ast
import json
import marshal
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from dreamly import _add_fast, _typer_fast, add_flow, cli, start
from tests.test_typer_fast import cases


@pytest.fixture(autouse=True)
def no_spec_from_an_earlier_test():
    """The loaded spec is kept per process; each test has its own cache folder (conftest)."""
    _add_fast._state.clear()
    yield
    _add_fast._state.clear()


def typers_call(args):
    """What the Typer command calls add_flow.run_add with for `dreamly add ARGS`, or None (a
    usage error, help)."""
    seen = []
    with pytest.MonkeyPatch.context() as mp, _typer_fast.only_the_command(cli.app, "add"):
        mp.setattr(add_flow, "run_add", lambda text, **kw: seen.append({"text": text, **kw}))
        mp.setattr(_add_fast, "spec_needed", lambda: False)
        try:
            cli.app(args=["add", *args], prog_name="dreamly")
        except SystemExit:
            pass
    if not seen:
        return None
    call = seen[0]
    if call.pop("interpret") is not None:
        return "interpret"
    return call


@pytest.fixture
def spec():
    return _add_fast.describe(cli._add_command())


def fast_call(args, spec):
    """What start.py would run: the parsed arguments, or None for Typer."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_add_fast, "load", lambda: spec)
        return start._fast_add_args(args)


def check(args, spec):
    fast = fast_call(args, spec)
    if fast is None:
        return False
    typer_ = typers_call(args)
    assert typer_ is not None and typer_ != "interpret", (args, fast)
    assert {k: (type(v), v) for k, v in fast.items()} == {k: (type(v), v) for k, v in typer_.items()}, args
    return True


def test_every_add_sample_parses_as_typer_or_goes_to_typer(monkeypatch, spec):
    add_cases = [args for name, args in cases() if name == "add"]
    taken = sum(check(args, spec) for args in add_cases)
    assert len(add_cases) > 60
    assert taken > len(add_cases) / 2  # the plain values do not all fall back


def test_the_environment_variable_and_odd_lines(monkeypatch, spec, tmp_path):
    monkeypatch.setenv("DREAMLY_DB", str(tmp_path / "env.db"))
    assert check(["a dream"], spec)
    assert check(["a dream", "--db", str(tmp_path / "flag.db")], spec)
    monkeypatch.setenv("DREAMLY_DB", "")
    assert check(["a dream"], spec)
    for odd in (["--help"], ["-h"], ["x", "--"], ["--", "-x"], ["--dat", "today"], ["-dtoday", "x"], ["x", "y"],
                ["--lucid=1", "x"], ["--sleep", "6"], ["--lens", "jungian", "x"], ["--interpret", "x"], ["-"],
                ["--date"], ["-e", "-t", "x"]):
        assert fast_call(odd, spec) is None, odd
    monkeypatch.setenv("_DREAMLY_COMPLETE", "complete_bash")
    assert fast_call(["x"], spec) is None


TOKENS = st.sampled_from(["--date", "-d", "today", "yesterday", "--title", "T", "-e", "fear:4", "--emotion",
                          "joy", "-t", "work", "--tag", "--context", "-c", "--lucid", "--lucidity", "3", "9", "+2",
                          "--nightmare", "--recurring", "--sleep", "1", "5", "0", "-E", "--editor", "--questions",
                          "--no-questions", "--json", "--db", "j.db", "--date=monday", "--sleep=4", "--tag=",
                          "a dream", "-", "--", "", " ", "-x", "--unknown", "-h", "--model", "echo"])


@settings(max_examples=150, deadline=None)
@given(st.lists(TOKENS, max_size=7))
def test_generated_option_combinations_parse_as_typer_or_go_to_typer(args):
    check(args, SPEC)


SPEC = _add_fast.describe(cli._add_command())


# -- the spec cache --------------------------------------------------------------------------


def typer_add(args=("a dream",)):
    _add_fast._state.clear()
    with pytest.raises(SystemExit) as ended:
        with _typer_fast.only_the_command(cli.app, "add"):
            cli.app(args=["add", *args], prog_name="dreamly")
    assert ended.value.code in (0, None)
    _add_fast._state.clear()


def test_the_first_typer_run_writes_a_private_spec_the_next_reads(tmp_path):
    assert _add_fast.load() is None
    typer_add()
    path = _add_fast._file()
    assert path.stat().st_mode & 0o777 == 0o600
    assert _add_fast.load() == _add_fast.describe(cli._add_command())


def test_writing_a_spec_removes_those_of_installations_that_are_gone(tmp_path):
    """The cache folder is shared by every installation (one spec file each): a new spec
    removes the files whose cli.py or Typer no longer exist, and nothing else."""
    import os

    typer_add()
    path = _add_fast._file()
    folder = path.parent
    here = tmp_path / "venv" / "typer.py"
    here.parent.mkdir()
    here.write_text("")
    gone, live = str(tmp_path / "gone" / "cli.py"), str(here)

    def header(cli_path, typer_path, fmt="dreamly-add-spec-2"):
        return [fmt, "dreamly 0.1.0", "python 3.11.7", f"{cli_path} 1 2", f"{typer_path} 3 4"]

    files = {
        "add-spec-00000001.bin": repr(header(gone, live)).encode() + b"\n" + marshal.dumps([]),
        "add-spec-00000002.json": json.dumps(header(live, gone, "dreamly-add-spec-1")).encode() + b"\n[]",
        "add-spec-00000003.bin": repr(header(live, live)).encode() + b"\n" + marshal.dumps([]),  # in use elsewhere
        "add-spec-00000004.bin": b"not a header\n",
        "add-spec-00000005.bin": repr(["something else", gone, gone, gone, gone]).encode() + b"\n",
        "matcher.cache": repr(header(gone, gone)).encode() + b"\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
        (folder / name).chmod(0o600)
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(files["add-spec-00000001.bin"])
    (folder / "add-spec-00000006.bin").symlink_to(elsewhere)
    path.unlink()
    _add_fast._state.clear()
    typer_add()  # writes this installation's spec again
    left = sorted(os.listdir(folder))
    assert path.name in left and _add_fast.load() == _add_fast.describe(cli._add_command())
    assert "add-spec-00000001.bin" not in left and "add-spec-00000002.json" not in left
    assert {"add-spec-00000003.bin", "add-spec-00000004.bin", "add-spec-00000005.bin", "matcher.cache",
            "add-spec-00000006.bin"} <= set(left)
    assert elsewhere.exists()


@pytest.mark.parametrize("damage", ["garbage", "other version", "other typer", "readable by others", "symlink",
                                    "not a list", "folder open to others"])
def test_a_stale_or_tampered_spec_is_ignored_and_rewritten(tmp_path, damage):
    typer_add()
    path = _add_fast._file()
    header, body = path.read_bytes().split(b"\n", 1)
    if damage == "garbage":
        path.write_bytes(header + b"\n{not marshal")
    elif damage == "other version":
        path.write_bytes(header.replace(b"dreamly 0.", b"dreamly 9.") + b"\n" + body)
    elif damage == "other typer":
        parts = ast.literal_eval(header.decode())
        parts[-1] = parts[-1].rsplit(" ", 1)[0] + " 1"
        path.write_bytes(repr(parts).encode() + b"\n" + body)
    elif damage == "readable by others":
        path.chmod(0o644)
    elif damage == "symlink":
        real = tmp_path / "elsewhere.json"
        real.write_bytes(path.read_bytes())
        real.chmod(0o600)
        path.unlink()
        path.symlink_to(real)
    elif damage == "not a list":
        path.write_bytes(header + b"\n" + marshal.dumps({"name": "x"}))
    elif damage == "folder open to others":
        path.parent.chmod(0o777)
    _add_fast._state.clear()
    assert _add_fast.load() is None
    typer_add()
    if damage == "folder open to others":
        assert _add_fast.load() is None  # never written into a folder others can write
        path.parent.chmod(0o700)
        return
    assert not path.is_symlink() and path.stat().st_mode & 0o777 == 0o600
    assert _add_fast.load() == _add_fast.describe(cli._add_command())


# -- in a process: no Typer, the same bytes ---------------------------------------------------

PROBE = """
import json, sys
sys.argv = ["dreamly"] + json.loads(sys.argv[1])
from dreamly.%s import main
code = 0
try:
    main()
except SystemExit as exit_:
    code = exit_.code or 0
sys.stdout.flush()
print(json.dumps({"code": code, "typer": sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "click"))}),
      file=sys.stderr)
"""


def run(module, args, home, db):
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
           "DREAMLY_DB": str(db), "DREAMLY_CONFIG_DIR": str(home / "config"), "DREAMLY_CACHE_DIR": str(home / "cache"),
           "COLUMNS": "100"}
    out = subprocess.run([sys.executable, "-c", PROBE % module, json.dumps(args)], capture_output=True, env=env,
                         stdin=subprocess.DEVNULL)
    *err, probe = out.stderr.decode().strip().splitlines()
    probe = json.loads(probe)
    import re

    stdout = re.sub(rb'"(created|updated)": "[^"]*"', rb'"\1": "-"', out.stdout)  # the second it was saved
    err = "\n".join(err).replace(str(db), "JOURNAL")  # each run writes its own journal
    return stdout, err, probe["code"], probe["typer"]


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["I was chased by a dog and my legs felt like concrete", "-t", "work", "--sleep", "3", "-e", "fear:4"],
    ["flying over the sea", "--json", "--lucidity", "2"],
    ["a dream", "-e", "scared", "-e", "nonsense"],  # notes on stderr
    ["a dream", "--date", "next year"],  # a value that cannot be read: one line, exit 2
    ["a dream", "-e", "fear:9"],
    ["a dream", "-t", "x" * 101],  # a tag too long: one line, exit 1
    ["a dream", "--sleep", "9"],  # Typer's usage error (the fast parse hands it over)
])
def test_add_with_the_spec_imports_no_typer_and_prints_what_typer_prints(tmp_path, args):
    home = tmp_path / "home"
    run("cli", ["add", "warm-up, which writes the spec"], home, tmp_path / "warm.db")
    fast = run("start", ["add", *args], home, tmp_path / "fast.db")
    typer_ = run("cli", ["add", *args], home, tmp_path / "typer.db")
    assert fast[:3] == typer_[:3]
    assert typer_[3]  # the Typer path has Typer
    usage_error = "--sleep" in args and "9" in args
    assert (fast[3] == []) != usage_error, fast


# -- patterns compiled on first use (dreamly/lazy_re.py) -----------------------------------------

LAZY_PROBE = """
import json, sys
import dreamly.analysis, dreamly.analysis.cache, dreamly.text, dreamly.dates
from dreamly.lazy_re import LazyPattern
lazy = [(name, value) for mod in list(sys.modules.values()) if getattr(mod, "__name__", "").startswith("dreamly")
        for name, value in vars(mod).items() if isinstance(value, LazyPattern)]
print(json.dumps({"lazy": len(lazy), "compiled": sum("_compiled" in vars(v) for _, v in lazy)}))
"""


def test_module_patterns_are_compiled_on_first_use_only():
    out = subprocess.run([sys.executable, "-c", LAZY_PROBE], capture_output=True, text=True, check=True)
    probe = json.loads(out.stdout)
    assert probe["lazy"] > 60 and probe["compiled"] == 0


def test_a_lazy_pattern_answers_as_the_compiled_one():
    import re

    from dreamly.lazy_re import compile_later

    lazy, real = compile_later(r"(\w+) (?P<b>\w+)", re.I), re.compile(r"(\w+) (?P<b>\w+)", re.I)
    assert lazy.pattern == real.pattern and lazy.flags == real.flags
    assert lazy.search("Hello World").groups() == real.search("Hello World").groups()
    assert lazy.sub("x", "a b c") == real.sub("x", "a b c") and lazy.groupindex == real.groupindex
    assert lazy.compiled() is lazy.compiled() and lazy.search == lazy.search


def test_dreamly_no_fast_add_turns_it_off(monkeypatch):
    typer_add()
    assert _add_fast.load() is not None
    _add_fast._state.clear()
    monkeypatch.setenv("DREAMLY_NO_FAST_ADD", "1")
    assert _add_fast.load() is None and not _add_fast.spec_needed()
    _add_fast._state.clear()
