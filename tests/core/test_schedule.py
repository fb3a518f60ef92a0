"""Local-time slots: parsing settings, daylight saving, next runs and catch-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import (
    ScheduleError,
    describe_wait,
    due_now,
    local_date,
    next_run,
    occurrence,
    parse_hhmm,
    parse_timezone,
    parse_weekday,
    passed_slots,
    slot_for,
)

TZ_HINT = (
    "use an Area/City name such as Europe/Berlin or America/New_York "
    "(list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)"
)
HHMM_HINT = "use 24-hour HH:MM, for example 09:00 or 21:30"
WEEKDAY_HINT = (
    "use one of monday, tuesday, wednesday, thursday, friday, saturday, sunday "
    "(or a short form such as sun)"
)


def make_chat(**overrides: Any) -> dict[str, Any]:
    """Return a chat dict with the store's defaults, overridden by keyword."""
    chat = {
        "id": -100,
        "type": "group",
        "timezone": "UTC",
        "post_time": "09:00",
        "digest_time": "21:00",
        "weekly_day": 6,
        "weekly_time": "18:00",
        "paused": False,
        "active": True,
    }
    return chat | overrides


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(
    tz: str, year: int, month: int, day: int, hour: int, minute: int, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz), fold=fold)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  Asia/Kathmandu ", "Asia/Kathmandu"),
        ("america/new york", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
    ],
)
def test_parse_timezone_accepts(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mars/Olympus", f"unknown timezone 'Mars/Olympus': {TZ_HINT}"),
        (
            "Berlin",
            f"unknown timezone 'Berlin': did you mean Europe/Berlin? U{TZ_HINT[1:]}",
        ),
        (
            "Europe/Berlinn",
            f"unknown timezone 'Europe/Berlinn': did you mean Europe/Berlin? U{TZ_HINT[1:]}",
        ),
        (
            "America/New_Yrok",
            f"unknown timezone 'America/New_Yrok': did you mean America/New_York? U{TZ_HINT[1:]}",
        ),
        (
            "london",
            f"unknown timezone 'london': did you mean Europe/London? U{TZ_HINT[1:]}",
        ),
        ("", f"missing timezone: {TZ_HINT}"),
        ("../../etc/passwd", f"unknown timezone '../../etc/passwd': {TZ_HINT}"),
    ],
)
def test_parse_timezone_rejects_with_hint(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(text)
    assert str(caught.value) == message


def test_schedule_error_is_a_value_error() -> None:
    assert issubclass(ScheduleError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", "09:00"),
        ("09:00", "09:00"),
        ("21:30", "21:30"),
        (" 0:05 ", "00:05"),
        ("23:59", "23:59"),
    ],
)
def test_parse_hhmm_accepts(text: str, expected: str) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", f"invalid time '25:00': hours go from 00 to 23; {HHMM_HINT}"),
        ("24:00", f"invalid time '24:00': hours go from 00 to 23; {HHMM_HINT}"),
        ("12:60", f"invalid time '12:60': minutes go from 00 to 59; {HHMM_HINT}"),
        ("9", f"invalid time '9': {HHMM_HINT}"),
        ("9am", f"invalid time '9am': {HHMM_HINT}"),
        ("9:5", f"invalid time '9:5': {HHMM_HINT}"),
        ("", f"invalid time '': {HHMM_HINT}"),
    ],
)
def test_parse_hhmm_rejects_with_format_and_example(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_hhmm(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday", 0),
        ("Mon", 0),
        ("tu", 1),
        ("Tue.", 1),
        ("WEDNESDAY", 2),
        ("th", 3),
        ("fri", 4),
        ("sa", 5),
        ("sunday", 6),
        ("Sun", 6),
        ("su", 6),
    ],
)
def test_parse_weekday_accepts(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["s", "t", "funday", "7", "0", ""])
def test_parse_weekday_rejects_with_the_list(text: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_weekday(text)
    assert str(caught.value) == f"unknown weekday {text!r}: {WEEKDAY_HINT}"


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (utc(2026, 1, 5, 20, 0), "Asia/Kathmandu", date(2026, 1, 6)),  # 01:45 next day
        (utc(2026, 1, 6, 2, 0), "America/Los_Angeles", date(2026, 1, 5)),  # 18:00 day before
        (utc(2026, 1, 6, 2, 0), "UTC", date(2026, 1, 6)),
    ],
)
def test_local_date(now: datetime, tz: str, expected: date) -> None:
    assert local_date(now, tz) == expected


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2026, 1, 6, 2, 0), "UTC")


