"""Markdown: one readable file, or one note per dream with YAML front matter (Obsidian
and friends) plus an index.md; and reading such notes back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, TextIO

from dreamly.errors import DreamlyError
from dreamly.text import first_words

from dreamly.formats.records import Incoming, _FALSE, _TRUE, _clean_body, _found_feelings, _iso_stamp, _motif_ids, _one_line, _read_text, _record, _split_list, _user_feelings

NAME = "markdown"  # what --format calls it (the registry in formats/__init__.py)


NOTES_MARKER = "<!-- dreamly: the notes below are not part of the dream -->"


INDEX_NAME = "index.md"


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
    chosen = next((r["answer"] for r in dream.get("reflections") or () if r["question"] == "pursuer"), None)
    for m in dream["motifs"]:
        if m["motif"] not in motifs:
            who = "" if m["subject"] == "dreamer" else ", about someone else"
            said = (f"“{_one_line(m['evidence'])}”" if m["evidence"] else
                    "your answer" if m["motif"] == chosen else "added by you")
            motifs[m["motif"]] = f"{labels.get(m['motif'], m['motif'])} ({said}{who})"
    if motifs:
        lines.append(f"- **Motifs:** {'; '.join(motifs.values())}")
    marks = [name for name in ("nightmare", "lucid", "recurring") if dream[name]]
    if marks:
        lines.append(f"- **Marked:** {', '.join(marks)}")
    if dream["sleep_quality"] is not None:
        lines.append(f"- **Sleep:** {dream['sleep_quality']}/5")
    if dream["context"].strip():
        lines.append(f"- **Context:** {_one_line(dream['context'])}")
    answers = [r for r in dream.get("reflections") or () if r["question"] != "free"]
    if answers:
        from dreamly.questions import answer_text, label

        lines.append("- **Your answers:** " + "; ".join(
            f"{label(r['question'])}: {_one_line(answer_text(r['question'], r['answer']))}" for r in answers))
    for r in dream.get("reflections") or ():
        if r["question"] == "free":
            lines.append(f"- **Your reflection ({r['created'][:10]}):** {_one_line(r['answer'])}")
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
    ]
    lines += _own_work(dream)
    lines.append("---")
    return "\n".join(lines) + "\n"


def _own_work(dream: dict) -> list[str]:
    """Front matter lines for what the dreamer decided or wrote about the dream, only when
    there is some: how lucid it was, the motifs and feelings they corrected (kept over the
    matcher's by `import`, as by `reanalyze`), their answers and free reflections."""
    lines = []
    if dream.get("lucidity") is not None:
        lines.append(f"lucidity: {int(dream['lucidity'])}")
    for kind, action, key in (("motif", "add", "motifs_added"), ("motif", "drop", "motifs_dropped"),
                              ("emotion", "drop", "emotions_dropped")):
        names = [c["name"] for c in dream.get("corrections") or () if c["kind"] == kind and c["action"] == action]
        if names:
            lines.append(f"{key}: {_yaml_list(names)}")
    answers = [r for r in dream.get("reflections") or () if r["question"] != "free"]
    if answers:
        lines.append("answers:")
        lines += [f"  {yaml_string(r['question'])}: {yaml_string(r['answer'])}" for r in answers]
    free = [r["answer"] for r in dream.get("reflections") or () if r["question"] == "free"]
    if free:
        lines.append(f"reflections: {_yaml_list(free)}")
    return lines


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
    if not parent.exists():  # as `mkdir -p` would, private: the notes are dreams (README: `-o ~/vault/dreams`)
        try:
            parent.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise DreamlyError(f"can't create {parent}: {exc.strerror or exc}") from None
    if not parent.is_dir():
        raise DreamlyError(f"can't write {folder}: {parent} is not a folder")
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
        if required and lines[0].rstrip() == "# Dream journal" and "exported from dreamly" in text[:300]:
            # the one-file export is for reading; it does not keep enough to come back whole
            raise DreamlyError(f"{path} is dreamly's one-file Markdown export, which is for reading and is not "
                               "imported; import a JSON export (`dreamly export --format json`) or a folder of "
                               "notes (`dreamly export --format markdown --split -o FOLDER`)")
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
        except DreamlyError:  # its message quotes the value, which may be a dream in a swapped field
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
        except DreamlyError:  # never the value
            raise DreamlyError(f"{where}: a feeling is not NAME or NAME:1-5 (e.g. fear:4)") from None
        emotions.append({"emotion": name, "intensity": level, "origin": "user"})
    created = stamp_of("created", stamp)
    source = meta.get("source")
    corrections = [{"kind": kind, "name": name.strip().lower(), "action": action, "created": created}
                   for kind, action, key in (("motif", "add", "motifs_added"), ("motif", "drop", "motifs_dropped"),
                                             ("emotion", "drop", "emotions_dropped"))
                   for name in text_list(key) if name.strip()]
    raw_answers = meta.get("answers") or {}
    if not isinstance(raw_answers, dict) or not all(isinstance(k, str) and isinstance(v, (str, int, float))
                                                    and not isinstance(v, bool) for k, v in raw_answers.items()):
        raise bad("answers", "must be questions with their answers (question: answer)")
    reflections = [{"question": question, "answer": str(answer), "created": created}
                   for question, answer in raw_answers.items()]
    reflections += [{"question": "free", "answer": answer, "created": created} for answer in text_list("reflections")]
    lucidity = meta.get("lucidity")
    if lucidity is not None and (isinstance(lucidity, bool) or not isinstance(lucidity, int) or not 1 <= lucidity <= 5):
        raise bad("lucidity", "must be a whole number from 1 to 5")
    return _record(
        dreamt_on=day.isoformat(), body=body, created=created, updated=stamp_of("updated", created),
        title=_one_line(text("title")), context=text("context"), lucid=flag("lucid"), nightmare=flag("nightmare"),
        recurring=flag("recurring"), sleep_quality=sleep,
        source=source if isinstance(source, str) and source else f"markdown:{path.name}",
        tags=[t.lstrip("#") for t in text_list("tags")], emotions=emotions,
        corrections=corrections, reflections=reflections, lucidity=lucidity,
    )


# -- the registry's contract (formats/__init__.py) ---------------------------------------------

SUFFIXES = (".md", ".markdown")  # what `import` reads as a Markdown note when no --format is given
NEWLINE = None
SIGNATURE = b"# Dream journal\n"  # how a file this exporter wrote begins (export may replace it)


def export(dreams: Iterable[dict], out: TextIO, job) -> int:
    return write_markdown(dreams, out, total=job.total, oldest_first=job.filters.oldest_first, labels=job.labels(),
                          today=job.today)


def export_split(dreams: Iterable[dict], folder: Path, job) -> int:
    """`export --split`: one note per dream and an index.md, in `folder`."""
    return _write_split(dreams, folder, job.labels())


def read(path: Path, options) -> list[Incoming]:
    return [_read_markdown_file(path, options.stamp, options.today, required=True)]


def read_folder(folder: Path, options) -> tuple[list[Incoming], list[Path]]:
    """A folder of notes: the records, and the Markdown files passed over (no front matter date)."""
    return _read_markdown_folder(folder, options.stamp, options.today)
