"""A bounded reader for a JSON file whose top level is an object holding one long list:
dreamly's export (`{"dreamly_export": 1, "dreams": [...]}`) and jrnl's (`{"entries": [...]}`).

The list is handed out one element at a time, each decoded by the standard library's own
scanner (`json.JSONDecoder.raw_decode`) from a buffer of about a megabyte, so reading a file
of any length needs the memory of the buffer and one element. What it accepts and refuses is
exactly what `json.loads` accepts and refuses, with the same messages, lines and columns.

An element cut off by the end of the buffer is told from a malformed one by where the
scanner stopped: inside a string (JSON strings cannot hold a raw line break, so a string
that runs to the buffer's end is cut, not broken) or within the buffer's last few
characters. Then more is read (at least as much again as the buffer holds, so a huge
element costs linear time) and the element is decoded again; a real error is reported as
soon as the buffer reaches past it.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Iterator

from dreamly.errors import DreamlyError
from dreamly.formats.records import Incoming, _load_json as load_json

READ = 1 << 20  # characters read at a time
_MARGIN = 16  # a scanner error this close to the buffer's end may only be a cut-off value
_SPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


class NotAnObject(Exception):
    """The file's top level is not an object: the caller reads it whole instead."""


class Items:
    """The elements of a streamed list, each once, in order; exhaust it before asking for the
    next member. `consumed` counts the elements handed out so far."""

    def __init__(self, stream: "JsonObjectStream"):
        self._elements = stream._elements()
        self.consumed = 0

    def __iter__(self) -> "Items":
        return self

    def __next__(self):
        value = next(self._elements)
        self.consumed += 1
        return value


class JsonObjectStream:
    """`members(list_keys)` yields (key, value) for each member of the top-level object, with
    an `Items` in place of the value of a key in `list_keys` whose value is a list."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._file = open(path, "rb")
        except OSError as exc:
            raise DreamlyError(f"can't read {path}: {exc.strerror or exc}") from None
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._lines = 0  # line breaks in the text already dropped from the buffer
        self._column = 0  # characters after the last dropped line break
        self._raw_lines = 0  # line breaks in the bytes read so far (for a UTF-8 error's line)

    def __enter__(self) -> "JsonObjectStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    # -- the grammar of the top level ----------------------------------------------------------

    def members(self, list_keys) -> Iterator[tuple[str, object]]:
        if self._peek() != "{":
            raise NotAnObject
        self.pos += 1
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                if self._peek() != '"':
                    raise self._error(self.pos, "Expecting property name enclosed in double quotes")
                key = self._value()
                if self._peek() != ":":
                    raise self._error(self.pos, "Expecting ':' delimiter")
                self.pos += 1
                if key in list_keys and self._peek() == "[":
                    self.pos += 1
                    items = Items(self)
                    yield key, items
                    for _ in items:  # the rest of the list must still be valid JSON
                        pass
                else:
                    yield key, self._value()
                c = self._peek()
                if c == "}":
                    self.pos += 1
                    break
                if c != ",":
                    raise self._error(self.pos, "Expecting ',' delimiter")
                self.pos += 1
        if self._peek() != "":
            raise self._error(self.pos, "Extra data")

    def _elements(self) -> Iterator[object]:
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield self._value()
            c = self._peek()
            if c == "]":
                self.pos += 1
                return
            if c != ",":
                raise self._error(self.pos, "Expecting ',' delimiter")
            self.pos += 1

    # -- the buffer ----------------------------------------------------------------------------

    def _value(self):
        """One JSON value starting at `pos` (after any white space), with the buffer grown
        until the value is whole."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if not self.eof and (exc.pos >= len(self.buf) - _MARGIN or exc.msg.startswith("Unterminated string")):
                    self._fill()
                    continue
                raise self._error(exc.pos, exc.msg) from None
            except RecursionError:
                raise DreamlyError(f"{self.path}: not valid JSON (nested too deeply)") from None
            except ValueError:  # a number of more than 4,300 digits
                raise self._error(self.pos, "a number too long to read") from None
            if end >= len(self.buf) and not self.eof:  # a number may go on in the next read: 12|34
                self._fill()
                continue
            self.pos = end
            return value

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _SPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if self.eof:
                return ""
            self._fill()

    def _fill(self) -> None:
        dropped = self.buf[:self.pos]
        if dropped:
            newline = dropped.rfind("\n")
            self._lines += dropped.count("\n")
            self._column = len(dropped) - newline - 1 if newline >= 0 else self._column + len(dropped)
            self.buf = self.buf[self.pos:]
            self.pos = 0
        try:
            data = self._file.read(max(READ, len(self.buf)))
        except OSError as exc:
            raise DreamlyError(f"can't read {self.path}: {exc.strerror or exc}") from None
        pending = len(self._decoder.getstate()[0])
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            line = self._raw_lines + data.count(b"\n", 0, max(0, exc.start - pending)) + 1
            raise DreamlyError(f"{self.path}, line {line}: not UTF-8 text") from None
        self._raw_lines += data.count(b"\n")
        self.buf += text
        if not data:
            self.eof = True

    def _error(self, pos: int, message: str) -> DreamlyError:
        newline = self.buf.rfind("\n", 0, pos)
        line = self._lines + self.buf.count("\n", 0, pos) + 1
        column = pos - newline if newline >= 0 else self._column + pos + 1
        return DreamlyError(f"{self.path}, line {line} column {column}: not valid JSON ({message})")


# -- a dreamly or jrnl JSON export, streamed when it can be (formats/__init__.py asks) ---------


class _ReadWhole(Exception):
    """The file's layout can't be streamed (its list before the member that says what it is)."""


def read_json_file(path: Path, readers: list, options) -> Iterator[Incoming]:
    """The records of a JSON export, streamed when the file is laid out as exports are (the
    members that say what it is, then the list); any other layout is read whole."""
    list_keys = {reader.LIST_KEY for reader in readers}
    try:
        with JsonObjectStream(path) as stream:
            header: dict = {}
            streamed = False
            for key, value in stream.members(list_keys):
                if not isinstance(value, Items):
                    header[key] = value
                    continue
                if streamed:  # a second list: read past (it must be valid JSON), as json.loads would
                    continue
                reader = next((r for r in readers if r.recognises({**header, key: []})), None)
                if reader is None or reader.LIST_KEY != key:
                    raise _ReadWhole
                yield from reader.read_items(path, header, value, options)
                streamed = True
            if streamed:
                return
        yield from read_json_data(path, header, readers, options)  # no list to stream: all of it is here
    except (NotAnObject, _ReadWhole):
        yield from read_json_data(path, load_json(path), readers, options)


def read_json_data(path: Path, data, readers: list, options) -> Iterator[Incoming]:
    for reader in readers:
        if reader.recognises(data):
            yield from reader.read_json(path, data, options)
            return
    wanted = readers[0].NOT_THIS if len(readers) == 1 else f"a {' or '.join(r.LABEL for r in readers)} JSON export"
    raise DreamlyError(f"{path} is not {wanted}")