@pytest.mark.parametrize(
    ("day", "hhmm", "tz", "expected"),
    [
        (date(2026, 1, 5), "09:00", "Asia/Kathmandu", utc(2026, 1, 5, 3, 15)),
        (date(2026, 1, 5), "09:00", "America/Los_Angeles", utc(2026, 1, 5, 17, 0)),
        (date(2026, 7, 6), "09:00", "America/Los_Angeles", utc(2026, 7, 6, 16, 0)),
        (date(2026, 1, 5), "09:00", "UTC", utc(2026, 1, 5, 9, 0)),
        # Spring forward: 02:00-03:00 does not exist; 02:30 moves to 03:00 CEST.
        (date(2026, 3, 29), "02:30", "Europe/Berlin", utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), "02:00", "Europe/Berlin", utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), "01:59", "Europe/Berlin", utc(2026, 3, 29, 0, 59)),
        (date(2026, 3, 29), "03:00", "Europe/Berlin", utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), "09:00", "Europe/Berlin", utc(2026, 3, 29, 7, 0)),
        # Fall back: 02:00-03:00 happens twice; the first (CEST) counts.
        (date(2026, 10, 25), "02:30", "Europe/Berlin", utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 25), "09:00", "Europe/Berlin", utc(2026, 10, 25, 8, 0)),
        (date(2026, 11, 1), "01:30", "America/Los_Angeles", utc(2026, 11, 1, 8, 30)),
        # Samoa skipped 30 December 2011 entirely: the next valid minute is 31 December 00:00.
        (date(2011, 12, 30), "09:00", "Pacific/Apia", utc(2011, 12, 30, 10, 0)),
    ],
)
def test_occurrence(day: date, hhmm: str, tz: str, expected: datetime) -> None:
    assert occurrence(day, hhmm, tz) == expected
    assert occurrence(day, hhmm, tz).tzinfo is UTC


@pytest.mark.parametrize(
    ("kind", "now", "expected"),
    [
        # 09:00 before the spring-forward night, and 09:00 after it.
        ("passage", local("Europe/Berlin", 2026, 3, 28, 9, 0), utc(2026, 3, 29, 7, 0)),
        ("passage", local("Europe/Berlin", 2026, 10, 24, 9, 0), utc(2026, 10, 25, 8, 0)),
        ("passage", local("Europe/Berlin", 2026, 10, 25, 8, 59), utc(2026, 10, 25, 8, 0)),
        ("digest", local("Europe/Berlin", 2026, 3, 29, 9, 0), utc(2026, 3, 29, 19, 0)),
        # Strictly after: at the slot itself, the next is tomorrow's.
        ("passage", utc(2026, 3, 29, 7, 0), utc(2026, 3, 30, 7, 0)),
        # Weekly, Sunday 18:00: from a Monday, from Sunday before and after the slot.
        ("weekly", local("Europe/Berlin", 2026, 3, 23, 12, 0), utc(2026, 3, 29, 16, 0)),
        ("weekly", local("Europe/Berlin", 2026, 3, 29, 17, 59), utc(2026, 3, 29, 16, 0)),
        ("weekly", local("Europe/Berlin", 2026, 3, 29, 18, 0), utc(2026, 4, 5, 16, 0)),
    ],
)
def test_next_run_stays_at_the_local_hour_across_dst(
    kind: str, now: datetime, expected: datetime
) -> None:
    assert next_run(make_chat(timezone="Europe/Berlin"), kind, now) == expected


def test_next_run_in_kathmandu_and_los_angeles() -> None:
    now = utc(2026, 1, 5, 0, 0)
    assert next_run(make_chat(timezone="Asia/Kathmandu"), "passage", now) == utc(2026, 1, 5, 3, 15)
    assert next_run(make_chat(timezone="America/Los_Angeles"), "passage", now) == utc(
        2026, 1, 5, 17, 0
    )


def run_days(chat: dict[str, Any], kind: str, start: datetime, end: datetime) -> list[datetime]:
    """Return every next_run from start, feeding each run back in as now, until end."""
    runs, now = [], start
    while (now := next_run(chat, kind, now)) < end:
        runs.append(now)
    return runs


