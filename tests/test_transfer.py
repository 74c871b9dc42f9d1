"""export and import: a journal travels out and back without losing anything, note apps read
the split Markdown, jrnl and CSV journals come in, and bad files change nothing."""

import csv
import io
import json
import os
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamly import formats
from dreamly.store import Filters, Journal, content_hash, normalise_tag, tag_problem

FIXTURES = Path(__file__).parent / "fixtures"
LONG_BODY = " ".join(["My legs were heavy as concrete and someone was behind me on the stairs."] * 300)
TRICKY_BODY = "---\ntitle: not front matter\n---\n# heading\n\n* a list\n> a quote\n\n---\n\nEnd: \"quotes\" and \\ backslash"


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def export_json(cli, db) -> dict:
    return json.loads(ok(cli("export", "--format", "json", "--db", db)).stdout)


def without_ids(export: dict) -> dict:
    def strip(items):
        return [{k: v for k, v in item.items() if k != "id"} for item in items]

    dreams = []
    for dream in export["dreams"]:
        dream = {k: v for k, v in dream.items() if k != "id"}
        dream["interpretations"] = strip(dream["interpretations"])
        dream["rehearsals"] = strip(dream["rehearsals"])
        dreams.append(dream)
    return {**export, "dreams": dreams}


def rich_journal(cli, db):
    """Every kind of field: unicode and emoji, an empty title, a long body, Markdown-looking
    text, tags with spaces, feelings with and without intensity, flags, history."""
    ok(cli("add", "Café au lait 🌙 in a train station; I was chased and my legs were like concrete",
           "--title", "Ünïcödé 🚂", "-e", "fear:4", "-e", "confusion", "-t", "big exam", "-t", "work",
           "-c", "deadline on friday — 締め切り", "--nightmare", "--recurring", "--sleep", "2",
           "-d", "2026-01-02", "--db", db))
    ok(cli("add", "-d", "2026-01-02", "--db", db, input=TRICKY_BODY))  # same day, empty title
    ok(cli("add", LONG_BODY, "--title", "Long", "--lucid", "-t", "a tag with spaces", "-d", "2026-01-05",
           "--db", db))
    ok(cli("add", "I was flying over the sea and felt pure joy", "-d", "2025-12-31", "--db", db))
    with Journal.open(db) as journal:
        journal.add_interpretation(2, model="echo", lens="jungian", prompt="Prompt ✨", system="sys",
                                   response="A reading\n\n# with a heading", complete=False)
        journal.add_interpretation(2, model="echo", lens=None, prompt="p", system=None, response="r")
        journal.add_rehearsal(1, "This time I turned round: it was only my shadow.")


def test_json_export_import_export_is_identical_apart_from_ids(cli, tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    rich_journal(cli, first)
    exported = tmp_path / "journal.json"
    ok(cli("export", "--format", "json", "-o", exported, "--db", first))
    result = ok(cli("import", exported, "--db", second))
    assert "Imported 4 dreams" in result.stdout
    before, after = export_json(cli, first), export_json(cli, second)
    assert without_ids(after) == without_ids(before)
    assert before["dreamly_export"] == 1 and len(before["dreams"]) == 4
    station = next(d for d in after["dreams"] if d["title"] == "Ünïcödé 🚂")
    assert station["tags"] == ["big exam", "work"] and station["sleep_quality"] == 2
    assert {"emotion": "fear", "intensity": 4, "origin": "user"} in station["emotions"]
    assert station["rehearsals"][0]["body"].startswith("This time")
    assert any(d["body"] == TRICKY_BODY for d in after["dreams"])
    assert any(d["body"] == LONG_BODY for d in after["dreams"])


def test_reimporting_the_same_file_adds_nothing(cli, tmp_path):
    rich_journal(cli, tmp_path / "a.db")
    exported = tmp_path / "journal.json"
    ok(cli("export", "--format", "json", "-o", exported, "--db", tmp_path / "a.db"))
    ok(cli("import", exported, "--db", tmp_path / "b.db"))
    again = ok(cli("import", exported, "--db", tmp_path / "b.db"))
    assert "Imported 0 dreams" in again.stdout and "skipped 4 already in the journal" in again.stdout
    assert len(export_json(cli, tmp_path / "b.db")["dreams"]) == 4


def test_dry_run_says_what_would_be_added_and_writes_nothing(cli, tmp_path):
    rich_journal(cli, tmp_path / "a.db")
    exported = tmp_path / "journal.json"
    ok(cli("export", "--format", "json", "-o", exported, "--db", tmp_path / "a.db"))
    target = tmp_path / "new.db"
    result = ok(cli("import", exported, "--dry-run", "--db", target))
    assert "Would add 4 dreams" in result.stdout and "nothing was written" in result.stdout
    assert "2026-01-05  Long" in result.stdout
    assert not target.exists()  # not even an empty journal
    ok(cli("import", exported, "--db", target))
    result = ok(cli("import", exported, "--dry-run", "--db", target))
    assert "Would add 0 dreams" in result.stdout


# -- a hypothesis round trip over generated journals (store API, no CLI: fast) -------------------

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
_body = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                max_size=300).filter(lambda s: s.strip())
_stamp = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)).map(
    lambda d: d.replace(tzinfo=timezone.utc).isoformat(timespec="seconds"))
