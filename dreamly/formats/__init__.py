"""Export and import: the file formats a journal travels in.

Writers stream: they walk `Journal.iter_dreams` a batch at a time and write as they go, so
an export of any size needs the memory of one batch. Formats:

- markdown, one file: a readable document, each dream with everything that belongs to it.
- markdown, split: one file per dream with YAML front matter (Obsidian and friends read
  it) plus an `index.md`. The front matter is written by hand, every string as a JSON
  string, which is also a valid YAML double-quoted scalar, so exporting needs no YAML
  library.
- json: every field of every table that belongs to a dream; `import` reads it back
  without loss.
- csv: one row per dream, lists joined with ", ".

Readers turn dreamly JSON, dreamly Markdown (front matter), jrnl's JSON export and CSV into
one record shape (that of the JSON export) and name the file and the line or record of
anything malformed. Nothing is written before every record has been read and checked,
and the journal receives the whole import in one transaction.

Analysis on import: every imported dream is analysed with the current matcher, except a
dream from a dreamly JSON export whose motifs all carry the current MATCHER_VERSION: its
stored motifs and text-found feelings are kept as they were. That keeps export → import →
export identical (the analysis would come out the same anyway, unless the user's own
motifs differ between the two journals) and makes restoring a backup fast.

Nothing here prints; long loops report progress through an `on_progress(n)` callback.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from dreamly.errors import DreamlyError
from dreamly.entry import repair_surrogates
from dreamly.files import write_atomically
from dreamly.text import first_words

EXPORT_VERSION = 1
EXPORT_FORMATS = ("markdown", "json", "csv")
IMPORT_FORMATS = ("auto", "json", "jrnl", "markdown", "csv")
NOTES_MARKER = "<!-- dreamly: the notes below are not part of the dream -->"
INDEX_NAME = "index.md"
BATCH = 500

Progress = Callable[[int], None] | None


# -- export --------------------------------------------------------------------------------


def iter_export(journal, filters) -> Iterator[dict]:
    """Every matching dream as an export record, with its interpretations and rehearsals
    (fetched for a batch of dreams at a time, not once per dream)."""
    batch: list[dict] = []
    for dream in journal.iter_dreams(filters):
        batch.append(dream)
        if len(batch) == BATCH:
            yield from _with_history(journal, batch)
            batch = []
    yield from _with_history(journal, batch)


def _with_history(journal, batch: list[dict]) -> Iterator[dict]:
    if not batch:
        return
    history = journal.history_for([d["id"] for d in batch])
    for dream in batch:
        dream.update(history[dream["id"]])
        yield dream


def export(journal, filters, fmt: str, output: Path | None, out: TextIO | None = None, *, split: bool = False,
           on_progress: Progress = None, motif_labels: dict | None = None, today: date | None = None) -> int:
    """Write the dreams matching `filters` as `fmt` to `output` (a file, or with `split` a
    folder), or to `out` when there is no output. Returns how many dreams were written.

    A file is written next to its target and renamed into place, and a split export is
    built in a hidden folder and renamed, so a failed export never leaves half a file.
    """
    if fmt not in EXPORT_FORMATS:
        raise DreamlyError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if split and fmt != "markdown":
        raise DreamlyError("--split writes one Markdown file per dream; use it with --format markdown")
    if split and output is None:
        raise DreamlyError("--split needs --output FOLDER: the folder to write one file per dream into")
    if output is not None and not split and output.is_dir():
        raise DreamlyError(f"{output} is a folder; give a file name, or add --split for one file per dream")
    total = journal.count_matching(filters)
    dreams = _counting(iter_export(journal, filters), on_progress)
    labels = motif_labels or {}
    if split:
        return _write_split(dreams, output, labels)

    def write(stream: TextIO) -> int:
        if fmt == "json":
            return write_json(dreams, stream)
        if fmt == "csv":
            return write_csv(dreams, stream)
        return write_markdown(dreams, stream, total=total, oldest_first=filters.oldest_first, labels=labels,
                              today=today)

    if output is None:
        return write(out)
    return write_atomically(output, write, newline="" if fmt == "csv" else None)


def _counting(dreams: Iterable[dict], on_progress: Progress) -> Iterator[dict]:
    for dream in dreams:
        yield dream
        if on_progress:
            on_progress(1)


def json_record(dream: dict) -> dict:
    """The export record of a dream: its fields, then its lists, in a fixed order."""
    keys = ("id", "dreamt_on", "created", "updated", "title", "body", "lucid", "nightmare", "recurring",
            "sleep_quality", "context", "source", "content_hash", "tags", "emotions", "motifs",
            "interpretations", "rehearsals")
    return {key: dream.get(key, []) if key in ("interpretations", "rehearsals") else dream[key] for key in keys}


def write_json(dreams: Iterable[dict], out: TextIO) -> int:
    """`{"dreamly_export": 1, "dreams": [...]}` with one dream per line: valid JSON that
    still diffs and greps line by line."""
    out.write(f'{{"dreamly_export": {EXPORT_VERSION}, "dreams": [')
    count = 0
    for dream in dreams:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(json_record(dream), ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


CSV_COLUMNS = ("date", "title", "text", "tags", "emotions", "found_emotions", "motifs", "lucid", "nightmare",
               "recurring", "sleep_quality", "context", "created", "updated", "source", "id")


def write_csv(dreams: Iterable[dict], out: TextIO) -> int:
    """One row per dream; `date` and `text` columns, so `dreamly import` reads it back as it is.
    Text cells are neutralised for spreadsheets (see csv_cell), lists joined losslessly."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for d in dreams:
        writer.writerow((
            d["dreamt_on"], csv_cell(d["title"]), csv_cell(d["body"]), csv_cell(join_list(d["tags"])),
            csv_cell(join_list(_user_feelings(d))), csv_cell(join_list(_found_feelings(d))),
            csv_cell(join_list(_motif_ids(d))), int(d["lucid"]), int(d["nightmare"]),
            int(d["recurring"]), "" if d["sleep_quality"] is None else d["sleep_quality"], csv_cell(d["context"]),
            d["created"], d["updated"], csv_cell(d["source"] or ""), d["id"],
        ))
        count += 1
    return count