@pytest.mark.parametrize(
    ("tz", "hhmm", "month"),
    [
        ("Europe/Berlin", "09:00", 10),
        ("Europe/Berlin", "02:30", 10),  # happens twice on the 25th
        ("Europe/Berlin", "02:30", 3),  # does not exist on the 29th
        ("Europe/Berlin", "00:00", 10),
        ("Europe/Berlin", "23:59", 3),
        ("America/Los_Angeles", "01:30", 11),  # happens twice on the 1st
        ("America/Los_Angeles", "02:30", 3),  # does not exist on the 8th
        ("Asia/Kathmandu", "09:00", 10),
    ],
)
def test_next_run_yields_each_local_day_exactly_once(tz: str, hhmm: str, month: int) -> None:
    chat = make_chat(timezone=tz, post_time=hhmm)
    start = datetime(2026, month, 1, tzinfo=ZoneInfo(tz))
    end = datetime(2026, month + 1, 1, tzinfo=ZoneInfo(tz))
    runs = run_days(chat, "passage", start, end)
    days = [local_date(run, tz) for run in runs]
    first = 2 if hhmm == "00:00" else 1  # midnight on the 1st is not after the start
    assert days == [date(2026, month, d) for d in range(first, (end - start).days + 1)]
    for run in runs:
        assert run == occurrence(local_date(run, tz), hhmm, tz)


def test_weekly_next_run_falls_on_the_chosen_weekday_only() -> None:
    chat = make_chat(timezone="Europe/Berlin", weekly_day=2, weekly_time="18:00")
    start = local("Europe/Berlin", 2026, 3, 1, 0, 0)
    runs = run_days(chat, "weekly", start, local("Europe/Berlin", 2026, 4, 30, 0, 0))
    wednesdays = [(3, d) for d in (4, 11, 18, 25)] + [(4, d) for d in (1, 8, 15, 22, 29)]
    assert runs == [local("Europe/Berlin", 2026, m, d, 18, 0) for m, d in wednesdays]


BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("kind", "now", "overrides", "expected"),
    [
        ("passage", local(BERLIN, 2026, 3, 29, 8, 59), {}, None),  # before the slot
        ("passage", local(BERLIN, 2026, 3, 29, 9, 0), {}, "2026-03-29"),  # at the slot
        ("passage", local(BERLIN, 2026, 3, 29, 23, 59), {}, "2026-03-29"),  # caught up late
        ("passage", local(BERLIN, 2026, 3, 30, 0, 0), {}, None),  # after local midnight
        ("passage", local(BERLIN, 2026, 3, 29, 12, 0), {"paused": True}, None),
        # Spring forward: a 02:30 slot falls at 03:00 and is due from then.
        ("passage", local(BERLIN, 2026, 3, 29, 1, 59), {"post_time": "02:30"}, None),
        ("passage", local(BERLIN, 2026, 3, 29, 3, 0), {"post_time": "02:30"}, "2026-03-29"),
        # Fall back: due from the first 02:30; the same day again at the second, so one claim.
        ("passage", local(BERLIN, 2026, 10, 25, 2, 29), {"post_time": "02:30"}, None),
        ("passage", local(BERLIN, 2026, 10, 25, 2, 30), {"post_time": "02:30"}, "2026-10-25"),
        (
            "passage",
            local(BERLIN, 2026, 10, 25, 2, 30, fold=1),
            {"post_time": "02:30"},
            "2026-10-25",
        ),
        # The day's digest is never due before that day's digest time.
        ("digest", local(BERLIN, 2026, 3, 29, 12, 0), {}, None),
        ("digest", local(BERLIN, 2026, 3, 29, 21, 0), {}, "2026-03-29"),
        ("digest", local(BERLIN, 2026, 3, 30, 0, 30), {}, None),
        ("digest", local(BERLIN, 2026, 3, 29, 22, 0), {"paused": True}, None),
        # Weekly on Sunday 18:00: only on a Sunday, from 18:00 to midnight.
        ("weekly", local(BERLIN, 2026, 3, 29, 17, 59), {}, None),
        ("weekly", local(BERLIN, 2026, 3, 29, 18, 0), {}, "2026-03-29"),
        ("weekly", local(BERLIN, 2026, 3, 29, 23, 59), {}, "2026-03-29"),
        ("weekly", local(BERLIN, 2026, 3, 30, 18, 30), {}, None),  # Monday
        ("weekly", local(BERLIN, 2026, 3, 28, 18, 30), {}, None),  # Saturday
        ("weekly", local(BERLIN, 2026, 3, 30, 18, 30), {"weekly_day": 0}, "2026-03-30"),
    ],
)
def test_due_now(
    kind: str, now: datetime, overrides: dict[str, Any], expected: str | None
) -> None:
    chat = make_chat(timezone=BERLIN, **overrides)
    assert due_now(chat, kind, now) == expected
    assert due_now(chat, kind, now.astimezone(UTC)) == expected


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        # The local date, not the UTC date, names the day.
        ("Asia/Kathmandu", utc(2026, 1, 5, 20, 0), None),  # 01:45 on the 6th
        ("Asia/Kathmandu", utc(2026, 1, 6, 3, 15), "2026-01-06"),
        ("America/Los_Angeles", utc(2026, 1, 6, 2, 0), "2026-01-05"),  # 18:00 on the 5th
        ("America/Los_Angeles", utc(2026, 1, 6, 8, 0), None),  # local midnight passed
    ],
)
def test_due_now_uses_the_chats_local_day(tz: str, now: datetime, expected: str | None) -> None:
    assert due_now(make_chat(timezone=tz), "passage", now) == expected