_emotion = st.fixed_dictionaries({
    "emotion": st.sampled_from(["fear", "joy", "anxiety", "shame", "relief"]),
    "intensity": st.none() | st.integers(1, 5),
    "origin": st.sampled_from(["user", "text"]),
})
_motif = st.fixed_dictionaries({
    "motif": st.sampled_from(["chase", "falling", "teeth", "my_own"]), "evidence": _text,
    "start": st.integers(0, 50), "end": st.integers(0, 80), "subject": st.sampled_from(["dreamer", "other"]),
    "matcher_version": st.sampled_from([0, 1]),  # 1 is current: kept; 0 is old: analysed afresh
})
_dream = st.fixed_dictionaries({
    "dreamt_on": st.dates(date(1990, 1, 1), date.today()).map(date.isoformat),
    "created": _stamp, "updated": _stamp, "title": _text, "body": st.one_of(_body, st.just(TRICKY_BODY)),
    "lucid": st.booleans(), "nightmare": st.booleans(), "recurring": st.booleans(),
    "sleep_quality": st.none() | st.integers(1, 5), "context": _text, "source": st.none() | _text,
    # tags add would take (import refuses the others, as add does)
    "tags": st.lists(_text.filter(lambda t: tag_problem(t) is None), max_size=3),
    "emotions": st.lists(_emotion, max_size=3),
    "motifs": st.lists(_motif, max_size=2),
    "interpretations": st.lists(st.fixed_dictionaries({
        "model": _text, "lens": st.none() | _text, "prompt": _text, "system": st.none() | _text,
        "response": _text, "complete": st.booleans(), "created": _stamp}), max_size=2),
    "rehearsals": st.lists(st.fixed_dictionaries({"body": _text, "created": _stamp}), max_size=2),
})


def _import_file(path: Path, db: Path) -> int:
    incoming, _ = formats.read_import(path)
    with Journal.open(db) as journal:
        plan = formats.plan_import(incoming, journal.content_hashes())
        formats.analyse_plan(plan, None)
        return formats.write_import(journal, plan)


def _export_text(db: Path) -> str:
    out = io.StringIO()
    with Journal.open(db) as journal:
        formats.export(journal, Filters(), "json", None, out)
    return out.getvalue()