# A spreadsheet runs a cell that starts with = + - @ (or tab / CR before them) as a formula:
# `=HYPERLINK("http://…?d="&C3, …)` would send the dream away when clicked. Such a cell, and one
# that starts with the quote itself, gets a leading ' (shown as text by spreadsheets); import
# takes exactly one such quote off again, so the round trip is lossless.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def join_list(values: Iterable[str]) -> str:
    """Tags (or feelings) in one cell: `, ` between them, and a `,`, `;` or `\\` inside one
    escaped with a backslash, so `_split_list` gives back exactly the same list."""
    return ", ".join(re.sub(r"([\\,;])", r"\\\1", value) for value in values)


def _user_feelings(dream: dict) -> list[str]:
    """The feelings the user tagged, as the CLI takes them: fear:4, confusion."""
    return [e["emotion"] + (f":{e['intensity']}" if e["intensity"] is not None else "")
            for e in dream["emotions"] if e["origin"] == "user"]


def _found_feelings(dream: dict) -> list[str]:
    return [e["emotion"] for e in dream["emotions"] if e["origin"] == "text"]


def _motif_ids(dream: dict) -> list[str]:
    return list(dict.fromkeys(m["motif"] for m in dream["motifs"]))


# -- Markdown ----------------------------------------------------------------------------------


def write_markdown(dreams: Iterable[dict], out: TextIO, *, total: int, oldest_first: bool = False,
                   labels: dict | None = None, today: date | None = None) -> int:
    """One readable document: a heading per dream with its details, text and history."""
    order = "oldest first" if oldest_first else "newest first"
    day = (today or date.today()).isoformat()
    out.write(f"# Dream journal\n\n_{total} dream{'' if total == 1 else 's'}, {order}; exported from dreamly on {day}._\n")
    count = 0
    for dream in dreams:
        heading = dream["dreamt_on"] + (f" · {_one_line(dream['title'])}" if dream["title"].strip() else "")
        out.write(f"\n## {heading}\n\n")
        out.write(_details(dream, labels or {}))
        out.write(f"\n{dream['body']}\n")
        out.write(_history(dream, "###"))
        out.write("\n---\n")
        count += 1
    return count


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _details(dream: dict, labels: dict) -> str:
    lines = []
    if dream["tags"]:
        lines.append(f"- **Tags:** {', '.join(dream['tags'])}")
    mine = [e["emotion"] + (f" {e['intensity']}/5" if e["intensity"] is not None else "")
            for e in dream["emotions"] if e["origin"] == "user"]
    found = _found_feelings(dream)
    if mine or found:
        said = ", ".join(mine)
        if found:
            said += ("; " if said else "") + "found in the text: " + ", ".join(found)
        lines.append(f"- **Feelings:** {said}")
    motifs = {}
    for m in dream["motifs"]:
        if m["motif"] not in motifs:
            who = "" if m["subject"] == "dreamer" else ", about someone else"
            motifs[m["motif"]] = f"{labels.get(m['motif'], m['motif'])} (“{_one_line(m['evidence'])}”{who})"
    if motifs:
        lines.append(f"- **Motifs:** {'; '.join(motifs.values())}")
    marks = [name for name in ("nightmare", "lucid", "recurring") if dream[name]]
    if marks:
        lines.append(f"- **Marked:** {', '.join(marks)}")
    if dream["sleep_quality"] is not None:
        lines.append(f"- **Sleep:** {dream['sleep_quality']}/5")
    if dream["context"].strip():
        lines.append(f"- **Context:** {_one_line(dream['context'])}")
    return "\n".join(lines) + "\n" if lines else ""


