"""``upcoming.ics``: the chat's coming passages as an iCalendar file (RFC 5545).

Written with the ``icalendar`` package, which also writes the VTIMEZONE of the chat's zone
from the system's time zone data: each passage is at the chat's local time with its TZID, so a
calendar shows it at the right hour on both sides of a change of daylight saving time.
``render_calendar`` is a plain function of the chat and its coming passages, for the site and
for anything else that sends the calendar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.compose.digest import lines
from bot.compose.passage import SUGGESTED_BY
from bot.core.coming import ComingPassage
from bot.i18n import Translator

Row = Mapping[str, Any]
PRODID = "-//Commons Bot//Coming passages//EN"
# Long enough to read a passage and its counterpoint; a calendar shows it as a short event.
READING = timedelta(minutes=15)
TRIM_OPENING = 200
# The VTIMEZONE covers the passages with a year's margin each side, not the package's default
# of 1970 to 2038, which lists every change of those 68 years.
ZONE_MARGIN = timedelta(days=366)


def passage_uid(chat: Row, passage: ComingPassage) -> str:
    """Return the event's UID: the chat and the local date, the same in every build."""
    return f"{passage.local_date.isoformat()}.passage.{chat['id']}@commons-bot"


def render_calendar(
    t: Translator, chat: Row, coming: Sequence[ComingPassage], *, stamp: int
) -> str:
    """Return the calendar of the coming passages, each with its passage's opening line.

    ``stamp`` (unix seconds) is the events' DTSTAMP: when what the calendar says was last
    settled (the latest passage sent), so a build with nothing new writes the same bytes.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = " ".join((chat.get("title") or "").split())
    name = t._("{chat} · coming passages", chat=title) if title else t._("Coming passages")
    calendar.add("x-wr-calname", name)
    zone = ZoneInfo(chat["timezone"])
    for passage in coming:
        calendar.add_component(_event(t, chat, passage, zone, stamp))
    if coming:
        calendar.add_missing_timezones(
            first_date=coming[0].local_date - ZONE_MARGIN,
            last_date=coming[-1].local_date + ZONE_MARGIN,
        )
    return str(calendar.to_ical().decode("utf-8"))


def _event(t: Translator, chat: Row, passage: ComingPassage, zone: ZoneInfo, stamp: int) -> Event:
    """Return one passage's event at the chat's local time."""
    event = Event()
    event.add("uid", passage_uid(chat, passage))
    event.add("dtstamp", datetime.fromtimestamp(stamp, UTC))
    event.add("dtstart", passage.at.astimezone(zone))
    event.add("duration", READING)
    entry = passage.entry
    # A member's suggestion has no chapter: it is named by who suggested it.
    about = entry.chapter or t._(SUGGESTED_BY, name=entry.suggested_by or "")
    event.add("summary", t._("Passage · {chapter}", chapter=about))
    event.add("description", lines.opening(passage.entry.passage, TRIM_OPENING))
    return event