@pytest.mark.slow  # Hypothesis through the whole import and export, three journals per example
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_dream, min_size=1, max_size=6))
def test_generated_journals_survive_export_and_import(dreams):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "source.json"
        source.write_text(json.dumps({"dreamly_export": 1, "dreams": dreams}), encoding="utf-8")
        _import_file(source, folder / "a.db")  # a journal as dreamly holds it: analysed, deduplicated
        first = folder / "first.json"
        first.write_text(_export_text(folder / "a.db"), encoding="utf-8")
        _import_file(first, folder / "b.db")
        assert without_ids(json.loads(_export_text(folder / "b.db"))) == without_ids(json.loads(first.read_text()))
        # and what went in first is all there: every field the user gave (analysis may differ)
        exported = {d["content_hash"]: d for d in json.loads(first.read_text())["dreams"]}
        expected = {}
        for dream in dreams:
            expected.setdefault(content_hash(dream["dreamt_on"], dream["body"]), dream)  # the first one wins
        assert exported.keys() == expected.keys()
        for key, given_dream in expected.items():
            got = exported[key]
            for name in ("dreamt_on", "created", "updated", "title", "body", "lucid", "nightmare", "recurring",
                         "sleep_quality", "context", "source"):
                assert got[name] == given_dream[name], name
            assert got["tags"] == sorted({normalise_tag(t) for t in given_dream["tags"]} - {""})
            mine = {}
            for e in given_dream["emotions"]:
                if e["origin"] == "user":
                    mine.setdefault(e["emotion"], e["intensity"])
            assert {e["emotion"]: e["intensity"] for e in got["emotions"] if e["origin"] == "user"} == mine
            assert without_ids({"dreams": [got]})["dreams"][0]["interpretations"] == given_dream["interpretations"]
            assert [{"body": r["body"], "created": r["created"]} for r in got["rehearsals"]] == given_dream["rehearsals"]


# -- split Markdown for note apps -------------------------------------------------------------------

HOSTILE_TITLES = ["../../etc/passwd", "CON", "..", "a/b\\c:d*e?f", "nul.txt", "\u202etxt.exe", "line\nbreak\x07",
                  "x" * 500, "Same title", "same TITLE", "index", ""]


def front_matter_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])


def test_split_markdown_front_matter_reads_back_with_a_yaml_parser(cli, tmp_path):
    db = tmp_path / "a.db"
    rich_journal(cli, db)
    ok(cli("add", 'Quotes " and: colons, # hashes, \\ slashes, tab\there', "--title", 'He said: "no" # not a comment',
           "-t", "yes", "-t", "null", "-d", "2026-01-03", "--db", db))
    out = tmp_path / "notes"
    result = ok(cli("export", "--split", "-o", out, "--db", db))
    assert "Exported 5 dreams" in result.stderr
    notes = sorted(p for p in out.iterdir() if p.name != "index.md")
    assert len(notes) == 5
    metas = {p.name: front_matter_of(p) for p in notes}
    station = next(m for m in metas.values() if m["title"] == "Ünïcödé 🚂")
    assert station["date"] == date(2026, 1, 2)
    assert station["tags"] == ["big exam", "work"]
    assert station["emotions"] == ["confusion", "fear:4"]
    assert "chase" in station["motifs"]
    assert (station["nightmare"], station["lucid"], station["recurring"], station["sleep_quality"]) == (True, False, True, 2)
    assert station["context"] == "deadline on friday — 締め切り"
    tricky = next(m for m in metas.values() if m["title"] == 'He said: "no" # not a comment')
    assert tricky["tags"] == ["null", "yes"]  # strings, not YAML's null and true
    # the dream's own text follows the front matter, Markdown-looking lines and all
    tricky_note = next(p for p in notes if "2026-01-02" in p.name and metas[p.name]["title"] == "")
    assert TRICKY_BODY in tricky_note.read_text(encoding="utf-8")
    index = (out / "index.md").read_text(encoding="utf-8")
    for note in notes:
        assert f"]({note.name})" in index
        assert note.stat().st_mode & 0o077 == 0  # dreams are private, exported or not
    assert out.stat().st_mode & 0o077 == 0


