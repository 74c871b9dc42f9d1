"""Import in bounded memory (issue 18): a JSON export is streamed, one record at a time, and
written in a second pass inside one transaction; all or nothing still holds."""

import json
import sqlite3
import weakref
from pathlib import Path

import pytest

from dreamly import formats
from dreamly.formats import dreamly_json, jsonstream
from dreamly.store import Journal

SECRET = "the tiger behind the wedding cake"


def _rows(count: int) -> list[dict]:
    # ~600 bytes a dream: the file is several of the reader's 1 MB buffers long
    return [{"dreamt_on": f"20{10 + n % 15}-0{n % 9 + 1}-1{n % 9}", "title": f"night {n}",
             "body": f"dream {n}: I walked through a house of many rooms, {SECRET}, " + "and on " * 60,
             "tags": ["house"]} for n in range(count)]


def _write_export(path: Path, rows: list[dict], tail: str = "\n]}\n") -> Path:
    """The layout `dreamly export --format json` writes: one dream per line."""
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    path.write_text('{"dreamly_export": 1, "dreams": [\n' + lines + tail, encoding="utf-8")
    return path


def _journal_state(db: Path) -> list:
    with sqlite3.connect(db) as conn:
        return [conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("dreams", "dream_tags", "dream_emotions", "dream_motifs", "dream_analysis")]


def _one_error_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr and SECRET not in lines[0]
    return lines[0]


@pytest.mark.parametrize("break_it", ["a bad day", "a syntax error", "cut off"])
def test_a_malformed_record_at_the_end_of_a_large_export_leaves_the_journal_untouched(cli, db_path, tmp_path, break_it):
    assert cli("add", "an old dream of a red door", "-d", "2020-01-01").exit_code == 0
    before = _journal_state(db_path)
    rows = _rows(4000)
    path = tmp_path / "big.json"
    if break_it == "a bad day":
        rows[-1]["dreamt_on"] = "2026-13-45"
        _write_export(path, rows)
    elif break_it == "a syntax error":
        _write_export(path, rows, tail="\n,]}\n")
    else:
        _write_export(path, rows, tail="\n")  # the file ends before the list does
    assert path.stat().st_size > 2 * jsonstream.READ
    line = _one_error_line(cli("import", path))
    assert str(path) in line
    if break_it == "a bad day":
        assert "dream 4000" in line and "dreamt_on" in line
    else:
        assert f"line {4000 + 2}" in line or f"line {4000 + 3}" in line, line
    assert _journal_state(db_path) == before
    assert "Would add" not in cli("import", path, "--dry-run").stdout


def test_a_file_that_changes_between_the_passes_writes_nothing(db_path, tmp_path):
    rows = _rows(1200)
    path = _write_export(tmp_path / "in.json", rows)
    with Journal.open(db_path) as journal:
        source = formats.open_import(path)
        survey = formats.survey_import(source, journal.content_hashes())
        assert survey.new == 1200
        rows[-1]["tags"] = ["\x00"]  # malformed, found only by the second pass
        _write_export(path, rows)
        with pytest.raises(formats.DreamlyError) as caught:
            formats.write_streamed(journal, source, survey, formats.make_analyser(None), None, workers=1)
        assert "dream 1200" in str(caught.value)
        rows[-1]["tags"] = []
        rows[-1]["body"] = "a different dream altogether"
        _write_export(path, rows)
        survey = formats.survey_import(source, journal.content_hashes())
        rows[-2]["body"] = "changed again"
        _write_export(path, rows)
        with pytest.raises(formats.DreamlyError, match="changed while it was being imported"):
            formats.write_streamed(journal, source, survey, formats.make_analyser(None), None, workers=1)
    assert _journal_state(db_path)[0] == []


def _count_live_records(monkeypatch, module=dreamly_json) -> dict:
    """Every record the format's reader makes, counted while it is alive."""
    counts = {"live": 0, "most": 0, "made": 0}

    class Tracked(dict):
        pass

    def gone() -> None:
        counts["live"] -= 1

    real = module._record

    def record(**fields):
        tracked = Tracked(real(**fields))
        counts["live"] += 1
        counts["made"] += 1
        counts["most"] = max(counts["most"], counts["live"])
        weakref.finalize(tracked, gone)
        return tracked

    monkeypatch.setattr(module, "_record", record)
    return counts


def test_the_import_never_holds_more_than_a_bounded_number_of_records(cli, db_path, tmp_path, monkeypatch):
    count = 5000
    path = _write_export(tmp_path / "in.json", _rows(count))
    monkeypatch.setattr(formats, "PARALLEL_FROM", 10**9)  # analysed in this process, so counted here
    counts = _count_live_records(monkeypatch)

    result = cli("import", path, "--dry-run")
    assert result.exit_code == 0 and f"Would add {count} dreams" in result.stdout
    assert counts["made"] == count and counts["most"] <= 2  # the check pass holds one at a time

    result = cli("import", path)
    assert result.exit_code == 0, result.stderr
    assert f"Imported {count} dreams" in result.stdout
    assert counts["made"] == 3 * count  # the dry run's pass, then this import's two
    assert counts["most"] <= 2 * formats.CHUNK + 2, counts  # a chunk being analysed and the one filling
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM dream_analysis").fetchone()[0] == count  # every dream analysed
        days = [day for (day,) in conn.execute("SELECT dreamt_on FROM dreams ORDER BY id")]
    assert days == sorted(days)  # ids follow days, as before


