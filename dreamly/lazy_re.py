"""`compile_later`: re.compile, put off until the pattern is first used; and patterns rebuilt
from their compiled programs, which the matcher cache keeps.

The matcher and the text helpers keep about eighty patterns at module level; compiling them
at import was a tenth of a cold `dreamly add`, and a one-sentence dream uses about a quarter
of them. A LazyPattern compiles on its first attribute lookup and then holds the compiled
pattern's methods and attributes as its own, so later calls cost what the Pattern's do.
Only attribute use is lazy: a LazyPattern is not a `re.Pattern` (not for `isinstance`, the
`re` functions or marshal), so module code that needs one calls `.compiled()`.

Compiling the few dozen patterns a dream wakes was still a fifth of a cold `add`: nearly
all of it re's parser and code generator, written in Python. `program` runs those two steps
(what CPython's `re._compiler.compile` does before it calls `_sre.compile`) and keeps their
output as marshal bytes; `from_program` hands them straight to `_sre.compile`, which checks
the code it is given (a malformed program raises, it cannot crash the interpreter). The
matcher cache (analysis/cache.py) stores the programs of every pattern it may need, in a
private file keyed by the Python version, and puts the module-level ones in `_PROGRAMS`;
`check_programs` is what it runs before trusting this interpreter's internals with them.
Any failure means an ordinary `re.compile`.
"""

from __future__ import annotations

import re

_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
               "pattern", "flags", "groups", "groupindex")
_MADE: list = []  # every LazyPattern's (pattern, flags): the module-level patterns the cache precompiles
_PROGRAMS: dict = {}  # (pattern, flags) -> `program` bytes, from the matcher cache


def program(pattern: str, flags: int = 0) -> bytes:
    """`re.compile(pattern, flags)` compiled as far as the call into `_sre`, as marshal bytes."""
    import marshal

    try:
        from re import _compiler, _parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_compile as _compiler  # type: ignore[no-redef]
        import sre_parse as _parser  # type: ignore[no-redef]
    flags = int(flags)
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return marshal.dumps((pattern, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex,
                          tuple(indexgroup)))


def from_program(packed: bytes) -> re.Pattern:
    """The pattern `program` was given; raises on bytes that are not a program."""
    import _sre
    import marshal

    pattern = _sre.compile(*marshal.loads(packed))
    if not isinstance(pattern, re.Pattern):
        raise TypeError("not a pattern")
    return pattern


def check_programs() -> bool:
    """Whether `from_program(program(p, f))` is `re.compile(p, f)` on this interpreter (code,
    flags, groups and group names alike), for a pattern that uses what the matcher's do."""
    try:
        for source, flags in ((r"(?:a|b(?P<x>c+)?)\s+[^\W\d]{2,}\b(?!d)", re.I), (r"(?<![a-z])z{1,3}?$", 0)):
            built, expected = from_program(program(source, flags)), re.compile(source, flags)
            if (built != expected or built.groupindex != expected.groupindex or built.groups != expected.groups
                    or built.pattern != expected.pattern):
                return False
        return True
    except Exception:  # noqa: BLE001 - another interpreter's internals: plain re.compile then
        return False


def compile_now(pattern, flags: int = 0) -> re.Pattern:
    """re.compile(pattern, flags), rebuilt from its program when the matcher cache brought one."""
    packed = _PROGRAMS.get((pattern, flags)) if _PROGRAMS else None
    if packed is not None:
        try:
            return from_program(packed)
        except Exception:  # noqa: BLE001 - only a cache
            pass
    return re.compile(pattern, flags)


class LazyPattern:
    def __init__(self, pattern, flags: int = 0):
        self._source = (pattern, flags)
        self.pattern = pattern  # what the compiled one's is: patterns built from others need no compile
        _MADE.append(self._source)

    def compiled(self) -> re.Pattern:
        pattern = self.__dict__.get("_compiled")
        if pattern is None:
            pattern = compile_now(*self._source)
            self.__dict__.update({name: getattr(pattern, name) for name in _ATTRIBUTES}, _compiled=pattern)
        return pattern

    def __getattr__(self, name):  # only for a name not yet set: before the first compile
        if name.startswith("__") or name in ("_source", "_compiled"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"compile_later({self._source[0]!r}, {self._source[1]!r})"


def compile_later(pattern, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
