"""The record shape every format reads into (that of the JSON export), and the checks
and helpers the readers share: fields, days, timestamps, feelings, file text.
"""

from __future__ import annotations

import gc
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable

from dreamly.errors import DreamlyError
from dreamly.model import motif_ids



def _user_feelings(dream: dict) -> list[str]:
    """The feelings the user tagged, as the CLI takes them: fear:4, confusion."""
    return [e["emotion"] + (f":{e['intensity']}" if e["intensity"] is not None else "")
            for e in dream["emotions"] if e["origin"] == "user"]


def _found_feelings(dream: dict) -> list[str]:
    return [e["emotion"] for e in dream["emotions"] if e["origin"] == "text"]


_motif_ids = motif_ids


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Incoming:
    """One dream read from a file, in the export record shape, with where it came from."""

    where: str
    dream: dict
    carries_analysis: bool = False  # motifs/text feelings from a dreamly export, maybe reusable
    order: tuple = ()
    key: str = ""  # content hash, set by plan_import


@dataclass
class ImportPlan:
    new: list[Incoming]
    known: int  # already in the journal, or repeated in the file


@contextmanager
def _no_cyclic_gc():
    """Records are plain acyclic data: the cyclic collector only rescans them, over and over
    (it halves the time to read a 100,000-dream export)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DreamlyError(f"can't read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DreamlyError(f"{path}, line {line}: not UTF-8 text") from None


def _load_json(path: Path):
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DreamlyError(f"{path}, line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise DreamlyError(f"{path}: not valid JSON (nested too deeply)") from None


class _Fields:
    """Checked reads from one raw record; every problem names the record and the field."""

    def __init__(self, raw, where: str):
        if not isinstance(raw, dict):
            raise DreamlyError(f"{where}: expected an object, found {type(raw).__name__}")
        self.raw = raw
        self.where = where

    def fail(self, key: str, problem: str) -> DreamlyError:
        return DreamlyError(f"{self.where}: '{key}' {problem}")

    def text(self, key: str, default: str | None = "", *, none_ok: bool = False) -> str | None:
        value = self.raw.get(key, default)
        if value is None and none_ok:
            return None
        if not isinstance(value, str):
            raise self.fail(key, "must be text" + (" or null" if none_ok else ""))
        if "\x00" in value:
            raise self.fail(key, "contains a NUL character")
        from dreamly.entry import repair_surrogates

        return repair_surrogates(value)  # a lone surrogate (JSON "\ud800") becomes U+FFFD, as in `add`

    def required(self, key: str) -> str:
        if key not in self.raw:
            raise self.fail(key, "is missing")
        return self.text(key)

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def number(self, key: str, low: int | None = None, high: int | None = None, *, none_ok: bool = False,
               default=None) -> int | None:
        value = self.raw.get(key, default)
        if value is None and none_ok:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be a whole number" + (" or null" if none_ok else ""))
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(key, f"must be between {low} and {high}")
        return value

    def day(self, key: str) -> str:
        value = self.required(key)
        return _iso_day(value, lambda: self.fail(key, "must be a date like 2026-11-20"))

    def stamp(self, key: str, default: str) -> str:
        value = self.text(key, default)
        return _iso_stamp(value, lambda: self.fail(key, "must be an ISO timestamp"))

    def items(self, key: str) -> list:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value


def _iso_day(value: str, error: Callable[[], DreamlyError]) -> str:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise error() from None


def _iso_stamp(value: str, error: Callable[[], DreamlyError]) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise error() from None
    return value  # kept exactly as written: a restore gives back the same timestamps


def _record(*, dreamt_on: str, body: str, created: str, updated: str | None = None, title: str = "",
            context: str = "", lucid: bool = False, nightmare: bool = False, recurring: bool = False,
            sleep_quality: int | None = None, source: str | None = None, tags: Iterable[str] = (),
            emotions: Iterable[dict] = (), motifs: Iterable[dict] = (), interpretations: Iterable[dict] = (),
            rehearsals: Iterable[dict] = (), lucidity: int | None = None, reflections: Iterable[dict] = (),
            corrections: Iterable[dict] = ()) -> dict:
    from dreamly.store import normalise_tag

    return {
        "dreamt_on": dreamt_on, "created": created, "updated": updated or created, "title": title,
        "body": body, "lucid": lucid, "nightmare": nightmare, "recurring": recurring,
        "sleep_quality": sleep_quality, "context": context, "source": source,
        "tags": [t for t in dict.fromkeys(normalise_tag(t) for t in tags) if t],
        "emotions": _unique_emotions(emotions), "motifs": list(motifs),
        "interpretations": list(interpretations), "rehearsals": list(rehearsals),
        "reflections": list(reflections), "corrections": list(corrections),
        "lucidity": lucidity,
    }


def _unique_emotions(emotions: Iterable[dict]) -> list[dict]:
    """One row per feeling, the user's before the text's (as the journal keeps them)."""
    ordered = sorted(emotions, key=lambda e: e["origin"] != "user")
    seen: dict[str, dict] = {}
    for e in ordered:
        seen.setdefault(e["emotion"], e)
    return list(seen.values())


def _clean_body(text: str) -> str:
    from dreamly.entry import clean_text

    return clean_text(text)


_TRUE = {"1", "true", "yes", "y", "x"}


_FALSE = {"", "0", "false", "no", "n"}


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]


# -- what the registry hands a format (formats/__init__.py) ------------------------------------


@dataclass
class ExportJob:
    """What an exporter may need besides the dreams and the stream: the journal and filters
    (JSON writes straight from SQL when it can), how many dreams there are, the progress
    callback, today, and the motifs' labels, looked up only by a format that names motifs."""

    journal: object
    filters: object
    total: int
    on_progress: Callable[[int], None] | None = None
    motif_labels: Callable[[], dict] | dict | None = None
    today: date | None = None

    def labels(self) -> dict:
        found = self.motif_labels() if callable(self.motif_labels) else self.motif_labels
        return found or {}

    def counting(self, items: Iterable) -> Iterable:
        """`items`, reporting each to the progress callback as it goes by."""
        for item in items:
            yield item
            if self.on_progress:
                self.on_progress(1)


@dataclass
class ImportOptions:
    """What a reader may need besides the path: the import's timestamp (`created` of records
    that carry none), today (for relative dates) and the CSV column names."""

    stamp: str
    today: date | None = None
    date_column: str = "date"
    text_column: str = "text"