def test_hostile_titles_become_harmless_unique_files_inside_the_folder(cli, tmp_path):
    db = tmp_path / "a.db"
    for title in HOSTILE_TITLES:
        ok(cli("add", f"A dream titled {title!r}", "--title", title, "-d", "2026-02-01", "--db", db))
    out = tmp_path / "out" / "notes"
    (tmp_path / "out").mkdir()
    ok(cli("export", "--split", "-o", out, "--db", db))
    files = list(out.iterdir())
    assert len(files) == len(HOSTILE_TITLES) + 1  # each dream its own file, plus index.md
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["notes"]  # nothing escaped
    assert not (tmp_path / "etc").exists()
    names = [p.name for p in files]
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        stem = name[:-3]
        assert name.endswith(".md") and "/" not in name and "\\" not in name and ".." not in name
        assert all(ch.isprintable() and ch not in '<>:"|?*' and ch != "\u202e" for ch in name)
        assert len(name.encode()) <= 255 and len(name) <= 90
        assert stem.split("-")[0].lower() not in {"con", "prn", "aux", "nul"}
    assert any("etc-passwd" in n for n in names)


def test_split_markdown_imports_back_into_an_empty_journal(cli, tmp_path):
    rich_journal(cli, tmp_path / "a.db")
    out = tmp_path / "notes"
    ok(cli("export", "--split", "-o", out, "--db", tmp_path / "a.db"))
    result = ok(cli("import", out, "--db", tmp_path / "b.db"))
    assert "Imported 4 dreams" in result.stdout and "Passed over" not in result.stderr
    keys = ("dreamt_on", "title", "body", "tags", "lucid", "nightmare", "recurring", "sleep_quality", "context",
            "created", "updated")
    before = sorted([{k: d[k] for k in keys} | {"mine": [e for e in d["emotions"] if e["origin"] == "user"]}
                     for d in export_json(cli, tmp_path / "a.db")["dreams"]], key=str)
    after = sorted([{k: d[k] for k in keys} | {"mine": [e for e in d["emotions"] if e["origin"] == "user"]}
                    for d in export_json(cli, tmp_path / "b.db")["dreams"]], key=str)
    assert after == before  # interpretations live below the marker and are not read back as dream text


def test_split_export_makes_the_folders_it_is_given_as_mkdir_p_would(cli, tmp_path):
    ok(cli("add", "A dream", "-d", "2026-01-01"))
    out = tmp_path / "vault" / "dreams"  # README: `export --split -o ~/vault/dreams` on a new machine
    ok(cli("export", "--split", "-o", out))
    assert sorted(p.name for p in out.iterdir()) == ["2026-01-01-a-dream.md", "index.md"]
    assert (tmp_path / "vault").stat().st_mode & 0o077 == 0  # dreams: a folder only you can read


def test_split_export_refuses_a_folder_that_holds_files(cli, tmp_path):
    ok(cli("add", "A dream", "-d", "2026-01-01"))
    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.md").write_text("my own note")
    result = cli("export", "--split", "-o", out)
    assert result.exit_code == 1 and "not empty" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["mine.md"]
    assert cli("export", "--split").exit_code == 2  # options that conflict are a usage error
    assert "--format markdown" in cli("export", "--split", "-o", tmp_path / "x", "--format", "json").stderr


# -- one-file Markdown, CSV, filters -------------------------------------------------------------


def test_markdown_document_is_newest_first_with_every_part_of_a_dream(cli, tmp_path):
    db = tmp_path / "a.db"
    rich_journal(cli, db)
    text = ok(cli("export", "--db", db)).stdout
    assert text.startswith("# Dream journal")
    assert text.index("## 2026-01-05 · Long") < text.index("## 2026-01-02 · Ünïcödé 🚂") < text.index("## 2025-12-31")
    station = text[text.index("## 2026-01-02 · Ünïcödé 🚂"):]
    for part in ("**Tags:** big exam, work", "fear 4/5", "confusion", "**Motifs:**", "nightmare, recurring",
                 "**Sleep:** 2/5", "deadline on friday", "### Rehearsals", "only my shadow"):
        assert part in station
    assert "### Interpretations" in text and "(incomplete" in text and TRICKY_BODY in text
    oldest = ok(cli("export", "--oldest-first", "--db", db)).stdout
    assert oldest.index("## 2025-12-31") < oldest.index("## 2026-01-05 · Long")


