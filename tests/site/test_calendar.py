"""upcoming.ics: the next 30 passages at the chat's local time, with its zone, valid as the
icalendar package reads it, right on both sides of a change of daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.core.agenda import Outlook, what_dates_bring
from bot.core.coming import coming_passages
from bot.i18n import translator
from bot.site import upcoming_calendar
from bot.site.calendar import render_calendar
from tests.site.conftest import CHAT, CORPUS, NOW, Archive

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_chat(**settings: Any) -> dict[str, Any]:
    return {
        "id": CHAT, "type": "supergroup", "title": "Readers", "timezone": "Europe/Berlin",
        "post_time": "09:00", "paused": False, "passages": True, "corpus_position": 3,
        "created_at": 0, **settings,
    }  # fmt: skip


def events_of(text: str) -> list[Any]:
    calendar = Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


def test_the_calendar_holds_the_next_30_passages_valid_with_the_zone(archive: Archive) -> None:
    text = upcoming_calendar(archive.store, archive.chat(), archive.corpus, NOW)
    calendar = Calendar.from_ical(text)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == (
        "2.0",
        "-//Commons Bot//Coming passages//EN",
    )
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 30
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "DTSTART;TZID=Europe/Berlin:20300606T090000" in text.replace("\r\n", "\n")
    # Wednesday's passage went out: the calendar starts on Thursday, one a day.
    starts = [event.decoded("DTSTART") for event in events]
    assert starts[0] == datetime(2030, 6, 6, 9, 0, tzinfo=BERLIN)
    assert [s.date() for s in starts] == [date(2030, 6, 6) + timedelta(days=n) for n in range(30)]
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "DESCRIPTION"} <= set(event)


def test_each_event_is_the_passage_that_day_brings_with_its_opening_line(
    archive: Archive,
) -> None:
    chat = archive.chat()
    events = events_of(upcoming_calendar(archive.store, chat, archive.corpus, NOW))
    # Three passages went out: the chat's place is 3, so Thursday brings the fourth entry.
    coming = [CORPUS[(chat["corpus_position"] + n) % len(CORPUS)] for n in range(30)]
    assert chat["corpus_position"] == 3
    for event, entry in zip(events, coming, strict=True):
        opening = " ".join(entry.passage.split())[:40]
        assert " ".join(str(event["DESCRIPTION"]).split()).startswith(opening)
        assert str(event["SUMMARY"]) == f"Passage · {entry.chapter}"


def test_the_calendar_is_the_same_in_a_second_build_on_the_same_day(archive: Archive) -> None:
    first = upcoming_calendar(archive.store, archive.chat(), archive.corpus, NOW)
    later = NOW + timedelta(hours=2)  # past midnight in Berlin, nothing new sent
    assert upcoming_calendar(archive.store, archive.chat(), archive.corpus, later) == first


@pytest.mark.parametrize(
    ("first_day", "change", "before", "after"),
    [
        (date(2030, 3, 20), date(2030, 3, 31), time(8, 0), time(7, 0)),  # last Sunday of March
        (date(2030, 10, 20), date(2030, 10, 27), time(7, 0), time(8, 0)),  # of October
    ],
    ids=["march", "october"],
)
def test_passages_stay_at_nine_in_berlin_across_a_change_of_daylight_saving_time(
    first_day: date, change: date, before: time, after: time
) -> None:
    chat = berlin_chat()
    coming = coming_passages(chat, book_days(first_day), {e.id: e for e in CORPUS}.get)
    text = render_calendar(translator("en"), chat, coming, stamp=0)
    for event in events_of(text):
        start = event.decoded("DTSTART")
        assert (start.tzinfo, start.time()) == (BERLIN, time(9, 0))
        in_utc = start.astimezone(UTC).time()
        assert in_utc == (before if start.date() < change else after), start


def test_a_paused_chat_has_an_empty_but_valid_calendar() -> None:
    chat = berlin_chat(paused=True)
    days = what_dates_bring(Outlook(True, (), 0), date(2030, 6, 3), 30)
    text = render_calendar(
        translator("en"), chat, coming_passages(chat, days, dict().get), stamp=0
    )
    assert events_of(text) == []


def test_a_skipped_date_is_left_out_of_the_calendar(archive: Archive) -> None:
    archive.store.skip_date(CHAT, "2030-06-07", now=int(NOW.timestamp()))
    events = events_of(upcoming_calendar(archive.store, archive.chat(), archive.corpus, NOW))
    days = [event.decoded("DTSTART").date() for event in events]
    assert date(2030, 6, 7) not in days
    assert (days[0], days[1], len(days)) == (date(2030, 6, 6), date(2030, 6, 8), 30)


def book_days(first: date) -> list[Any]:
    """Every day from ``first`` brings the book's next passage (nothing skipped or queued)."""
    return what_dates_bring(Outlook(False, tuple(e.id for e in CORPUS), 0), first, 30)
