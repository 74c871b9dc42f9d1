"""`export --format json` builds its records in SQLite (formats/json_sql.py); they must be exactly
the records the Python path builds (transfer.json_record), in the same order."""

import io
import json
from dataclasses import dataclass
from datetime import date

import pytest

from dreamly import formats as transfer
from dreamly.formats import json_sql as json_export
from dreamly.store import Filters, Journal, NewDream


@dataclass(frozen=True)
class Hit:
    id: str
    evidence: str
    start: int
    end: int
    subject: str = "dreamer"


def export_text(journal, filters, *, python: bool, monkeypatch) -> str:
    out = io.StringIO()
    with monkeypatch.context() as m:
        if python:
            m.setattr(json_export, "lines", lambda *args: None)
        transfer.export(journal, filters, "json", None, out)
    return out.getvalue()


@pytest.fixture
def rich_journal(db_path):
    with Journal.open(db_path) as journal:
        first = journal.add(NewDream(
            body='Chased through "the" station — 駅で\ttabs, \\ back\x01slash and an emoji 🌙', dreamt_on=date(2026, 1, 5),
            title="Station", context="deadline", lucid=True, nightmare=True, recurring=True, sleep_quality=2,
            tags=["work", "big exam"], emotions=[("fear", 4), ("shame", None)], source="test"))
        journal.save_analysis(first, [Hit("chase", "Chased", 0, 6), Hit("pursuer_known_person", "x", 1, 2, "other")],
                              ["anxiety"], 5)
        journal.add_interpretation(first, model="echo", lens=None, prompt="p", system=None, response="r", complete=False)
        journal.add_interpretation(first, model="echo", lens="jungian", prompt="p2", system="s", response="r2")
        journal.add_rehearsal(first, "This time I turned round.")
        journal.add(NewDream(body="plain", dreamt_on=date(2026, 1, 5)))  # same day: id breaks the tie
        journal.add(NewDream(body="older", dreamt_on=date(2025, 12, 1), tags=["home"]))
        yield journal


@pytest.mark.parametrize("filters", [Filters(), Filters(oldest_first=True), Filters(limit=2), Filters(tags=["work"]),
                                     Filters(since=date(2026, 1, 1))], ids=repr)
def test_sql_records_equal_the_python_records(rich_journal, filters, monkeypatch):
    fast = export_text(rich_journal, filters, python=False, monkeypatch=monkeypatch)
    slow = export_text(rich_journal, filters, python=True, monkeypatch=monkeypatch)
    assert json.loads(fast) == json.loads(slow)
    assert [json.loads(line.rstrip(",")) for line in fast.splitlines()[1:-1]] == json.loads(slow)["dreams"]


def test_a_record_key_sql_does_not_know_falls_back_to_python(rich_journal, monkeypatch):
    monkeypatch.setattr(transfer, "JSON_KEYS", transfer.JSON_KEYS + ("future_field",))
    assert json_export.lines(rich_journal, Filters(), transfer.JSON_KEYS) is None