def test_export_honours_the_filters_of_list(cli, tmp_path):
    db = tmp_path / "a.db"
    rich_journal(cli, db)
    tagged = json.loads(ok(cli("export", "-f", "json", "--tag", "work", "--db", db)).stdout)["dreams"]
    assert [d["title"] for d in tagged] == ["Ünïcödé 🚂"]
    since = json.loads(ok(cli("export", "-f", "json", "--since", "2026-01-03", "--db", db)).stdout)["dreams"]
    assert [d["title"] for d in since] == ["Long"]
    felt = json.loads(ok(cli("export", "-f", "json", "--emotion", "fear", "--db", db)).stdout)["dreams"]
    assert "Ünïcödé 🚂" in [d["title"] for d in felt]


def test_csv_export_has_one_row_per_dream_with_lists_joined(cli, tmp_path):
    db = tmp_path / "a.db"
    rich_journal(cli, db)
    out = tmp_path / "journal.csv"
    ok(cli("export", "-f", "csv", "-o", out, "--db", db))
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 4
    station = next(r for r in rows if r["title"] == "Ünïcödé 🚂")
    assert station["tags"] == "big exam, work" and station["emotions"] == "confusion, fear:4"
    assert station["date"] == "2026-01-02" and station["nightmare"] == "1"
    # a cell a spreadsheet would run as a formula (this one starts with '-') gets a leading quote
    assert next(r for r in rows if r["title"] == "" and r["date"] == "2026-01-02")["text"] == "'" + TRICKY_BODY
    # and it comes back in through `import` as it is
    ok(cli("import", out, "--db", tmp_path / "b.db"))
    back = export_json(cli, tmp_path / "b.db")["dreams"]
    assert sorted(d["body"] for d in back) == sorted(export_json(cli, db)["dreams"][i]["body"] for i in range(4))


def test_csv_import_with_named_columns_and_written_dates(cli, tmp_path):
    source = tmp_path / "old.csv"
    source.write_text('day,dream,title,tags\n2024-03-04,"I was chased, then I fell",Chase,"work; exam"\n'
                      'Nov 20 2023,My teeth fell out,,\n', encoding="utf-8")
    result = ok(cli("import", source, "--date-column", "day", "--text-column", "dream"))
    assert "Imported 2 dreams" in result.stdout
    dreams = export_json(cli, os.environ["DREAMLY_DB"])["dreams"]
    assert [(d["dreamt_on"], d["title"], d["tags"]) for d in dreams] == [
        ("2024-03-04", "Chase", ["exam", "work"]), ("2023-11-20", "", [])]
    assert dreams[0]["source"] == "csv:old.csv"
    assert "teeth" in [m["motif"] for m in dreams[1]["motifs"]]  # each imported dream is analysed


# -- jrnl ---------------------------------------------------------------------------------------


def test_a_real_jrnl_export_imports_with_dates_and_tags(cli):
    result = ok(cli("import", FIXTURES / "jrnl-export.json"))
    assert "Imported 3 dreams" in result.stdout
    dreams = {d["dreamt_on"]: d for d in export_json(cli, os.environ["DREAMLY_DB"])["dreams"]}
    assert sorted(dreams) == ["2024-03-04", "2024-03-05", "2024-03-07"]
    assert dreams["2024-03-04"]["tags"] == ["work"]
    assert dreams["2024-03-05"]["tags"] == ["big-exam", "home", "starred"]
    # jrnl's title is the entry's first line: the dream is the whole text
    assert dreams["2024-03-04"]["body"].startswith("Chased through a train station.\nMy legs were heavy")
    assert "🌙" in dreams["2024-03-04"]["body"]
    assert dreams["2024-03-04"]["created"].startswith("2024-03-0")
    assert "heavy_legs" in [m["motif"] for m in dreams["2024-03-04"]["motifs"]]  # analysed
    assert ok(cli("import", FIXTURES / "jrnl-export.json")).stdout.startswith("Imported 0 dreams")


# -- malformed imports change nothing ---------------------------------------------------------------