def _history(dream: dict, level: str) -> str:
    parts = []
    if dream.get("interpretations"):
        parts.append(f"\n{level} Interpretations\n")
        for i in dream["interpretations"]:
            about = " · ".join(x for x in (i["model"], i["lens"] and f"{i['lens']} lens", i["created"]) if x)
            unfinished = " (incomplete: the model stopped halfway)" if not i["complete"] else ""
            parts.append(f"\n**{_one_line(about)}**{unfinished}\n\n{i['response'].rstrip()}\n")
    if dream.get("rehearsals"):
        parts.append(f"\n{level} Rehearsals\n")
        for r in dream["rehearsals"]:
            parts.append(f"\n**{r['created']}**\n\n{r['body'].rstrip()}\n")
    return "".join(parts)


# YAML (1.1, as PyYAML reads it) must not see these raw, even inside a quoted string:
# C1 controls and BOM/non-characters are "non-printable", NEL/LS/PS are line breaks.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax, with what YAML reads differently escaped."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _yaml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(yaml_string(v) for v in values) + "]"


def front_matter(dream: dict) -> str:
    day = dream["dreamt_on"]
    try:  # an unquoted ISO date is a Date property in Obsidian; anything else stays a string
        day = date.fromisoformat(day).isoformat() if len(day) == 10 else yaml_string(day)
    except ValueError:
        day = yaml_string(day)
    sleep = "null" if dream["sleep_quality"] is None else int(dream["sleep_quality"])
    lines = [
        "---",
        f"date: {day}",
        f"title: {yaml_string(dream['title'])}",
        f"tags: {_yaml_list(dream['tags'])}",
        f"emotions: {_yaml_list(_user_feelings(dream))}",
        f"found_emotions: {_yaml_list(_found_feelings(dream))}",
        f"motifs: {_yaml_list(_motif_ids(dream))}",
        f"lucid: {'true' if dream['lucid'] else 'false'}",
        f"nightmare: {'true' if dream['nightmare'] else 'false'}",
        f"recurring: {'true' if dream['recurring'] else 'false'}",
        f"sleep_quality: {sleep}",
        f"context: {yaml_string(dream['context'])}",
        f"created: {yaml_string(dream['created'])}",
        f"updated: {yaml_string(dream['updated'])}",
        f"source: {'null' if dream['source'] is None else yaml_string(dream['source'])}",
        f"dreamly_id: {int(dream['id'])}",
        "---",
    ]
    return "\n".join(lines) + "\n"


def dream_note(dream: dict) -> str:
    """A dream as a note: front matter, the dream's own text, then its history below a marker
    (the marker is where `import` stops reading the dream)."""
    history = _history(dream, "##")
    note = front_matter(dream) + escape_marker_lines(dream["body"]) + "\n"
    if history:
        note += f"\n{NOTES_MARKER}\n{escape_marker_lines(history)}"
    return note


# A line of a dream that reads like the notes marker (the marker itself, with any number of
# backslashes before it) gets one more backslash in a note and loses one on import, so the
# only line that *is* the marker is the one dreamly wrote, and every line of a dream comes back.
_MARKER_LINE = re.compile(r"^(\\*)" + re.escape(NOTES_MARKER) + r"[ \t]*$", re.MULTILINE)
_ESCAPED_MARKER_LINE = re.compile(r"^\\(\\*" + re.escape(NOTES_MARKER) + r"[ \t]*)$", re.MULTILINE)
_THE_MARKER = re.compile(r"^" + re.escape(NOTES_MARKER) + r"[ \t]*$", re.MULTILINE)


def escape_marker_lines(text: str) -> str:
    return _MARKER_LINE.sub(lambda m: "\\" + m.group(0), text)


def unescape_marker_lines(text: str) -> str:
    return _ESCAPED_MARKER_LINE.sub(lambda m: m.group(1), text)


_RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
SLUG_LIMIT = 60


