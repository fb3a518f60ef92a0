"""A chat's calendar across a change of time zone, directly on the archive: what is re-dated,
what may be claimed, and what is skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.archive import Store
from bot.archive.operations import change_settings, claim_slot, due_slots
from bot.core.schedule import Slot, next_run, sent_on

CHAT = -1001


def ts(day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(2030, 3, day, hour, minute, tzinfo=UTC).timestamp())


@pytest.fixture
def chat(store: Store) -> Store:
    store.register_chat(CHAT, type="supergroup", title="Circle", now=0)
    return store


def send(store: Store, day: str, kind: str, at: int, message_id: int) -> None:
    assert claim_slot(store, Slot(CHAT, kind, day), now_ts=at)
    store.mark_post_sent(CHAT, day, kind, message_id=message_id, sent_at=at)


@pytest.mark.parametrize(
    ("sent_at", "zone", "expected"),
    [
        (ts(5, 23, 40), "Europe/Berlin", "2030-03-06"),  # east, past midnight
        (ts(5, 10), "Asia/Tokyo", "2030-03-05"),  # east, same day
        (ts(5, 0, 10), "America/New_York", "2030-03-04"),  # west, before midnight
        (ts(5, 10), "America/New_York", "2030-03-05"),  # west, same day
    ],
)
def test_a_new_zone_re_dates_recent_posts_to_the_day_they_went_out_there(
    chat, sent_at, zone, expected
):
    send(chat, "2030-03-05", "passage", sent_at, 7)
    change_settings(chat, CHAT, now=sent_at + 600, timezone=zone)
    [post] = chat.posts_between(CHAT, "2030-03-01", "2030-03-09")
    assert (post["local_date"], post["message_id"]) == (expected, 7)


def test_a_re_dated_post_never_takes_a_day_that_has_its_own(chat):
    send(chat, "2030-03-04", "passage", ts(4, 23), 7)  # 18:00 on the 4th in New York
    send(chat, "2030-03-05", "passage", ts(5, 0, 10), 9)  # 19:10 on the 4th in New York
    change_settings(chat, CHAT, now=ts(5, 1), timezone="America/New_York")
    dates = [
        (p["local_date"], p["message_id"])
        for p in chat.posts_between(CHAT, "2030-03-01", "2030-03-09")
    ]
    assert dates == [("2030-03-04", 7), ("2030-03-05", 9)]


def test_a_slot_whose_day_already_had_its_post_is_skipped_not_sent(chat):
    send(chat, "2030-03-05", "digest", ts(5, 21), 7)  # 06:00 on the 6th in Tokyo
    chat.update_chat(CHAT, timezone="Asia/Tokyo", digest_time="07:00")  # not re-dated
    now = datetime(2030, 3, 5, 22, 0, tzinfo=UTC)  # 07:00 on the 6th in Tokyo
    due = [s for s in due_slots(chat, now) if s.kind == "digest"]
    taken = claim_slot(chat, Slot(CHAT, "digest", "2030-03-06"), now_ts=int(now.timestamp()))
    post = chat.get_post(CHAT, "2030-03-06", "digest")
    assert (due, taken, post["status"]) == ([], False, "skipped")


@pytest.mark.parametrize(
    ("zone", "sent_at", "day", "expected"),
    [
        ("Europe/Berlin", ts(5, 23, 40), "2030-03-06", True),
        ("Europe/Berlin", ts(5, 22, 59), "2030-03-06", False),
        ("America/New_York", ts(6, 4, 59), "2030-03-05", True),
        ("America/New_York", ts(6, 5, 0), "2030-03-05", False),
        ("UTC", None, "2030-03-05", False),
    ],
)
def test_sent_on_reads_the_send_in_the_chats_zone(zone, sent_at, day, expected):
    assert sent_on({"timezone": zone}, day, sent_at) is expected


def test_the_next_run_passes_over_a_day_that_had_its_post():
    chat = {"timezone": "Europe/Berlin", "post_time": "01:00"}
    now = datetime(2030, 3, 5, 23, 45, tzinfo=UTC)  # 00:45 on the 6th in Berlin
    assert next_run(chat, "passage", now) == datetime(2030, 3, 6, 0, 0, tzinfo=UTC)
    assert next_run(chat, "passage", now, ts(5, 23, 40)) == datetime(2030, 3, 7, 0, 0, tzinfo=UTC)
