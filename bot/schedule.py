"""Local-time maths for each chat's slots: parsing settings, daylight saving, what is due now.

Pure: every function takes `now` (an aware datetime) and returns values; claims for exactly-once
delivery are the store's job.
"""

from __future__ import annotations

import difflib
import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, available_timezones

Kind = Literal["passage", "digest", "weekly"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TZ_LIST_URL = "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones"
TZ_HINT = f"use an Area/City name such as Europe/Berlin or America/New_York (list: {TZ_LIST_URL})"
HHMM_HINT = "use 24-hour HH:MM, for example 09:00 or 21:30"
WEEKDAY_HINT = "use one of " + ", ".join(WEEKDAYS) + " (or a short form such as sun)"

_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
# A spring-forward gap is at most a day long (Pacific/Apia skipped 30 December 2011).
_MAX_GAP_MINUTES = 24 * 60


class ScheduleError(ValueError):
    """A schedule setting that cannot be used; the message says what is wrong and how to fix it."""


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    """Map each known zone name, case-folded, to its canonical spelling."""
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(text: str) -> str:
    """Return the canonical IANA name for text (case-insensitive), or raise ScheduleError."""
    wanted = text.strip().replace(" ", "_")
    if not wanted:
        raise ScheduleError(f"missing timezone: {TZ_HINT}")
    zones = _zones_by_folded_name()
    if wanted.casefold() in zones:
        return zones[wanted.casefold()]
    suggestions = _suggest_zones(wanted.casefold(), zones)
    hint = f"did you mean {' or '.join(suggestions)}? {TZ_HINT[0].upper()}{TZ_HINT[1:]}"
    raise ScheduleError(f"unknown timezone {text.strip()!r}: {hint if suggestions else TZ_HINT}")


def _suggest_zones(folded: str, zones: dict[str, str]) -> list[str]:
    """Return up to three zone names close to a misspelt or city-only name."""
    # A bare city ("Berlin") matches the last part of "Europe/Berlin" exactly.
    cities = [name for key, name in zones.items() if key.rsplit("/", 1)[-1] == folded]
    scored = [
        (difflib.SequenceMatcher(None, folded, key).ratio(), key)
        for key in difflib.get_close_matches(folded, zones, n=5, cutoff=0.6)
    ]
    # Only the near-best: "Europe/Berlinn" should offer Berlin, not Dublin and Tallinn as well.
    best = max((score for score, _ in scored), default=0.0)
    close = [zones[key] for score, key in scored if score >= best - 0.1]
    return list(dict.fromkeys(sorted(cities) + close))[:3]


def parse_hhmm(text: str) -> str:
    """Return a 24-hour time as 'HH:MM' ('9:00' -> '09:00'), or raise ScheduleError."""
    match = _HHMM.fullmatch(text.strip())
    if match is None:
        raise ScheduleError(f"invalid time {text.strip()!r}: {HHMM_HINT}")
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23:
        raise ScheduleError(f"invalid time {text.strip()!r}: hours go from 00 to 23; {HHMM_HINT}")
    if minutes > 59:
        raise ScheduleError(
            f"invalid time {text.strip()!r}: minutes go from 00 to 59; {HHMM_HINT}"
        )
    return f"{hours:02d}:{minutes:02d}"


def parse_weekday(text: str) -> int:
    """Return 0=Monday..6=Sunday for a day name or a prefix of two letters or more ('su')."""
    wanted = text.strip().casefold().rstrip(".")
    matches = [
        i for i, name in enumerate(WEEKDAYS) if len(wanted) >= 2 and name.startswith(wanted)
    ]
    if len(matches) == 1:
        return matches[0]
    raise ScheduleError(f"unknown weekday {text.strip()!r}: {WEEKDAY_HINT}")


def local_date(now: datetime, tz: str) -> date:
    """Return the calendar date at instant `now` in time zone tz."""
    return _require_aware(now).astimezone(ZoneInfo(tz)).date()


def occurrence(local_day: date, hhmm: str, tz: str) -> datetime:
    """Return the aware UTC instant of wall-clock time hhmm on local_day in tz.

    A time skipped by a spring-forward gap moves to the first valid minute after the gap; a time
    that happens twice in autumn is its first occurrence (fold=0), so a slot happens once.
    """
    zone = ZoneInfo(tz)
    wall = datetime.combine(local_day, _to_time(hhmm), tzinfo=zone)
    for _ in range(_MAX_GAP_MINUTES + 1):
        if _exists(wall):
            return wall.astimezone(UTC)
        wall += timedelta(minutes=1)  # wall-clock arithmetic: tz-aware addition keeps the zone
    raise ScheduleError(f"no valid time near {local_day} {hhmm} in {tz}")


def _exists(wall: datetime) -> bool:
    """Return True if the wall time exists: a time in a gap does not survive a UTC round trip."""
    back = wall.astimezone(UTC).astimezone(wall.tzinfo)
    return back.replace(tzinfo=None) == wall.replace(tzinfo=None)


def slot_time(chat: dict[str, Any], kind: Kind | str) -> str:
    """Return the chat's 'HH:MM' for a kind of post."""
    keys = {"passage": "post_time", "digest": "digest_time", "weekly": "weekly_time"}
    if kind not in keys:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(keys)}")
    return str(chat[keys[kind]])


