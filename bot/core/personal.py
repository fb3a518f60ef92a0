"""The rules of a person's own things: ``/mydigest`` and ``/passage`` read, which day of a
group the personal digest sends, and what a private chat gets.

A person who asks for it gets a group's evening digest in a private chat, at their own time
in their own zone; the morning passage comes there only if they ask for it too. Pure:
arguments and clocks in, values out.
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
    """What /mydigest or /passage asks for: on, off or show, and maybe a new time or zone."""

    action: Action
    at: str | None = None  # 'HH:MM'
    timezone: str | None = None


def parse_request(args: Sequence[str]) -> Request:
    """Return the request of '/mydigest [on|off] [HH:MM] [Area/City]' (or /passage's, the
    same); ScheduleError if bad.

    A time or a zone alone also turns it on: '/mydigest 07:30 Europe/Lisbon'.
    """
    words = [word for word in args if word.strip()]
    if not words:
        return Request("show")
    if [w.lower() for w in words] == ["off"]:
        return Request("off")
    if words[0].lower() == "on":
        words = words[1:]
    at = timezone = None
    for word in words:
        if word[:1].isdigit():
            if at is not None:
                raise ScheduleError(
                    N_("two times given: {first} and {second}"), first=at, second=word
                )
            at = parse_hhmm(word)
        elif timezone is None:
            timezone = parse_timezone(word)
        else:
            raise ScheduleError(
                N_("unexpected '{word}' after the time zone {timezone}"),
                word=excerpt(word),
                timezone=timezone,
            )
    return Request("on", at, timezone)


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


def gets_passages(chat: Mapping[str, Any]) -> bool:
    """Return True if a chat gets the morning passage and its digests: every group does, a
    private chat only once its person asked (``/passage on``)."""
    return bool(chat.get("passages", True))
