"""The personal digest's rules: reading ``/mydigest``, and which day of a group it sends.

A person who asks for it gets a group's evening digest in a private chat, at their own time
in their own zone. Pure: arguments and clocks in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from bot.core.schedule import ScheduleError, local_date, parse_hhmm, parse_timezone, slot_for
from bot.core.text import N_, excerpt

Action = Literal["on", "off", "show"]


@dataclass(frozen=True)
class Request:
    """What a /mydigest command asks for: on, off or show, and maybe a new time or zone."""

    action: Action
    digest_time: str | None = None
    timezone: str | None = None


def parse_request(args: Sequence[str]) -> Request:
    """Return the request of '/mydigest [on|off] [HH:MM] [Area/City]'; ScheduleError if bad.

    A time or a zone alone also turns the digest on: '/mydigest 07:30 Europe/Lisbon'.
    """
    words = [word for word in args if word.strip()]
    if not words:
        return Request("show")
    if [w.lower() for w in words] == ["off"]:
        return Request("off")
    if words[0].lower() == "on":
        words = words[1:]
    digest_time = timezone = None
    for word in words:
        if word[:1].isdigit():
            if digest_time is not None:
                raise ScheduleError(
                    N_("two times given: {first} and {second}"), first=digest_time, second=word
                )
            digest_time = parse_hhmm(word)
        elif timezone is None:
            timezone = parse_timezone(word)
        else:
            raise ScheduleError(
                N_("unexpected '{word}' after the time zone {timezone}"),
                word=excerpt(word),
                timezone=timezone,
            )
    return Request("on", digest_time, timezone)


def digest_day(chat: Mapping[str, Any], now: datetime) -> date:
    """Return the group's latest day whose evening digest time has come by now.

    A person whose time comes before the group's evening gets the group's previous day.
    """
    today = local_date(now, chat["timezone"])
    evening = slot_for(chat, "digest", today)
    return today if evening is not None and evening <= now else today - timedelta(days=1)


def reader_calendar(reader: Mapping[str, Any]) -> dict[str, Any]:
    """Return a person's digest settings in the shape the schedule reads a chat's in."""
    return {
        "timezone": reader["timezone"],
        "digest_time": reader["digest_time"],
        # Since the last change: a time set after it passed today starts tomorrow.
        "created_at": reader["since"],
        "paused": False,
    }
