"""CSV: one row per dream, lists joined with ", "; and reading any CSV with a date and a
text column.

Written for spreadsheets and read back losslessly: a cell a spreadsheet would run as a
formula (starting with = + - @) gets a leading ' that import takes off again; a `,`, `;` or
`\\` inside a tag is escaped with a backslash; a dream may be longer than the csv module's
131,072-character default field limit.
"""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from dreamly.errors import DreamlyError
from dreamly.model import FLAGS

from dreamly.formats.records import Incoming, _FALSE, _TRUE, _clean_body, _found_feelings, _iso_stamp, _motif_ids, _read_text, _record, _user_feelings

NAME = "csv"  # what --format calls it (the registry in formats/__init__.py)


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
    escaped with a backslash, so `split_list` gives back exactly the same list."""
    return ", ".join(re.sub(r"([\\,;])", r"\\\1", value) for value in values)


def split_list(value: str) -> list[str]:
    """A cell's list: split at `,` or `;` (not at an escaped `\\,` or `\\;`, see join_list)."""
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
    return [part for part in parts if part]


def _read_csv(path: Path, stamp: str, today: date | None, date_column: str, text_column: str) -> list[Incoming]:
    return list(_stream_csv(path, stamp, today, date_column, text_column))


def _stream_csv(path: Path, stamp: str, today: date | None, date_column: str, text_column: str) -> Iterator[Incoming]:
    """The rows of a CSV file as records, one at a time (the file is read as they are)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:  # CSV's own line ends, quoted ones too
            yield from _csv_records(path, stream, stamp, today, date_column, text_column)
    except OSError as exc:
        raise DreamlyError(f"can't read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        _read_text(path)  # reads it whole to name the line that is not UTF-8
        raise DreamlyError(f"{path}: not UTF-8 text") from None


def _csv_records(path: Path, stream, stamp: str, today: date | None, date_column: str,
                 text_column: str) -> Iterator[Incoming]:
    from dreamly.dates import parse_day
    from dreamly.entry import parse_emotion

    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    # a dream can be longer than the csv module's 131,072-character default: the file's size bounds it
    csv.field_size_limit(max(csv.field_size_limit(), os.fstat(stream.fileno()).st_size + 1))
    reader = csv.reader(stream, dialect=dialect)
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
        for name in FLAGS:
            value = cell(row, name).lower()
            if value not in _TRUE | _FALSE:
                raise DreamlyError(f"{where}: '{name}' must be yes/no, true/false or 1/0")
            fields[name] = value in _TRUE
        sleep = cell(row, "sleep_quality")
        if sleep and (not sleep.isdigit() or not 1 <= int(sleep) <= 5):
            raise DreamlyError(f"{where}: 'sleep_quality' must be a whole number from 1 to 5")
        emotions = []
        for spec in split_list(cell(row, "emotions")):
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
            source=cell(row, "source") or f"csv:{path.name}", tags=split_list(cell(row, "tags")),
            emotions=emotions, **fields,
        )
        yield Incoming(where, record, order=(start,))


# -- the registry's contract (formats/__init__.py) ---------------------------------------------

SUFFIXES = (".csv", ".tsv")  # what `import` reads as CSV when no --format is given
NEWLINE = ""  # the csv module writes its own line ends
SIGNATURE = ",".join(CSV_COLUMNS[:3]).encode() + b","  # how a file this exporter wrote begins


def export(dreams: Iterable[dict], out: TextIO, job) -> int:
    return write_csv(dreams, out)


def read(path: Path, options) -> list[Incoming]:
    return _read_csv(path, options.stamp, options.today, options.date_column, options.text_column)


def read_stream(path: Path, options) -> Iterator[Incoming]:
    return _stream_csv(path, options.stamp, options.today, options.date_column, options.text_column)