def slug(text: str, limit: int = SLUG_LIMIT) -> str:
    """Letters, digits and marks of any script, everything else a hyphen: no path separators,
    no dots (so no `..`), no control or direction-override characters, no spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else "-" for ch in text)
    kept = re.sub(r"-{2,}", "-", kept).strip("-")
    kept = kept[:limit].rstrip("-")
    while len(kept.encode("utf-8")) > 2 * limit:  # file systems count bytes (255 at most)
        kept = kept[:-1].rstrip("-")
    return kept


def note_name(dream: dict, taken: set[str]) -> str:
    """`YYYY-MM-DD-slug.md` from the date and the title (or the first words), unique within
    `taken` (compared without case, as Windows and macOS do), never a reserved device name."""
    words = dream["title"] if dream["title"].strip() else " ".join(dream["body"].split()[:8])
    stem = "-".join(part for part in (slug(dream["dreamt_on"], 10), slug(words)) if part) or "dream"
    if stem.split("-")[0] in _RESERVED_NAMES or stem.lower() == "index":
        stem = f"dream-{stem}"
    name, n = f"{stem}.md", 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}-{n}.md"
    taken.add(name.lower())
    return name


def _write_split(dreams: Iterable[dict], folder: Path, labels: dict) -> int:
    """One note per dream plus index.md, built in a hidden folder beside the target and
    renamed into place: dreamly never writes into a folder that already holds files."""
    if folder.exists() and not folder.is_dir():
        raise DreamlyError(f"{folder} is a file; --split needs a folder (new, or empty)")
    if folder.is_dir() and any(folder.iterdir()):
        raise DreamlyError(f"{folder} is not empty; give a new or empty folder (dreamly never overwrites notes)")
    parent = folder.parent
    if not parent.is_dir():
        raise DreamlyError(f"can't write {folder}: the folder {parent} does not exist")
    try:
        building = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.", suffix=".part"))  # 0700
    except OSError as exc:
        raise DreamlyError(f"can't write to {parent}: {exc.strerror or exc}") from None
    try:
        taken = {INDEX_NAME}
        index = []
        for dream in dreams:
            name = note_name(dream, taken)
            _write_new(building / name, dream_note(dream))
            label = dream["title"].strip() and _one_line(dream["title"]) or first_words(dream["body"])
            index.append(f"- {dream['dreamt_on']} · [{_link_text(label)}]({name})")
        header = ("---\ndreamly: index\n---\n# Dream journal\n\n"
                  f"{len(index)} dream{'' if len(index) == 1 else 's'}, one note each.\n\n")
        _write_new(building / INDEX_NAME, header + "\n".join(index) + "\n")
        if folder.is_dir():
            folder.rmdir()  # empty, checked above
        building.rename(folder)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise DreamlyError(f"can't write {folder}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return len(index)


def _write_new(path: Path, text: str) -> None:
    """A new private file (0600); O_EXCL: never replaces one, nor follows a symlink planted there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _link_text(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", text)


# -- import: reading -------------------------------------------------------------------------


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


def read_import(path: Path, fmt: str = "auto", *, date_column: str = "date", text_column: str = "text",
                today: date | None = None) -> tuple[list[Incoming], list[Path]]:
    """Read and check every record of `path`. Returns the records and the Markdown files of a
    folder that were passed over (no front matter with a date)."""
    with _no_cyclic_gc():
        records, skipped = _read_import(path, fmt, date_column=date_column, text_column=text_column, today=today)
    _refuse_what_add_refuses(records, today)
    return records, skipped


def _refuse_what_add_refuses(records: list[Incoming], today: date | None) -> None:
    """An import takes no dream that `dreamly add` would refuse: a day in the future, a tag with
    a control character (NUL) or longer than a tag can be."""
    from dreamly.store import tag_problem

    latest = (today or date.today()).isoformat()
    for item in records:
        dream = item.dream
        if dream["dreamt_on"] > latest:
            raise DreamlyError(f"{item.where}: the day {dream['dreamt_on']} is in the future; a dream is filed "
                               "under the morning you woke")
        for tag in dream["tags"]:
            problem = tag_problem(tag)
            if problem:
                raise DreamlyError(f"{item.where}: a tag {problem}")


def _read_import(path: Path, fmt: str, *, date_column: str, text_column: str,
                 today: date | None) -> tuple[list[Incoming], list[Path]]:
    if fmt not in IMPORT_FORMATS:
        raise DreamlyError(f"unknown import format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}")
    if not path.exists():
        raise DreamlyError(f"{path} does not exist")
    from dreamly.store import now_utc

    stamp = now_utc()
    if path.is_dir():
        if fmt not in ("auto", "markdown"):
            raise DreamlyError(f"{path} is a folder; only Markdown notes are read from a folder")
        return _read_markdown_folder(path, stamp, today)
    if not path.is_file():  # a FIFO would block the import for ever; a device could be endless
        raise DreamlyError(f"{path} is not a regular file (a pipe or a device?); import reads files and folders")
    suffix = path.suffix.lower()
    if fmt == "markdown" or (fmt == "auto" and suffix in (".md", ".markdown")):
        record = _read_markdown_file(path, stamp, today, required=True)
        return [record], []
    if fmt == "csv" or (fmt == "auto" and suffix in (".csv", ".tsv")):
        return _read_csv(path, stamp, today, date_column, text_column), []
    if fmt in ("json", "jrnl") or suffix == ".json":
        data = _load_json(path)
        if fmt in ("auto", "json") and isinstance(data, dict) and "dreamly_export" in data:
            return _read_dreamly_json(path, data, stamp), []
        if fmt in ("auto", "jrnl") and isinstance(data, dict) and "entries" in data:
            return _read_jrnl(path, data), []
        wanted = {"json": "a dreamly JSON export (no 'dreamly_export' field)",
                  "jrnl": "a jrnl JSON export (no 'entries' list)"}.get(fmt, "a dreamly or jrnl JSON export")
        raise DreamlyError(f"{path} is not {wanted}")
    raise DreamlyError(f"can't tell the format of {path} from its name; use --format json, jrnl, markdown or csv")


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
            rehearsals: Iterable[dict] = ()) -> dict:
    from dreamly.store import normalise_tag

    return {
        "dreamt_on": dreamt_on, "created": created, "updated": updated or created, "title": title,
        "body": body, "lucid": lucid, "nightmare": nightmare, "recurring": recurring,
        "sleep_quality": sleep_quality, "context": context, "source": source,
        "tags": [t for t in dict.fromkeys(normalise_tag(t) for t in tags) if t],
        "emotions": _unique_emotions(emotions), "motifs": list(motifs),
        "interpretations": list(interpretations), "rehearsals": list(rehearsals),
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


# dreamly JSON


def _read_dreamly_json(path: Path, data: dict, stamp: str) -> list[Incoming]:
    version = data.get("dreamly_export")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DreamlyError(f"{path}: 'dreamly_export' must be a version number")
    if version > EXPORT_VERSION:
        raise DreamlyError(f"{path} was written by a newer dreamly (export version {version}); upgrade dreamly")
    dreams = data.get("dreams")
    if not isinstance(dreams, list):
        raise DreamlyError(f"{path}: 'dreams' must be a list")
    records = []
    for number, raw in enumerate(dreams, 1):
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
                           "matcher_version": m.number("matcher_version", 0)})
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
        tags = f.items("tags")
        if not all(isinstance(t, str) for t in tags):
            raise f.fail("tags", "must be a list of text")
        record = _record(
            dreamt_on=f.day("dreamt_on"), body=body, created=created, updated=f.stamp("updated", created),
            title=f.text("title"), context=f.text("context"), lucid=f.flag("lucid"),
            nightmare=f.flag("nightmare"), recurring=f.flag("recurring"),
            sleep_quality=f.number("sleep_quality", 1, 5, none_ok=True), source=f.text("source", None, none_ok=True),
            tags=tags, emotions=emotions, motifs=motifs, interpretations=interpretations, rehearsals=rehearsals,
        )
        old_id = raw.get("id")
        # Same-day dreams go back in in their old order, whatever order the file lists them in.
        rank = old_id if isinstance(old_id, int) and not isinstance(old_id, bool) else float("inf")
        records.append(Incoming(where, record, carries_analysis=True, order=(rank, number)))
    return records


