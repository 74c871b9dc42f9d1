"""Turn the ways people name a day into a `datetime.date`.

The relative forms are handled here so that dateutil is only imported (about 25 ms) when
someone actually writes a calendar date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dreamly.lazy_re import compile_later
from dreamly.errors import DreamlyError

ACCEPTED = (
    "today, yesterday, 'the day before yesterday', last night, a weekday (monday), 'sunday night', "
    "'N days ago', '2 weeks ago', 'last week', an ISO date (2026-11-20) or a written date (Nov 20, 20 November 2026)"
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_PREFIXES = {name[:3]: i for i, name in enumerate(WEEKDAYS)}
_DAYS_AGO = compile_later(r"(\d{1,5}|an?|one|two|three|four|five|six|seven)\s+(days?|weeks?)\s+ago")
_NUMERIC = compile_later(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?")
DATE_ORDERS = ("day-month", "month-day")
_ISO = compile_later(r"(\d{4})-(\d{2})-(\d{2})")
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def refuse_future(day: date | str, today: date | None = None, *, where: str = "") -> None:
    """The one future-date rule (`add`, `edit`, `import`): a dream is filed under the morning
    you woke, which has come. `day` is a date or an ISO day; `where` names an imported row."""
    limit = today or date.today()
    if (day > limit.isoformat()) if isinstance(day, str) else (day > limit):
        shown = day if isinstance(day, str) else day.isoformat()
        raise DreamlyError(f"{where + ': ' if where else ''}{shown} is in the future; "
                           "a dream is filed under the morning you woke")


# the way a tired person types the words of a day ("last nite", "yday")
_TYPED = {"nite": "night", "tonite": "tonight", "yday": "yesterday", "yest": "yesterday", "ystd": "yesterday",
          "ytd": "yesterday", "yesterdy": "yesterday", "yesteday": "yesterday", "tday": "today", "2day": "today"}


def parse_day(text: str, today: date | None = None, order: str | None = None) -> date:
    """Parse `text` as a day, relative to `today` (defaults to the local date).

    "last night" is this morning's date: a dream is filed under the morning you woke, and
    so "sunday night" is the Monday after it. A weekday name is the most recent such day,
    today included, never one in the future. "last week" is last week's Monday (so
    `--since "last week"` starts there). `order` ("day-month" or "month-day") reads
    dates like 1/12; without it (and without `date_order` in config.toml) they are refused.
    """
    today = today or date.today()
    value = " ".join(_TYPED.get(word, word) for word in str(text).strip().lower().split())
    if value in ("today", "last night", "tonight", "this morning", "now"):
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if value in ("the day before yesterday", "day before yesterday"):
        return today - timedelta(days=2)
    if value == "last week":
        return today - timedelta(days=today.weekday() + 7)
    if value.endswith(" night"):
        night = _weekday(value[:-6].removeprefix("last ").removeprefix("on "))
        if night is not None:  # the night of that day ends the next morning
            return today - timedelta(days=(today.weekday() - (night + 1) % 7) % 7)
    weekday = _weekday(value.removeprefix("last ").removeprefix("on "))
    if weekday is not None:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    if m := _DAYS_AGO.fullmatch(value):
        count = m.group(1)
        number = int(count) if count.isdigit() else _WORD_NUMBERS[count]
        days = number * (7 if m.group(2).startswith("week") else 1)
        try:
            return today - timedelta(days=days)
        except OverflowError:
            raise _bad(text) from None
    if m := _NUMERIC.fullmatch(value):
        return _numeric_date(text, m, today, order)
    if m := _ISO.fullmatch(value):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise _bad(text) from None
    return _written_date(text, value, today)


def _numeric_date(original: str, m: re.Match, today: date, order: str | None) -> date:
    """1/12, 1.12.2026, 12-1-26: which number is the day depends on where you live, so a
    date both ways round is refused until `date_order` says which."""
    first, second = int(m.group(1)), int(m.group(2))
    year_text = m.group(3)
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    readings = []
    for day_, month in ((first, second), (second, first)):
        try:
            readings.append(date(year or today.year, month, day_))
        except ValueError:
            readings.append(None)
    day_month, month_day = readings
    if day_month and month_day and day_month != month_day:
        if order is None:
            from dreamly.config import load

            order = load().date_order
        if order is None:
            raise DreamlyError(
                f"{original!r} could be {_spoken(day_month)} (day-month) or {_spoken(month_day)} (month-day); "
                "write it as 2026-12-01, or set date_order = \"day-month\" or \"month-day\" in config.toml "
                "(`dreamly config` shows where)")
        parsed = day_month if order == "day-month" else month_day
    else:
        parsed = day_month or month_day
    if parsed is None:
        raise _bad(original)
    if year is None and parsed > today:  # no year: the most recent such day
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:
            pass
    return parsed


def _spoken(day: date) -> str:
    return f"{day.day} {day.strftime('%B')}" + ("" if day.year == date.today().year else f" {day.year}")


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