@pytest.mark.parametrize("name, content, words", [
    ("bad.json", '{"dreamly_export": 1, "dreams": [\n{"dreamt_on": "2026-01-01", "body": "x"},\n{oops}\n]}',
     ["bad.json, line 3", "not valid JSON"]),
    ("missing.json", '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2026-01-01", "body": "ok"}, {"dreamt_on": "2026-01-02"}]}',
     ["missing.json, dream 2", "'body' is missing"]),
    ("baddate.json", '{"dreamly_export": 1, "dreams": [{"dreamt_on": "yesterday-ish", "body": "ok"}]}',
     ["baddate.json, dream 1", "'dreamt_on'"]),
    ("other.json", '{"hello": "world"}', ["other.json is not a dreamly or jrnl JSON export"]),
    ("nodate.csv", "date,text\n2026-01-01,fine\n,no date here\n2026-01-03,fine too\n",
     ["nodate.csv, line 3", "no date in column 'date'"]),
    ("quoted.csv", 'date,text\n2026-01-01,"a dream\nover two lines"\nsomeday,bad date\n',
     ["quoted.csv, line 4", "the date is not a day dreamly reads"]),  # never the cell: it may be a dream
    ("nocolumn.csv", "when,what\n2026-01-01,x\n", ["nocolumn.csv: no 'date' column", "--date-column"]),
    ("notyaml.md", "---\ndate: 2026-01-01\ntitle: [unclosed\n---\nA dream\n", ["notyaml.md, line", "not valid YAML"]),
    ("unclosed.md", "---\ndate: 2026-01-01\nA dream without the closing line\n", ["unclosed.md", "never closed"]),
    ("jrnl.json", '{"entries": [{"date": "2024-01-01", "title": "ok", "body": ""}, {"date": "2024-13-45", "title": "x"}]}',
     ["jrnl.json, entry 2", "'date'"]),
])
def test_a_malformed_import_fails_with_one_clear_line_and_changes_nothing(cli, tmp_path, name, content, words):
    ok(cli("add", "Already here", "-d", "2026-01-01"))
    before = export_json(cli, os.environ["DREAMLY_DB"])
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    result = cli("import", bad)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert export_json(cli, os.environ["DREAMLY_DB"]) == before


def test_a_bad_note_in_a_folder_stops_the_whole_folder(cli, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("---\ndate: 2026-01-01\n---\nA fine dream\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ndate: [2026\n---\nBroken\n", encoding="utf-8")
    (folder / "readme.md").write_text("# Not a dream, no front matter\n", encoding="utf-8")
    result = cli("import", folder)
    assert result.exit_code == 1 and "b.md" in result.stderr
    assert json.loads(ok(cli("list", "--json")).stdout) == []
    (folder / "b.md").unlink()
    result = ok(cli("import", folder))
    assert "Imported 1 dream " in result.stdout and "Passed over 1 Markdown file" in result.stderr


def test_import_of_a_missing_file_or_unknown_json_is_one_line(cli, tmp_path):
    result = cli("import", tmp_path / "nope.json")
    assert result.exit_code == 1 and "does not exist" in result.stderr
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(b"date,text\n2026-01-01,caf\xe9\n")
    result = cli("import", binary)
    assert result.exit_code == 1 and "latin1.csv, line 2: not UTF-8" in result.stderr


# -- pieces -------------------------------------------------------------------------------------


@given(st.text())
def test_yaml_strings_read_back_as_written(value):
    value = "".join(ch for ch in value if not 0xD800 <= ord(ch) <= 0xDFFF)
    assert yaml.safe_load(f"key: {formats.yaml_string(value)}") == {"key": value}


@given(st.text(max_size=200))
def test_slugs_are_always_safe(title):
    taken: set = set()
    name = formats.note_name({"dreamt_on": "2026-01-01", "title": title, "body": "body"}, taken)
    assert name.endswith(".md") and name.startswith("2026-01-01")
    assert "/" not in name and "\\" not in name and ".." not in name[:-3]
    assert all(ch.isprintable() and not ch.isspace() for ch in name)
    assert len(name.encode()) <= 255


def test_an_import_that_fails_while_writing_leaves_the_journal_as_it_was(cli, tmp_path, monkeypatch):
    rich_journal(cli, tmp_path / "a.db")
    exported = tmp_path / "journal.json"
    ok(cli("export", "--format", "json", "-o", exported, "--db", tmp_path / "a.db"))
    ok(cli("add", "Already here", "-d", "2026-01-01"))
    before = export_json(cli, os.environ["DREAMLY_DB"])
    real = Journal.insert_dreams

    def half_then_fail(self, dreams, batch=2000, on_progress=None):
        real(self, list(dreams)[:2], batch=1)  # two dreams really written, inside the transaction
        raise RuntimeError("disk gone")

    monkeypatch.setattr(Journal, "insert_dreams", half_then_fail)
    result = cli("import", exported)
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    monkeypatch.setattr(Journal, "insert_dreams", real)
    assert export_json(cli, os.environ["DREAMLY_DB"]) == before


@pytest.mark.slow
def test_worker_processes_analyse_exactly_as_one_process_does(tmp_path, monkeypatch):
    lines = ["my legs were heavy as concrete and a dog chased me", "I flew over the sea, so happy",
             "nobody was chasing me", "my teeth fell out and I was ashamed", "a quiet walk"]
    rows = [{"dreamt_on": f"2026-01-{i % 28 + 1:02d}", "body": f"{lines[i % 5]} ({i})"} for i in range(40)]
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"dreamly_export": 1, "dreams": rows}), encoding="utf-8")

    def analysed(workers):
        incoming, _ = formats.read_import(source)
        plan = formats.plan_import(incoming, set())
        assert formats.analyse_plan(plan, None, workers=workers) == 0
        return [(item.dream["motifs"], item.dream["emotions"]) for item in plan.new]

    monkeypatch.setattr(formats, "PARALLEL_FROM", 1)
    monkeypatch.setattr(formats, "CHUNK", 7)
    alone, together = analysed(1), analysed(2)
    assert together == alone and any(motifs for motifs, _ in alone)


