"""The personal digest's rules: reading /mydigest, and which group day a person is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.personal import Request, digest_day, parse_request, reader_calendar
from bot.core.schedule import ScheduleError, due_day


@pytest.mark.parametrize(
    ("args", "request_"),
    [
        ([], Request("show")),
        (["off"], Request("off")),
        (["OFF"], Request("off")),
        (["on"], Request("on")),
        (["07:30", "Europe/Lisbon"], Request("on", "07:30", "Europe/Lisbon")),
        (["on", "europe/lisbon", "7:30"], Request("on", "07:30", "Europe/Lisbon")),
        (["21:00"], Request("on", "21:00")),
        (["Asia/Tokyo"], Request("on", None, "Asia/Tokyo")),
    ],
)
def test_mydigest_arguments(args, request_):
    assert parse_request(args) == request_


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["25:00"], "invalid time '25:00': hours go from 00 to 23"),
        (["07:30", "08:00"], "two times given: 07:30 and 08:00"),
        (["Europe/Lisbon", "Berlin"], "unexpected 'Berlin' after the time zone Europe/Lisbon"),
        (["Atlantis/Nowhere"], "unknown timezone 'Atlantis/Nowhere'"),
    ],
)
def test_bad_mydigest_arguments_say_what_is_wrong(args, message):
    with pytest.raises(ScheduleError) as caught:
        parse_request(args)
    assert str(caught.value).startswith(message)


GROUP = {"timezone": "Europe/Berlin", "digest_time": "21:00", "weekly_day": 6}


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2030, 3, 6, 6, 30, tzinfo=UTC), date(2030, 3, 5)),  # Berlin 07:30: yesterday
        (datetime(2030, 3, 6, 19, 59, tzinfo=UTC), date(2030, 3, 5)),  # 20:59: not yet
        (datetime(2030, 3, 6, 20, 0, tzinfo=UTC), date(2030, 3, 6)),  # 21:00: today's
    ],
)
def test_a_person_gets_the_groups_latest_evening(now, day):
    assert digest_day(GROUP, now) == day


def test_a_persons_time_is_due_on_their_own_calendar_once_set():
    reader = {"timezone": "America/Sao_Paulo", "digest_time": "07:30", "since": 0}
    calendar = reader_calendar(reader)
    before = datetime(2030, 3, 6, 10, 29, tzinfo=UTC)  # 07:29 in São Paulo
    at = datetime(2030, 3, 6, 10, 30, tzinfo=UTC)
    assert (due_day(calendar, "digest", before), due_day(calendar, "digest", at)) == (
        None,
        "2030-03-06",
    )
    # A time chosen after it passed today starts tomorrow.
    late = reader_calendar({**reader, "since": int(at.timestamp()) + 60})
    assert due_day(late, "digest", datetime(2030, 3, 6, 11, 0, tzinfo=UTC)) is None