# jrnl JSON (`jrnl --export json`)


def _read_jrnl(path: Path, data: dict) -> list[Incoming]:
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise DreamlyError(f"{path}: 'entries' must be a list")
    records = []
    for number, raw in enumerate(entries, 1):
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
        records.append(Incoming(where, _record(dreamt_on=day, body=text, created=stamp, tags=tags,
                                               source=f"jrnl:{path.name}"), order=(number,)))
    return records


# CSV


_TRUE = {"1", "true", "yes", "y", "x"}
_FALSE = {"", "0", "false", "no", "n"}


def _read_csv(path: Path, stamp: str, today: date | None, date_column: str, text_column: str) -> list[Incoming]:
    from dreamly.dates import parse_day
    from dreamly.entry import parse_emotion

    text = _read_text(path)
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    # a dream can be longer than the csv module's 131,072-character default: the file's size bounds it
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)  # CSV's own line ends, quoted ones too
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DreamlyError(f"{path}, line 1: not readable as CSV ({exc})") from None
    if not header:
        raise DreamlyError(f"{path} is empty: expected a header line with '{date_column}' and '{text_column}' columns")
    columns = {name.strip().lower(): i for i, name in reversed(list(enumerate(header)))}
    for wanted, option in ((date_column, "--date-column"), (text_column, "--text-column")):
        if wanted.strip().lower() not in columns:
            # never the header's cells: without a header line, they are the first dream
            raise DreamlyError(f"{path}: no '{wanted}' column in the first line ({len(header)} column"
                               f"{'' if len(header) == 1 else 's'}); name it with {option}, or add a header line")

    def cell(row: list[str], name: str) -> str:
        i = columns.get(name.strip().lower())
        return csv_uncell(row[i]).strip() if i is not None and i < len(row) else ""

    records = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise DreamlyError(f"{path}, line {start}: not readable as CSV ({exc})") from None
        if row is None:
            break
        line = reader.line_num
        if not any(value.strip() for value in row):
            continue
        where = f"{path}, line {start}"
        raw_day = cell(row, date_column)
        if not raw_day:
            raise DreamlyError(f"{where}: no date in column '{date_column}'")
        try:
            day = parse_day(raw_day, today)
        except DreamlyError:  # its message quotes the value, which may be a dream in a swapped column
            raise DreamlyError(f"{where}: the date is not a day dreamly reads (e.g. 2026-11-20)") from None
        i = columns[text_column.strip().lower()]
        body = _clean_body(csv_uncell(row[i]) if i < len(row) else "")
        if not body.strip():
            raise DreamlyError(f"{where}: no dream text in column '{text_column}'")
        fields: dict = {}
        for name in ("lucid", "nightmare", "recurring"):
            value = cell(row, name).lower()
            if value not in _TRUE | _FALSE:
                raise DreamlyError(f"{where}: '{name}' must be yes/no, true/false or 1/0")
            fields[name] = value in _TRUE
        sleep = cell(row, "sleep_quality")
        if sleep and (not sleep.isdigit() or not 1 <= int(sleep) <= 5):
            raise DreamlyError(f"{where}: 'sleep_quality' must be a whole number from 1 to 5")
        emotions = []
        for spec in _split_list(cell(row, "emotions")):
            try:
                name, level = parse_emotion(spec)
            except DreamlyError:  # never the value: it may be a dream in a swapped column
                raise DreamlyError(f"{where}: a feeling is not NAME or NAME:1-5 (e.g. fear:4)") from None
            emotions.append({"emotion": name, "intensity": level, "origin": "user"})
        created = cell(row, "created") or stamp
        created = _iso_stamp(created, lambda: DreamlyError(f"{where}: 'created' must be an ISO timestamp"))
        updated = cell(row, "updated") or created
        updated = _iso_stamp(updated, lambda: DreamlyError(f"{where}: 'updated' must be an ISO timestamp"))
        record = _record(
            dreamt_on=day.isoformat(), body=body, created=created, updated=updated, title=cell(row, "title"),
            context=cell(row, "context"), sleep_quality=int(sleep) if sleep else None,
            source=cell(row, "source") or f"csv:{path.name}", tags=_split_list(cell(row, "tags")),
            emotions=emotions, **fields,
        )
        records.append(Incoming(where, record, order=(start,)))
    return records


