"""Turn the ways people name a day into a `datetime.date`.

The relative forms are handled here so that dateutil is only imported (about 25 ms) when
someone actually writes a calendar date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dreamly.errors import DreamlyError

ACCEPTED = (
    "today, yesterday, last night, a weekday (monday), 'N days ago', "
    "an ISO date (2026-11-20) or a written date (Nov 20, 20 November 2026)"
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_PREFIXES = {name[:3]: i for i, name in enumerate(WEEKDAYS)}
_DAYS_AGO = re.compile(r"(\d{1,5}|an?|one|two|three|four|five|six|seven)\s+days?\s+ago")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def refuse_future(day: date | str, today: date | None = None, *, where: str = "") -> None:
    """The one future-date rule (`add`, `edit`, `import`): a dream is filed under the morning
    you woke, which has come. `day` is a date or an ISO day; `where` names an imported row."""
    limit = today or date.today()
    if (day > limit.isoformat()) if isinstance(day, str) else (day > limit):
        shown = day if isinstance(day, str) else day.isoformat()
        raise DreamlyError(f"{where + ': ' if where else ''}{shown} is in the future; "
                           "a dream is filed under the morning you woke")


def parse_day(text: str, today: date | None = None) -> date:
    """Parse `text` as a day, relative to `today` (defaults to the local date).

    "last night" is this morning's date: a dream is filed under the morning you woke.
    A weekday name is the most recent such day, today included, never one in the future.
    """
    today = today or date.today()
    value = " ".join(str(text).strip().lower().split())
    if value in ("today", "last night", "tonight", "this morning", "now"):
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    weekday = _weekday(value.removeprefix("last ").removeprefix("on "))
    if weekday is not None:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    if m := _DAYS_AGO.fullmatch(value):
        count = m.group(1)
        days = int(count) if count.isdigit() else _WORD_NUMBERS[count]
        return today - timedelta(days=days)
    if m := _ISO.fullmatch(value):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise _bad(text) from None
    return _written_date(text, value, today)


def _weekday(value: str) -> int | None:
    if value in WEEKDAYS:
        return WEEKDAYS.index(value)
    if len(value) >= 3 and value[:3] in _WEEKDAY_PREFIXES:
        full = WEEKDAYS[_WEEKDAY_PREFIXES[value[:3]]]
        # "tues", "thurs", "wed." – a prefix of the full name
        if full.startswith(value.rstrip(".")):
            return _WEEKDAY_PREFIXES[value[:3]]
    return None


def _written_date(original: str, value: str, today: date) -> date:
    # Written dates need at least one digit, and dateutil (never fuzzy) refuses words it does
    # not know: this keeps it from turning words like "someday" or "march on" into dates.
    if not value or not any(ch.isdigit() for ch in value) or len(value) > 40:
        raise _bad(original)
    from dateutil import parser

    # A date without a year is this year's, unless that would be in the future.
    default = today.replace(day=1)
    try:
        parsed = parser.parse(value, default=_as_datetime(default), fuzzy=False).date()
    except (ValueError, OverflowError, parser.ParserError):
        raise _bad(original) from None
    if parsed > today and not re.search(r"\d{4}", value):
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:  # 29 February
            pass
    return parsed


def _as_datetime(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def _bad(value: str) -> DreamlyError:
    shown = str(value)
    if len(shown) > 40:
        shown = shown[:40] + "…"
    return DreamlyError(f"can't read {shown!r} as a date; use {ACCEPTED}")


def day_range(since: str | None, until: str | None, today: date | None = None) -> tuple[date | None, date | None]:
    """Parse an optional --since/--until pair and check that it is in order."""
    start = parse_day(since, today) if since else None
    end = parse_day(until, today) if until else None
    if start and end and start > end:
        raise DreamlyError(f"--since {start.isoformat()} is after --until {end.isoformat()}")
    return start, end
