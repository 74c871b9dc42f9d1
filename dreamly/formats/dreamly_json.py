"""dreamly's JSON export: every field of every table that belongs to a dream; `import`
reads it back without loss.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from dreamly.errors import DreamlyError

from dreamly.formats.records import Incoming, _Fields, _record

NAME = "json"  # what --format calls it (the registry in formats/__init__.py)


EXPORT_VERSION = 1


JSON_KEYS = ("id", "dreamt_on", "created", "updated", "title", "body", "lucid", "nightmare", "recurring",
             "sleep_quality", "context", "source", "content_hash", "tags", "emotions", "motifs",
             "interpretations", "rehearsals", "lucidity", "reflections", "corrections")


def json_record(dream: dict) -> dict:
    """The export record of a dream: its fields, then its lists, in a fixed order."""
    lists = ("interpretations", "rehearsals", "reflections", "corrections")
    return {key: dream.get(key, []) if key in lists else dream.get(key) for key in JSON_KEYS}


def write_json(dreams: Iterable[dict], out: TextIO) -> int:
    """`{"dreamly_export": 1, "dreams": [...]}` with one dream per line: valid JSON that
    still diffs and greps line by line."""
    return write_json_lines((json.dumps(json_record(dream), ensure_ascii=False) for dream in dreams), out)


def write_json_lines(records: Iterable[str], out: TextIO) -> int:
    """write_json's file from records already encoded (json_sql builds them in SQLite)."""
    out.write(f'{{"dreamly_export": {EXPORT_VERSION}, "dreams": [')
    count = 0
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(record)
        count += 1
    out.write("\n]}\n")
    return count


def _read_dreamly_json(path: Path, data: dict, stamp: str) -> list[Incoming]:
    _check_version(path, data)
    dreams = data.get("dreams")
    if not isinstance(dreams, list):
        raise DreamlyError(f"{path}: 'dreams' must be a list")
    return [_dreamly_record(path, number, raw, stamp) for number, raw in enumerate(dreams, 1)]


def _check_version(path: Path, data: dict) -> None:
    version = data.get("dreamly_export")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DreamlyError(f"{path}: 'dreamly_export' must be a version number")
    if version > EXPORT_VERSION:
        raise DreamlyError(f"{path} was written by a newer dreamly (export version {version}); upgrade dreamly")


