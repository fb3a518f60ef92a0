"""Dates and times as a chat's language writes them, by Babel (CLDR): the one place for dates.

English is written the British way ("Tuesday 24 November"), as the bot always has.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_interval, format_time, match_skeleton

# A weekday in a skeleton's pattern ("E", "ccc"), to be widened to the full name.
_WEEKDAY_FIELD = re.compile(r"E+|c{3,}")


# Finding the closest skeleton takes a while; digests date hundreds of lines each.
@functools.cache
def _pattern(skeleton: str, locale: Locale) -> str:
    """Return the locale's pattern for a skeleton (the closest one CLDR has)."""
    return str(locale.datetime_skeletons[match_skeleton(skeleton, locale.datetime_skeletons)])


def long_date(day: date, locale: Locale) -> str:
    """Return 'Tuesday 24 November' ('Dienstag, 24. November')."""
    # CLDR has no skeleton with a full weekday and month, so widen the weekday of the nearest.
    pattern = _WEEKDAY_FIELD.sub("EEEE", _pattern("MMMMEd", locale))
    return format_date(day, pattern, locale=locale)


def short_date(day: date, locale: Locale) -> str:
    """Return 'Tue 24 Nov' ('Di., 24. Nov.')."""
    return format_date(day, _pattern("MMMEd", locale), locale=locale)


def short_weekday(day: date, locale: Locale) -> str:
    """Return 'Tue' ('Di.')."""
    return format_date(day, "EEE", locale=locale)


def weekday(day_of_week: int, locale: Locale) -> str:
    """Return the full name of a weekday, 0 being Monday: 'Sunday' ('Sonntag')."""
    return str(locale.days["format"]["wide"][day_of_week])


def clock_time(moment: datetime, locale: Locale) -> str:
    """Return '09:00' as the locale writes a 24-hour time."""
    return format_time(moment, _pattern("Hm", locale), locale=locale)


def short_datetime(moment: datetime, locale: Locale) -> str:
    """Return 'Tue 24 Nov 09:00' for a local time."""
    return f"{short_date(moment.date(), locale)} {clock_time(moment, locale)}"


def span(first: date, last: date, locale: Locale) -> str:
    """Return '18 – 24 November' or '28 November – 4 December'."""
    return format_interval(first, last, "MMMMd", locale=locale)
