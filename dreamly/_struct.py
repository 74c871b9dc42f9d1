"""Small record classes without `dataclasses`, for the modules `dreamly add` imports.

`import dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`, …), and each
`@dataclass` writes and compiles its methods and computes a signature when the process
starts: together about a sixth of a cold `add`, for a dozen classes that need none of it. A
class here lists its fields in `_fields` (in order) and writes its own `__init__`; `Struct`
gives what `@dataclass` gave them: equality field by field with an object of the same class,
a repr naming each field, no hash (as a dataclass with eq and not frozen); `Frozen` adds the
hash of the fields and refuses assignment (`FrozenError`, an AttributeError, as
dataclasses.FrozenInstanceError is), and pickles by its fields.
"""

from __future__ import annotations


class FrozenError(AttributeError):
    """Assigning to a field of a frozen record."""


class Struct:
    __slots__ = ()
    _fields: tuple = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"


class Frozen(Struct):
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name, value):
        raise FrozenError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenError(f"cannot delete field {name!r}")

    def __reduce__(self):
        return type(self), self._values()