def test_a_minute_by_minute_sweep_sees_each_day_due_once() -> None:
    chat = make_chat(timezone=BERLIN, post_time="02:30")
    now, end = utc(2026, 10, 23, 0, 0), utc(2026, 10, 28, 0, 0)
    seen: list[str] = []
    while now < end:
        day = due_now(chat, "passage", now)
        if day is not None and day not in seen:
            seen.append(day)
        now += timedelta(minutes=1)
    assert seen == ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26", "2026-10-27"]


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("passage", date(2026, 3, 29), utc(2026, 3, 29, 7, 0)),
        ("digest", date(2026, 3, 29), utc(2026, 3, 29, 19, 0)),
        ("weekly", date(2026, 3, 29), utc(2026, 3, 29, 16, 0)),
        ("weekly", date(2026, 3, 30), None),
    ],
)
def test_slot_for(kind: str, day: date, expected: datetime | None) -> None:
    assert slot_for(make_chat(timezone=BERLIN), kind, day) == expected


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind 'monthly'"):
        next_run(make_chat(), "monthly", utc(2026, 1, 1))


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Berlin", "did you mean Europe/Berlin?"),
        ("Europe/Berlinn", "did you mean Europe/Berlin?"),
        ("kolkata", "did you mean Asia/Kolkata?"),
        ("Amrica/New_York", "did you mean America/New_York?"),
        ("Asia/Calcuta", "did you mean Asia/Calcutta?"),
        ("Buenos Aires", "did you mean America/Argentina/Buenos_Aires or America/Buenos_Aires?"),
    ],
)
def test_a_misspelt_or_bare_city_zone_suggests_the_real_names(typed: str, suggested: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(typed)
    message = str(caught.value)
    assert suggested in message and message.endswith(TZ_HINT[1:])


@pytest.mark.parametrize(("length", "suggests"), [(64, True), (65, False)])
def test_only_names_of_a_sane_length_are_compared_with_every_zone(
    length: int, suggests: bool
) -> None:
    zone = "America/Argentina/ComodRivadavia"  # close enough to match even padded to 64
    typed = zone + "x" * (length - len(zone))
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(typed)
    assert ("did you mean" in str(caught.value)) is suggests


@pytest.mark.parametrize(
    ("wait", "said"),
    [
        (timedelta(days=2, hours=3, minutes=59), "2 d 3 h"),
        (timedelta(days=1), "1 d 0 h"),
        (timedelta(hours=3, minutes=12, seconds=59), "3 h 12 min"),
        (timedelta(hours=1), "1 h 0 min"),
        (timedelta(minutes=5, seconds=59), "5 min"),
        (timedelta(seconds=59), "under a minute"),
    ],
)
def test_a_wait_is_described_rounded_down(wait: timedelta, said: str) -> None:
    assert describe_wait(wait) == said


def test_resume_catches_up_only_the_slots_already_passed_today() -> None:
    chat: Any = {
        "timezone": "Europe/Berlin",
        "post_time": "09:00",
        "digest_time": "21:00",
        "weekly_day": 1,
        "weekly_time": "18:00",
        "paused": True,
        "created_at": 0,
    }
    tuesday_noon = datetime(2030, 3, 5, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    tuesday_late = datetime(2030, 3, 5, 21, 30, tzinfo=UTC)  # 22:30
    assert passed_slots(chat, tuesday_noon) == [("passage", "2030-03-05")]
    assert passed_slots(chat, tuesday_late) == [
        ("passage", "2030-03-05"),
        ("digest", "2030-03-05"),
        ("weekly", "2030-03-05"),
    ]
    assert chat["paused"] is True