def _split_list(value: str) -> list[str]:
    """A cell's list: split at `,` or `;` (not at an escaped `\\,` or `\\;`, see join_list)."""
    return [part for part in _split_escaped(value) if part]


def _split_escaped(value: str) -> list[str]:
    parts, current, chars = [], [], iter(value)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, "\\"))
        elif ch in ",;":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


# Markdown with front matter


def _read_markdown_folder(folder: Path, stamp: str, today: date | None) -> tuple[list[Incoming], list[Path]]:
    records, skipped = [], []
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".md", ".markdown") and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    for path in files:
        record = _read_markdown_file(path, stamp, today, required=False)
        if record is None:
            skipped.append(path)
        else:
            records.append(record)
    if not records and not skipped:
        raise DreamlyError(f"{folder} holds no Markdown files")
    return records, [p for p in skipped if p.name != INDEX_NAME or not _is_our_index(p)]


def _is_our_index(path: Path) -> bool:
    return _read_text(path).startswith("---\ndreamly: index\n")


def _read_markdown_file(path: Path, stamp: str, today: date | None, *, required: bool) -> Incoming | None:
    """A note with YAML front matter holding at least a date; the text after it is the dream
    (up to dreamly's notes marker). In a folder, notes without such front matter are passed
    over; a front matter that is not YAML is always an error."""
    text = _read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        if required:
            raise DreamlyError(f"{path}, line 1: no front matter (a '---' line, then YAML with a date, then '---')")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise DreamlyError(f"{path}, line 1: the front matter is never closed with a '---' line")
    meta = _parse_yaml(path, "\n".join(lines[1:end]))
    if meta.get("dreamly") == "index" or not ({"date", "dreamt_on"} & set(meta)):
        if required:
            raise DreamlyError(f"{path}: the front matter has no 'date'")
        return None
    body = "\n".join(lines[end + 1:])
    marker = _THE_MARKER.search(body)  # the marker line dreamly wrote, never a dream's own line
    if marker:
        body = body[:marker.start()]
    body = _clean_body(unescape_marker_lines(body))
    where = f"{path}"
    if not body.strip():
        raise DreamlyError(f"{where}: no dream text after the front matter")
    return Incoming(where, _record_from_meta(meta, body, path, stamp, today), order=(0,))


def _parse_yaml(path: Path, text: str) -> dict:
    import yaml  # only imports need it

    try:
        # An alias (*name) makes one node stand for another: ten nested aliases of ten items are
        # ten billion items (an alias bomb). Front matter never needs them: refuse them before loading.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise DreamlyError(f"{path}: the front matter uses a YAML alias (*name); dreamly reads "
                                   "plain front matter only")
        meta = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 2}" if mark else ""
        raise DreamlyError(f"{path}{line}: the front matter is not valid YAML ({exc.problem or exc.context})") from None
    except (yaml.YAMLError, ValueError):  # ValueError: a date such as 2026-02-30 (its message quotes it)
        raise DreamlyError(f"{path}: the front matter is not valid YAML") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise DreamlyError(f"{path}, line 2: the front matter must be 'key: value' lines")
    return {str(k).strip().lower(): v for k, v in meta.items()}


