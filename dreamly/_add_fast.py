"""`dreamly add` parsed without Typer: the command's options as plain data, and a parser for
the command lines it fully understands.

Importing Typer is about two fifths of what a bare Typer app costs to start, so an `add`
that imports it cannot get much under that floor. The first `add` run through Typer writes
what Typer built for `add` (each parameter's names, short and secondary flags, type, range,
default, whether it repeats, its environment variable: read from the click command, never
written here a second time) into the user's cache folder, as plain data in `marshal`'s
format (built in: no `json` to import, no code run on load); later runs read it back and
parse argv with `parse`, which returns the keyword arguments Typer would pass, or None
for anything it does not fully understand (--help, an unknown or abbreviated option, `--`,
a value that starts with a dash, a number out of range, an option that is not a plain
string, number, path or flag, …): then dreamly/start.py hands the command line to Typer,
so every error message and help text stays Typer's own. `tests/test_add_fast.py` checks
that `parse` gives Typer's values or None.

The file is trusted as the matcher cache is (dreamly/analysis/cache.py): a private folder
and a private regular file of the user's, opened without following a symlink, written to a
temporary file and renamed into place. Its first line names what it was read from:
dreamly's version, the Python, and the mtime and size of dreamly/cli.py and of the Typer
package the interpreter would import; any other line, or a file that does not decode, is
ignored (and rewritten by the next Typer run), as is one that is not a list of well-formed
parameters. Only with the Typer minor version dreamly/_typer_fast.py was checked against
is the file written at all.
"""

from __future__ import annotations

import marshal  # (built in: nothing to load)
import os
import sys

FORMAT = "dreamly-add-spec-2"
KINDS = ("str", "int", "path", "bool")  # what `parse` reads; any other type falls back to Typer
_state: dict = {}  # "spec": the loaded spec or None (missing, stale, untrusted)


def _file():
    from dreamly.analysis.cache import cache_dir

    # one file per installation (venvs share the cache folder), named by a 32-bit FNV-1a hash
    # of its prefix (zlib's crc32 would load a shared library for it)
    number = 0x811C9DC5
    for byte in os.fsencode(sys.prefix):
        number = ((number ^ byte) * 0x01000193) & 0xFFFFFFFF
    return cache_dir() / f"add-spec-{number:08x}.bin"


def _typer_origin():
    from importlib.machinery import PathFinder

    found = PathFinder.find_spec("typer")
    return found.origin if found is not None else None


