"""`compile_later`: re.compile, put off until the pattern is first used.

The matcher and the text helpers keep about eighty patterns at module level; compiling them
at import was a tenth of a cold `dreamly add`, and a one-sentence dream uses about a quarter
of them. A LazyPattern compiles on its first attribute lookup and then holds the compiled
pattern's methods and attributes as its own, so later calls cost what the Pattern's do.
Only attribute use is lazy: a LazyPattern is not a `re.Pattern` (not for `isinstance`, the
`re` functions or marshal), so module code that needs one calls `.compiled()`.
"""

from __future__ import annotations

import re

_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
               "pattern", "flags", "groups", "groupindex")


class LazyPattern:
    def __init__(self, pattern, flags: int = 0):
        self._source = (pattern, flags)
        self.pattern = pattern  # what the compiled one's is: patterns built from others need no compile

    def compiled(self) -> re.Pattern:
        pattern = self.__dict__.get("_compiled")
        if pattern is None:
            pattern = re.compile(*self._source)
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