def _record_from_meta(meta: dict, body: str, path: Path, stamp: str, today: date | None) -> dict:
    """Front matter as dreamly writes it, or as a person (or a notes app) edited it."""
    from dreamly.dates import parse_day
    from dreamly.entry import parse_emotion

    where = str(path)

    def bad(key: str, problem: str) -> DreamlyError:
        return DreamlyError(f"{where}: '{key}' {problem}")

    raw_day = meta.get("date", meta.get("dreamt_on"))
    if isinstance(raw_day, datetime):
        day = raw_day.date()
    elif isinstance(raw_day, date):
        day = raw_day
    elif isinstance(raw_day, str) and raw_day.strip():
        try:
            day = parse_day(raw_day, today)
        except DreamlyError:  # its message quotes the value, which may be a dream in a swapped column
            raise DreamlyError(f"{where}: the date is not a day dreamly reads (e.g. 2026-11-20)") from None
    else:
        raise bad("date", "must be a date like 2026-11-20")

    def text(key: str) -> str:
        value = meta.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise bad(key, "must be text")

    def flag(key: str) -> bool:
        value = meta.get(key, False)
        if value is None:
            return False
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if not isinstance(value, bool):
            raise bad(key, "must be true or false")
        return value

    def text_list(key: str) -> list[str]:
        value = meta.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return _split_list(value)
        if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            return [str(v) for v in value]
        raise bad(key, "must be a list of text")

    def stamp_of(key: str, default: str) -> str:
        value = meta.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str):
            return _iso_stamp(value, lambda: bad(key, "must be an ISO timestamp"))
        raise bad(key, "must be an ISO timestamp")

    sleep = meta.get("sleep_quality")
    if sleep is not None and (isinstance(sleep, bool) or not isinstance(sleep, int) or not 1 <= sleep <= 5):
        raise bad("sleep_quality", "must be a whole number from 1 to 5")
    emotions = []
    raw_emotions = meta.get("emotions")
    specs = ([f"{k}:{v}" if v is not None else str(k) for k, v in raw_emotions.items()]
             if isinstance(raw_emotions, dict) else text_list("emotions"))
    for spec in specs:
        try:
            name, level = parse_emotion(spec)
        except DreamlyError:
            raise DreamlyError(f"{where}: a feeling is not NAME or NAME:1-5 (e.g. fear:4)") from None
        emotions.append({"emotion": name, "intensity": level, "origin": "user"})
    created = stamp_of("created", stamp)
    source = meta.get("source")
    return _record(
        dreamt_on=day.isoformat(), body=body, created=created, updated=stamp_of("updated", created),
        title=_one_line(text("title")), context=text("context"), lucid=flag("lucid"), nightmare=flag("nightmare"),
        recurring=flag("recurring"), sleep_quality=sleep,
        source=source if isinstance(source, str) and source else f"markdown:{path.name}",
        tags=[t.lstrip("#") for t in text_list("tags")], emotions=emotions,
    )


# -- import: planning, analysis, writing --------------------------------------------------------


def plan_import(incoming: list[Incoming], existing_hashes: set[str]) -> ImportPlan:
    """Drop what the journal already holds (same day, same text) and repeats within the
    input, then order the rest by day so ids follow dates."""
    from dreamly.store import content_hash

    with _no_cyclic_gc():
        return _plan_import(incoming, existing_hashes, content_hash)


def _plan_import(incoming: list[Incoming], existing_hashes: set[str], content_hash: Callable) -> ImportPlan:
    seen = set(existing_hashes)
    new = []
    for item in incoming:
        key = item.key = content_hash(item.dream["dreamt_on"], item.dream["body"])
        if key in seen:
            continue
        seen.add(key)
        new.append(item)
    new.sort(key=lambda item: (item.dream["dreamt_on"], item.order))
    return ImportPlan(new=new, known=len(incoming) - len(new))


def make_analyser(user_file: Path | None):
    """(analyse(text) -> Analysis, matcher version), with the knowledge loaded once."""
    from dreamly import analysis

    matcher = analysis.Matcher(analysis.load_knowledge(user_file))
    return matcher.analyze, analysis.MATCHER_VERSION


PARALLEL_FROM = 3000  # fewer dreams than this: starting worker processes costs more than it saves
CHUNK = 250


def analyse_plan(plan: ImportPlan, user_file: Path | None, on_progress: Progress = None,
                 workers: int | None = None) -> int:
    """Give each new dream the current matcher's motifs and text-found feelings, keeping what
    a dreamly export already carries from this matcher version. Big imports are analysed in
    worker processes, one per core (the matcher is pure Python, so threads would not help).

    Returns how many dreams failed to analyse; those go in unanalysed, as with `dreamly add`
    (`dreamly reanalyze` retries). Raises DreamlyError if the motifs can't be loaded.
    """
    with _no_cyclic_gc():
        return _analyse_plan(plan, user_file, on_progress, workers)


