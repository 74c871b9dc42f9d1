"""jrnl's JSON export, read into dreamly's record shape.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from dreamly.errors import DreamlyError

from dreamly.formats.records import Incoming, _Fields, _clean_body, _record

NAME = "jrnl"  # what --format calls it (the registry in formats/__init__.py)


def _read_jrnl(path: Path, data: dict) -> list[Incoming]:
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise DreamlyError(f"{path}: 'entries' must be a list")
    return [_jrnl_record(path, number, raw) for number, raw in enumerate(entries, 1)]


def _jrnl_record(path: Path, number: int, raw) -> Incoming:
    where = f"{path}, entry {number}"
    f = _Fields(raw, where)
    day = f.day("date")
    title, body = f.text("title"), f.text("body")
    # jrnl's "title" is only the first sentence or line of the entry: the dream is both.
    text = _clean_body(f"{title.strip()}\n{body.strip()}" if body.strip() else title.strip())
    if not text.strip():
        raise f.fail("body", "is empty: the entry has no text")
    time = f.text("time", "") or "00:00"
    try:  # jrnl's date and time are local: stored as the UTC moment it was written
        written = datetime.fromisoformat(f"{day}T{time}").astimezone(timezone.utc)
    except ValueError:
        raise f.fail("time", "must be a time like 07:15") from None
    tags = f.items("tags")
    if not all(isinstance(t, str) for t in tags):
        raise f.fail("tags", "must be a list of text")
    tags = [t.lstrip("@#") for t in tags]
    if raw.get("starred") is True:
        tags.append("starred")
    stamp = written.isoformat(timespec="seconds")
    return Incoming(where, _record(dreamt_on=day, body=text, created=stamp, tags=tags,
                                   source=f"jrnl:{path.name}"), order=(number,))


# -- the registry's contract (formats/__init__.py) ---------------------------------------------

SUFFIXES = (".json",)  # what `import` reads as JSON when no --format is given (this or dreamly's, by content)
NOT_THIS = "a jrnl JSON export (no 'entries' list)"  # what a JSON file that `recognises` refuses is not
LABEL = "jrnl"


def recognises(data) -> bool:
    return isinstance(data, dict) and "entries" in data


def read_json(path: Path, data: dict, options) -> list[Incoming]:
    return _read_jrnl(path, data)


LIST_KEY = "entries"  # the member a streaming read hands out one element at a time


def read_items(path: Path, header: dict, items, options):
    """The records of a streamed jrnl export: `header` holds the members before the list."""
    for number, raw in enumerate(items, 1):
        yield _jrnl_record(path, number, raw)