def key() -> str:
    import dreamly

    parts = [FORMAT, f"dreamly {dreamly.__version__}", f"python {sys.version.split()[0]}"]
    for path in (os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli.py"), _typer_origin()):
        st = os.stat(path)
        parts.append(f"{path} {st.st_mtime_ns} {st.st_size}")
    return repr(parts).replace("\n", " ")  # one line, whatever the paths hold


def load():
    """The cached spec (a list of parameter dicts), or None."""
    if "spec" in _state:
        return _state["spec"]
    _state["spec"] = spec = _read()
    return spec


def spec_needed() -> bool:
    """Whether this run (through Typer) should write the spec: missing or stale, on the
    pinned Typer, on a system with file owners."""
    if not hasattr(os, "getuid") or os.environ.get("DREAMLY_NO_FAST_ADD"):
        return False
    from dreamly import _typer_fast

    return _typer_fast.ACTIVE and load() is None


def _read():
    if os.environ.get("DREAMLY_NO_FAST_ADD"):
        return None
    try:
        from dreamly.analysis.cache import read_trusted

        data = read_trusted(_file(), key().encode("utf-8", "backslashreplace"))
        spec = marshal.loads(data) if data is not None else None
    except Exception:  # noqa: BLE001 - no spec, or a damaged one (only a cache): Typer parses
        return None
    return spec if _well_formed(spec) else None


def _well_formed(spec) -> bool:
    fields = {"name": str, "argument": bool, "opts": list, "secondary": list, "flag": bool, "multiple": bool,
              "kind": str, "envvar": (str, type(None))}
    return isinstance(spec, list) and all(
        isinstance(p, dict) and all(isinstance(p.get(f), t) for f, t in fields.items())
        and all(isinstance(o, str) for o in p["opts"] + p["secondary"]) for p in spec)


def describe(command) -> list:
    """Typer's click command for `add` as plain data (Typer 0.29's own parameter model:
    each parameter's annotation and ParameterInfo say its type and checks)."""
    from pathlib import Path
    from typing import List

    spec = []
    for param in command.params:
        descriptor = param.type_descriptor
        annotation, info = descriptor.annotation, descriptor.parameter_info
        kind = {str: "str", int: "int", bool: "bool"}.get(annotation, "other") if isinstance(annotation, type) else "other"
        if annotation == List[str] and param.multiple:
            kind = "str"
        if annotation is Path:
            kind = "path"
        odd = (param.callback is not None or param.is_eager or not param.expose_value or descriptor.file_annotation is not None
               or getattr(param, "prompt", None) or getattr(param, "count", False) or getattr(info, "clamp", False)
               or getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None
               or not _plain(param.default) or (getattr(param, "is_flag", False) and not getattr(param, "is_bool_flag", False)))
        entry = {
            "name": param.name, "argument": param.param_type_name == "argument",
            "opts": list(param.opts), "secondary": list(getattr(param, "secondary_opts", [])),
            "flag": bool(getattr(param, "is_flag", False)), "multiple": bool(param.multiple),
            "nargs": param.nargs, "kind": "other" if odd else kind, "default": param.default if _plain(param.default) else None,
            "envvar": param.envvar if isinstance(param.envvar, str) else None,
            "min": param.min, "max": param.max,
        }
        if kind == "path":
            entry["plain_path"] = not (getattr(info, "exists", False) or getattr(info, "resolve_path", False)
                                       or getattr(info, "allow_dash", False)) and getattr(info, "file_okay", True) \
                and getattr(info, "dir_okay", True)
        spec.append(entry)
    return spec


def _plain(value) -> bool:
    return value is None or isinstance(value, (str, int, bool))


def save(command) -> None:
    """Write `add`'s spec for the next process; quietly nothing when that can't be done safely."""
    try:
        from dreamly.analysis.cache import write_private

        header = key()
        path = _file()
        if write_private(path, header.encode("utf-8", "backslashreplace") + b"\n", marshal.dumps(describe(command))):
            _state.pop("spec", None)
            remove_orphans(path)
    except Exception:  # noqa: BLE001 - without a spec, Typer parses every run
        pass


def remove_orphans(kept) -> list[str]:
    """Remove the spec files (`add-spec-*.bin`, and the `.json` of the format before
    marshal's) of installations that are gone, from the private folder `kept` was just written
    to: each names in its first line the cli.py and Typer it was read from, and one whose
    files no longer exist is read by no one. Another installation's file whose files exist
    stays (venvs share the folder, each with its own file), as does anything not understood;
    only this user's regular files are looked at, never through a link. The names removed."""
    import ast
    import json
    import stat

    removed = []
    for entry in os.scandir(kept.parent):
        name = entry.name
        if name == kept.name or not name.startswith("add-spec-") or not name.endswith((".bin", ".json")):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                first = os.read(fd, 1 << 16).split(b"\n", 1)[0].decode("utf-8")
            finally:
                os.close(fd)
            parts = json.loads(first) if name.endswith(".json") else ast.literal_eval(first)
            if not (isinstance(parts, list) and len(parts) == 5 and all(isinstance(x, str) for x in parts)
                    and parts[0].startswith("dreamly-add-spec-")):
                continue  # not a header this function knows: left alone
            paths = [x.rsplit(" ", 2)[0] for x in parts[3:]]  # "<path> <mtime> <size>"
            if not all(os.path.isabs(x) for x in paths) or all(os.path.exists(x) for x in paths):
                continue
            os.unlink(entry.path)
            removed.append(name)
        except (OSError, ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
            continue
    return removed


def parse(args: list, spec: list):
    """The keyword arguments Typer would call `add` with for `args` (after `add`), or None."""
    by_name = {}
    values: dict = {}
    positional = [p for p in spec if p["argument"]]
    for p in spec:
        if p["argument"]:
            if p.get("nargs") != 1 or p["kind"] != "str" or p["default"] is not None:
                return None
            continue
        for opt in p["opts"]:
            by_name[opt] = (p, True)
        for opt in p["secondary"]:
            by_name[opt] = (p, False)
    if len(positional) != 1:
        return None
    given = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg[:1] != "-":
            given.append(arg)
            continue
        if arg == "-" or arg.startswith("--") and arg == "--" or (arg[1:2] != "-" and len(arg) != 2):
            return None
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in by_name:
            return None
        p, primary = by_name[name]
        if p["flag"]:
            if eq or p["kind"] != "bool" or p["multiple"]:
                return None
            values[p["name"]] = primary
            continue
        if eq:
            raw = inline
        else:
            if i >= len(args):
                return None
            raw = args[i]
            i += 1
        if raw[:1] == "-":
            return None
        value = _value(p, raw)
        if value is None:
            return None
        if p["multiple"]:
            values.setdefault(p["name"], []).append(value)
        else:
            values[p["name"]] = value
    if len(given) > 1:
        return None
    out = {}
    for p in spec:
        name = p["name"]
        if p["argument"]:
            out[name] = given[0] if given else None
        elif name in values:
            out[name] = values[name]
        elif p["envvar"] and os.environ.get(p["envvar"]):
            value = _value(p, os.environ[p["envvar"]])
            if value is None or p["multiple"]:
                return None
            out[name] = value
        elif p["multiple"]:
            if p["default"] is not None:
                return None
            out[name] = None
        else:
            out[name] = p["default"]
    return out


def _value(p, raw: str):
    kind = p["kind"]
    if kind == "str":
        return raw
    if kind == "path":
        if not p.get("plain_path") or not raw:
            return None
        from pathlib import Path

        return Path(raw)
    if kind == "int":
        digits = raw[1:] if raw[:1] in "+-" else raw
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            return None
        number = int(raw)
        if (p["min"] is not None and number < p["min"]) or (p["max"] is not None and number > p["max"]):
            return None
        return number
    return None