def _analyse_plan(plan: ImportPlan, user_file: Path | None, on_progress: Progress, workers: int | None) -> int:
    analyse, version = make_analyser(user_file)  # loads (and checks) the knowledge before any worker starts
    todo = []
    for item in plan.new:
        if _reusable(item, version):
            item.dream["analysis_version"] = version  # the export carries this matcher's analysis of this text
        else:
            todo.append(item.dream)
    if on_progress and len(todo) < len(plan.new):
        on_progress(len(plan.new) - len(todo))
    bodies = [dream["body"] for dream in todo]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    results = None
    if workers > 1 and len(bodies) >= PARALLEL_FROM:
        results = _analyse_in_processes(bodies, user_file, workers, on_progress)
    if results is None:
        results = _analyse_here(bodies, analyse, on_progress)
    failed = 0
    for dream, found in zip(todo, results):
        if found is None:
            failed += 1
            continue
        motifs, emotion_ids = found
        dream["motifs"] = [{"motif": motif, "evidence": evidence, "start": start, "end": end, "subject": subject,
                            "matcher_version": version} for motif, evidence, start, end, subject in motifs]
        user = [e for e in dream["emotions"] if e["origin"] == "user"]
        found_rows = [{"emotion": name, "intensity": None, "origin": "text"} for name in emotion_ids]
        dream["emotions"] = _unique_emotions([*user, *found_rows])
        dream["analysis_version"] = version
    return failed


def _reusable(item: Incoming, version: int) -> bool:
    motifs = item.dream["motifs"]
    return item.carries_analysis and bool(motifs) and all(m["matcher_version"] == version for m in motifs)


def _findings(analyse: Callable, body: str) -> tuple[list[tuple], list[str]] | None:
    """The matcher's output as plain tuples (cheap to send between processes); None if it failed."""
    try:
        result = analyse(body)
    except Exception:  # noqa: BLE001 - one odd dream must not stop the import
        return None
    return [(h.id, h.evidence, h.start, h.end, h.subject) for h in result.motifs], list(result.emotion_ids())


def _analyse_here(bodies: list[str], analyse: Callable, on_progress: Progress) -> list:
    results = []
    for body in bodies:
        results.append(_findings(analyse, body))
        if on_progress:
            on_progress(1)
    return results


_worker_analyse: Callable | None = None


def _start_worker(user_file: Path | None, parent: int | None = None) -> None:
    global _worker_analyse
    _die_with_parent(parent if parent is not None else os.getppid())
    _worker_analyse, _ = make_analyser(user_file)


def _die_with_parent(parent: int) -> None:
    """A worker whose dreamly is killed (kill -9, a closed terminal) must not live on: on Linux
    the kernel sends it SIGKILL when its parent dies; elsewhere a thread watches the parent.
    `parent` is the importing dreamly's pid, passed in: if it died while this worker was still
    starting, the worker is already an orphan and goes at once."""
    import signal

    if os.getppid() != parent:
        os._exit(1)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _analyse_chunk(bodies: list[str]) -> list:
    return [_findings(_worker_analyse, body) for body in bodies]


def _analyse_in_processes(bodies: list[str], user_file: Path | None, workers: int, on_progress: Progress) -> list | None:
    """The bodies analysed by `workers` processes, in order; None if processes can't be had
    (the caller then analyses them itself)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = [bodies[i:i + CHUNK] for i in range(0, len(bodies), CHUNK)]
    results: list = []
    done = 0
    try:
        # spawn, not fork: the parent holds an open SQLite connection and maybe a progress thread
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(user_file, os.getpid())) as pool:
            for chunk_results in pool.map(_analyse_chunk, chunks):
                results.extend(chunk_results)
                done += len(chunk_results)
                if on_progress:
                    on_progress(len(chunk_results))
    except (OSError, BrokenProcessPool):
        if on_progress and done:
            on_progress(-done)  # start the bar again for the fallback
        return None
    return results


def write_import(journal, plan: ImportPlan, on_progress: Progress = None) -> int:
    """Write the plan in one transaction. The journal is checked again inside it, so a dream
    added meanwhile (another terminal) is not added twice."""
    with _no_cyclic_gc(), journal.transaction():
        existing = journal.content_hashes()
        fresh = [item.dream for item in plan.new if item.key not in existing]
        return journal.insert_dreams(fresh, on_progress=on_progress)


def describe(item: Incoming) -> str:
    """A line for --dry-run: the day and the title, or the first words."""
    dream = item.dream
    label = _one_line(dream["title"]) if dream["title"].strip() else first_words(dream["body"], 50)
    return f"{dream['dreamt_on']}  {label}"
