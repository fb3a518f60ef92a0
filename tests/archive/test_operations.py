"""The exactly-once rules, directly: what the sweep may claim, and when, on an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.archive import Store
from bot.archive.operations import claim_slot, due_slots, move_chat, skip_slots
from bot.core.schedule import Slot

# The README promises these: a lost claim is taken again after two minutes, a failed send is
# tried again a minute later.
STALE_CLAIM_SECONDS = 120
RETRY_FAILED_SECONDS = 60


CHAT = -1001
DAY = "2030-03-04"
MORNING = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # the chat's 09:00 passage slot, UTC zone
SLOT = Slot(CHAT, "passage", DAY)


@pytest.fixture
def store(path):
    opened = Store.open(path)
    opened.register_chat(CHAT, type="supergroup", title="Circle", now=0)
    yield opened
    opened.close()


def at(seconds: int) -> int:
    return int(MORNING.timestamp()) + seconds


def passages_due(store: Store, seconds: int) -> list[Slot]:
    now = MORNING + timedelta(seconds=seconds)
    return [s for s in due_slots(store, now) if s.kind == "passage"]


def test_a_claim_left_unrecorded_goes_stale_after_its_timeout_and_is_taken_once(store):
    assert claim_slot(store, SLOT, now_ts=at(0)) is True
    early = STALE_CLAIM_SECONDS - 1
    assert (claim_slot(store, SLOT, now_ts=at(early)), passages_due(store, early)) == (False, [])
    assert passages_due(store, STALE_CLAIM_SECONDS) == [SLOT]
    taken = [claim_slot(store, SLOT, now_ts=at(STALE_CLAIM_SECONDS)) for _ in range(3)]
    assert taken == [True, False, False]


def test_a_failed_send_is_retried_after_a_minute_and_only_then(store):
    assert claim_slot(store, SLOT, now_ts=at(0)) is True
    store.mark_post_failed(CHAT, DAY, "passage", error="NetworkError: timed out")
    assert claim_slot(store, SLOT, now_ts=at(RETRY_FAILED_SECONDS - 1)) is False
    assert passages_due(store, RETRY_FAILED_SECONDS) == [SLOT]
    assert claim_slot(store, SLOT, now_ts=at(RETRY_FAILED_SECONDS)) is True


def test_a_sent_slot_is_never_claimed_again(store):
    assert claim_slot(store, SLOT, now_ts=at(0)) is True
    store.record_passage_sent(CHAT, DAY, message_id=77, sent_at=at(1), passage_id="ch1-01")
    later = [claim_slot(store, SLOT, now_ts=at(s)) for s in (0, 3600, 86_000)]
    assert (later, passages_due(store, 86_000)) == ([False, False, False], [])
    store.mark_post_failed(CHAT, DAY, "passage", error="late error")
    assert store.get_post(CHAT, DAY, "passage")["status"] == "sent"


def test_slots_skipped_on_resume_are_not_sent_that_day(store):
    skip_slots(store, CHAT, [("passage", DAY), ("digest", DAY)], now=at(0))
    assert (passages_due(store, 60), claim_slot(store, SLOT, now_ts=at(600))) == ([], False)


def test_moving_a_chat_carries_its_claims_so_nothing_is_sent_twice(store):
    claim_slot(store, SLOT, now_ts=at(0))
    store.record_passage_sent(CHAT, DAY, message_id=77, sent_at=at(1))
    moved = move_chat(store, CHAT, -1009, now=at(2))
    assert (moved["id"], moved["type"], store.get_chat(CHAT)) == (-1009, "supergroup", None)
    assert claim_slot(store, Slot(-1009, "passage", DAY), now_ts=at(3)) is False
    assert move_chat(store, -5, -6, now=at(4)) is None