def _dreamly_record(path: Path, number: int, raw, stamp: str) -> Incoming:
    """The checked record of dream `number` (from 1) of the export."""
    where = f"{path}, dream {number}"
    f = _Fields(raw, where)
    body = f.required("body")
    if not body.strip():
        raise f.fail("body", "is empty")
    created = f.stamp("created", stamp)
    emotions = []
    for i, item in enumerate(f.items("emotions"), 1):
        e = _Fields(item, f"{where}, emotion {i}")
        name = e.text("emotion", None)
        if not name or not name.strip():
            raise e.fail("emotion", "must be a feeling's name")
        origin = e.text("origin", "user")
        if origin not in ("user", "text"):
            raise e.fail("origin", "must be 'user' or 'text'")
        emotions.append({"emotion": name.strip().lower(), "intensity": e.number("intensity", 1, 5, none_ok=True),
                         "origin": origin})
    motifs = []
    for i, item in enumerate(f.items("motifs"), 1):
        m = _Fields(item, f"{where}, motif {i}")
        motif = m.text("motif", None)
        if not motif:
            raise m.fail("motif", "must be a motif id")
        subject = m.text("subject", "dreamer")
        if subject not in ("dreamer", "other"):
            raise m.fail("subject", "must be 'dreamer' or 'other'")
        motifs.append({"motif": motif, "evidence": m.text("evidence"), "start": m.number("start", 0, 2**31),
                       "end": m.number("end", 0, 2**31), "subject": subject,
                       "matcher_version": m.number("matcher_version", 0, 2**31)})
    interpretations = []
    for i, item in enumerate(f.items("interpretations"), 1):
        n = _Fields(item, f"{where}, interpretation {i}")
        complete = n.raw.get("complete", True)
        if not isinstance(complete, bool):
            raise n.fail("complete", "must be true or false")
        interpretations.append({
            "model": n.required("model"),
            "lens": n.text("lens", None, none_ok=True), "prompt": n.text("prompt"),
            "system": n.text("system", None, none_ok=True), "response": n.text("response"),
            "complete": complete, "created": n.stamp("created", stamp),
        })
    rehearsals = []
    for i, item in enumerate(f.items("rehearsals"), 1):
        r = _Fields(item, f"{where}, rehearsal {i}")
        rehearsals.append({"body": r.text("body"), "created": r.stamp("created", stamp)})
    reflections = []
    for i, item in enumerate(f.items("reflections"), 1):
        r = _Fields(item, f"{where}, reflection {i}")
        reflections.append({"question": r.required("question"), "answer": r.text("answer"),
                            "created": r.stamp("created", stamp)})
    corrections = []
    for i, item in enumerate(f.items("corrections"), 1):
        c = _Fields(item, f"{where}, correction {i}")
        kind, action = c.text("kind"), c.text("action")
        if kind not in ("motif", "emotion"):
            raise c.fail("kind", "must be 'motif' or 'emotion'")
        if action not in ("add", "drop"):
            raise c.fail("action", "must be 'add' or 'drop'")
        corrections.append({"kind": kind, "name": c.required("name"), "action": action,
                            "created": c.stamp("created", stamp)})
    tags = f.items("tags")
    if not all(isinstance(t, str) for t in tags):
        raise f.fail("tags", "must be a list of text")
    record = _record(
        dreamt_on=f.day("dreamt_on"), body=body, created=created, updated=f.stamp("updated", created),
        title=f.text("title"), context=f.text("context"), lucid=f.flag("lucid"),
        nightmare=f.flag("nightmare"), recurring=f.flag("recurring"),
        sleep_quality=f.number("sleep_quality", 1, 5, none_ok=True), source=f.text("source", None, none_ok=True),
        tags=tags, emotions=emotions, motifs=motifs, interpretations=interpretations, rehearsals=rehearsals,
        lucidity=f.number("lucidity", 1, 5, none_ok=True),
        reflections=reflections, corrections=corrections,
    )
    old_id = raw.get("id")
    # Same-day dreams go back in in their old order, whatever order the file lists them in.
    rank = old_id if isinstance(old_id, int) and not isinstance(old_id, bool) else float("inf")
    return Incoming(where, record, carries_analysis=True, order=(rank, number))


# -- the registry's contract (formats/__init__.py) ---------------------------------------------

SUFFIXES = (".json",)  # what `import` reads as JSON when no --format is given (this or jrnl's, by content)
NEWLINE = None
SIGNATURE = b'{"dreamly_export"'  # how a file this exporter wrote begins (export may replace it)
NOT_THIS = "a dreamly JSON export (no 'dreamly_export' field)"  # what a JSON file that `recognises` refuses is not
LABEL = "dreamly"


def export(dreams: Iterable[dict], out: TextIO, job) -> int:
    from dreamly.formats import json_sql

    records = json_sql.lines(job.journal, job.filters, JSON_KEYS)  # straight from SQL, when SQLite can
    if records is not None:
        return write_json_lines(job.counting(records), out)
    return write_json(dreams, out)


def recognises(data) -> bool:
    return isinstance(data, dict) and "dreamly_export" in data


def read_json(path: Path, data: dict, options) -> list[Incoming]:
    return _read_dreamly_json(path, data, options.stamp)


LIST_KEY = "dreams"  # the member a streaming read hands out one element at a time


def read_items(path: Path, header: dict, items: Iterable, options) -> Iterator[Incoming]:
    """The records of a streamed export: `header` holds the members before the list."""
    _check_version(path, header)
    for number, raw in enumerate(items, 1):
        yield _dreamly_record(path, number, raw, options.stamp)