def test_the_worker_pool_is_fed_a_bounded_number_of_chunks(db_path, tmp_path, monkeypatch):
    count = 3000
    path = _write_export(tmp_path / "in.json", _rows(count))
    monkeypatch.setattr(formats, "PARALLEL_FROM", 1)
    monkeypatch.setattr(formats, "CHUNK", 100)
    counts = _count_live_records(monkeypatch)
    with Journal.open(db_path) as journal:
        source = formats.open_import(path)
        survey = formats.survey_import(source, journal.content_hashes())
        added, failed = formats.write_streamed(journal, source, survey, formats.make_analyser(None), None, workers=2)
    assert (added, failed) == (count, 0)
    assert counts["most"] <= (2 * 2 + 2) * 100 + 2, counts  # two chunks a worker in flight, one finishing, one filling


def test_the_streamed_reader_reads_as_json_loads_does(tmp_path):
    rows = _rows(300)
    rows[5]["body"] = "a long one " * 200_000  # one record far longer than the buffer
    rows[6]["title"] = "emoji 🌙 and a \\u escape \u00e9"
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps({"dreamly_export": 1, "note": {"a": [1, 2.5, None]}, "dreams": rows}, indent=2),
                    encoding="utf-8-sig")
    streamed = [item.dream for item in formats.open_import(path).records()]
    whole = [item.dream for item in jsonstream.read_json_data(path, formats._load_json(path), [dreamly_json],
                                                                formats.ImportOptions("2026-01-01T00:00:00+00:00"))]
    for item in (*streamed, *whole):
        item["created"] = item["updated"] = None
    assert streamed == whole and len(streamed) == 300


def test_the_streamed_reader_names_the_line_and_column_json_loads_would(tmp_path):
    ok = '{"dreamt_on": "2026-01-01", "body": "a dream"}'
    for text in ('{"dreamly_export": 1, "dreams": [\n' + ok + ',\n{"a": tru}\n]}',
                 '{"dreamly_export": 1, "dreams": [\n' + ok + '\n' + ok + ']}',
                 '{"dreamly_export": 1, "dreams": [\n{"a": "x\n"}]}',
                 '{"dreamly_export": 1, "dreams": []} extra'):
        path = tmp_path / "bad.json"
        path.write_text(text, encoding="utf-8")
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            expected = f"line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"
        with pytest.raises(formats.DreamlyError) as caught:
            list(formats.open_import(path).records())
        assert str(caught.value) == f"{path}, {expected}"


def test_jrnl_exports_stream_too(cli, db_path, tmp_path, monkeypatch):
    entries = [{"date": "2025-03-0" + str(n % 9 + 1), "time": "07:00", "title": f"entry {n}.", "body": "a dream",
                "tags": ["@night"], "starred": False} for n in range(50)]
    path = tmp_path / "jrnl.json"
    path.write_text(json.dumps({"tags": {"@night": 50}, "entries": entries}), encoding="utf-8")
    monkeypatch.setattr(formats, "_load_json", lambda path: pytest.fail("read whole"))
    result = cli("import", path)
    assert result.exit_code == 0 and "Imported 50 dreams" in result.stdout


def test_csv_streams_too(cli, db_path, tmp_path, monkeypatch):
    from dreamly.formats import csv_file

    path = tmp_path / "dreams.csv"
    rows = "".join(f'2024-02-0{n % 9 + 1},"dream {n}, with a comma\nand a second line"\n' for n in range(3000))
    path.write_text("date,text\n" + rows, encoding="utf-8")
    counts = _count_live_records(monkeypatch, csv_file)
    result = cli("import", path, "--dry-run")
    assert result.exit_code == 0 and "Would add 3000 dreams" in result.stdout
    assert counts["made"] == 3000 and counts["most"] <= 2
    path.write_bytes(path.read_bytes() + b"2024-02-01,caf\xe9\n")  # not UTF-8, in the last line
    line = _one_error_line(cli("import", path))
    assert line.endswith(f"{path}, line 6002: not UTF-8 text") and not db_path.exists()


def test_the_packed_places_sort_as_the_days_and_orders_do():
    import random

    rng = random.Random(7)
    days = ["1900-01-01", "2024-02-29", "2024-03-01", "9999-12-31"]
    ranks = [float("inf"), -5, 0, 1, 2**40, 2**63 - 1]
    places = [(rng.choice(days), (rng.choice(ranks), n + 1), n) for n in range(400)]
    by_tuple = sorted(places)
    by_int = sorted(places, key=lambda p: formats._place(*p))
    assert by_int == by_tuple
