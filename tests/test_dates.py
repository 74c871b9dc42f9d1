from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from dreamly.dates import parse_day
from dreamly.errors import DreamlyError

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", TODAY),
        ("Today", TODAY),
        ("last night", TODAY),  # the night before this morning is filed under this morning
        ("yesterday", date(2026, 11, 23)),
        ("monday", date(2026, 11, 23)),
        ("tuesday", TODAY),  # today counts, the future never does
        ("wednesday", date(2026, 11, 18)),
        ("sun", date(2026, 11, 22)),
        ("3 days ago", date(2026, 11, 21)),
        ("1 day ago", date(2026, 11, 23)),
        ("two days ago", date(2026, 11, 22)),
        ("2026-11-20", date(2026, 11, 20)),
        ("Nov 20", date(2026, 11, 20)),
        ("20 November 2026", date(2026, 11, 20)),
        ("Dec 25", date(2025, 12, 25)),  # no year and in the future: last year's
    ],
)
def test_accepted_forms(text, expected):
    assert parse_day(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["someday", "", "march on", "2026-02-30", "next week", "the 5th of never", "2 days"])
def test_rejected_forms_name_the_value_and_the_forms(text):
    with pytest.raises(DreamlyError) as info:
        parse_day(text, today=TODAY)
    assert repr(text)[1:-1] in str(info.value) or text == ""
    assert "yesterday" in str(info.value)


def test_days_ago_is_not_read_as_a_day_of_month():
    assert parse_day("2 days ago", today=TODAY) == TODAY - timedelta(days=2)


@given(st.text(max_size=60))
def test_any_text_is_a_date_or_a_clear_error(text):
    try:
        result = parse_day(text, today=TODAY)
    except DreamlyError as exc:
        assert "can't read" in str(exc)
    else:
        assert isinstance(result, date)


@given(st.integers(min_value=0, max_value=3000))
def test_n_days_ago_roundtrip(n):
    assert parse_day(f"{n} days ago", today=TODAY) == TODAY - timedelta(days=n)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_iso_roundtrip(day):
    assert parse_day(day.isoformat(), today=TODAY) == day