def slot_for(chat: dict[str, Any], kind: Kind | str, local_day: date) -> datetime | None:
    """Return the UTC instant of the chat's slot of that kind on local_day, or None if none."""
    if kind == "weekly" and local_day.weekday() != int(chat["weekly_day"]):
        return None
    return occurrence(local_day, slot_time(chat, kind), chat["timezone"])


def next_run(chat: dict[str, Any], kind: Kind | str, now: datetime) -> datetime:
    """Return the aware UTC instant of the chat's next slot of that kind, strictly after now."""
    today = local_date(now, chat["timezone"])
    # Today's slot may have passed; a weekly slot is at most a week away.
    for offset in range(9):
        when = slot_for(chat, kind, today + timedelta(days=offset))
        if when is not None and when > now:
            return when
    raise ScheduleError(f"no {kind} slot within a week of {now.isoformat()}")


def due_now(chat: dict[str, Any], kind: Kind | str, now: datetime) -> str | None:
    """Return today's local date 'YYYY-MM-DD' if the chat's slot has passed today, else None.

    A slot missed while the bot was down stays due until local midnight, so it is caught up the
    same day and never later. A paused chat has nothing due.
    """
    if chat.get("paused"):
        return None
    today = local_date(now, chat["timezone"])
    when = slot_for(chat, kind, today)
    if when is None or when > now:
        return None
    return today.isoformat()


def describe_next(chat: dict[str, Any], kind: Kind | str, now: datetime) -> str:
    """Return e.g. 'Mon 24 Nov 09:00 Europe/Berlin (in 3 h 12 min)' for the chat's next slot."""
    when = next_run(chat, kind, now)
    local = when.astimezone(ZoneInfo(chat["timezone"]))
    # Names from our own tables, not strftime's %a/%b, so the server's locale cannot change them.
    day = f"{WEEKDAYS[local.weekday()][:3].title()} {local.day} {_MONTHS[local.month - 1]}"
    return f"{day} {local:%H:%M} {chat['timezone']} (in {describe_wait(when - now)})"


def describe_wait(wait: timedelta) -> str:
    """Return a short, rounded-down duration such as '2 d 3 h', '3 h 12 min' or '5 min'."""
    minutes = int(wait.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else "under a minute"


def _to_time(hhmm: str) -> time:
    hours, minutes = parse_hhmm(hhmm).split(":")
    return time(int(hours), int(minutes))


def _require_aware(now: datetime) -> datetime:
    # A naive datetime would silently be read as the server's local time.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    return now