def test_importing_the_one_file_markdown_export_says_what_to_import_instead(cli, tmp_path):
    assert cli("add", "I was flying over a lake", "-d", "2026-01-05").exit_code == 0
    document = tmp_path / "dreams.md"
    assert cli("export", "--format", "markdown", "-o", document).exit_code == 0
    result = cli("import", document)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {document} is dreamly's one-file Markdown export, which is for reading and is not imported; import "
        "a JSON export (`dreamly export --format json`) or a folder of notes "
        "(`dreamly export --format markdown --split -o FOLDER`)"]


def test_split_notes_bring_back_the_dreamers_own_decisions_and_answers(cli, tmp_path):
    # the notes kept the matcher's motifs but lost what the dreamer decided and wrote:
    # an import re-analysed the dream, and a dropped chase came back, an added fall went
    assert cli("add", "I was chased by a dog in the park", "-d", "2026-01-05", "--lucidity", "3").exit_code == 0
    assert cli("edit", "1", "--motif", "falling", "--drop-motif", "chase").exit_code == 0
    assert cli("reflect", "1", "-q", "reminds", "moving house, \"again\": the old flat").exit_code == 0
    notes = tmp_path / "notes"
    assert cli("export", "--format", "markdown", "--split", "-o", notes).exit_code == 0
    second = tmp_path / "second.db"
    assert cli("import", notes, "--db", second).exit_code == 0, "import failed"
    back = json.loads(cli("show", "1", "--json", "--db", second).stdout)
    assert {m["motif"] for m in back["motifs"]} == {"falling"}
    assert back["lucidity"] == 3
    assert [(r["question"], r["answer"]) for r in back["reflections"]] == [("reminds", "moving house, \"again\": the old flat")]
    assert {(c["name"], c["action"]) for c in back["corrections"]} == {("chase", "drop"), ("falling", "add")}
    # and a reanalyze keeps them, as in the journal they came from
    assert cli("reanalyze", "--db", second).exit_code == 0
    assert {m["motif"] for m in json.loads(cli("show", "1", "--json", "--db", second).stdout)["motifs"]} == {"falling"}
