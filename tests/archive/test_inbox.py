"""The inbox table: batches recorded once, handled updates keep no text, old ids pruned."""

from __future__ import annotations

import json

from bot.archive import Store
from bot.archive.arrivals import Arrival, record_answer
from bot.archive.inbox import HANDLED_KEPT_SECONDS


def test_a_batch_is_recorded_once_and_comes_back_unhandled_in_order(store: Store) -> None:
    assert store.record_updates([(7, '{"update_id": 7}'), (5, '{"update_id": 5}')], now=100) == []
    # Telegram sends the same batch again: nothing doubles, nothing is handled yet.
    assert store.record_updates([(5, '{"again": 1}'), (7, "{}")], now=101) == []
    assert store.unhandled_updates() == ['{"update_id": 5}', '{"update_id": 7}']


def test_a_handled_update_keeps_no_text_and_is_reported_when_sent_again(store: Store) -> None:
    store.record_updates([(1, '{"text": "a private thought"}'), (2, "{}")], now=100)
    store.mark_handled(1, now=101)
    assert store.inbox_counts() == {"handled": 1, "unhandled": 1, "with_text": 1}
    assert store.db.execute("SELECT payload FROM inbox WHERE update_id = 1").fetchone() == (None,)
    assert store.record_updates([(1, '{"text": "a private thought"}')], now=102) == [1]
    assert store.unhandled_updates() == ["{}"]


def test_handled_ids_are_pruned_after_two_days_unhandled_ones_never(store: Store) -> None:
    store.record_updates([(1, "{}"), (2, "{}")], now=0)
    store.mark_handled(1, now=10)
    store.record_updates([(3, "{}")], now=10 + HANDLED_KEPT_SECONDS - 1)
    kept_a_while = store.inbox_counts()
    store.record_updates([(4, "{}")], now=11 + HANDLED_KEPT_SECONDS)
    assert kept_a_while == {"handled": 1, "unhandled": 2, "with_text": 2}
    assert store.inbox_counts() == {"handled": 0, "unhandled": 3, "with_text": 3}


def test_a_passage_copy_maps_to_its_thread(store: Store) -> None:
    store.register_chat(-1, type="group", now=0)
    store.claim_post(-1, "2030-03-05", "passage", now=0)
    store.record_passage_sent(-1, "2030-03-05", message_id=10, sent_at=1, passage_id="a")
    store.record_post_copy(-1, 14, root_message_id=10, how="today")
    assert (store.thread_root(-1, 10), store.thread_root(-1, 14), store.thread_root(-1, 15)) == (
        10,
        10,
        None,
    )
    assert store.post_copies(-1) == {"post": 1, "today": 1}


def unhandled(store: Store) -> list[object]:
    """The updates recorded and not handled yet, as their JSON says."""
    return [json.loads(payload) for payload in store.unhandled_updates()]


def arrived(arrival: Arrival) -> tuple[list[int], list[int]]:
    """The ids a batch recorded, and those among them handled before."""
    return arrival.recorded, arrival.again


def test_a_raw_answer_is_recorded_with_the_previous_batch_marked_handled(store: Store) -> None:
    first = b'{"ok": true, "result": [{"update_id": 1, "message": {"text": "caf\xc3\xa9"}}]}'
    assert arrived(record_answer(store, first, now=100)) == ([1], [])
    # Each update kept as its own JSON text, taken out of the answer as it came.
    assert unhandled(store) == [{"update_id": 1, "message": {"text": "café"}}]
    again = b'{"ok": true, "result": [{"update_id": 1}, {"update_id": 2}]}'
    assert arrived(record_answer(store, again, now=101, handled=[1])) == ([1, 2], [1])
    assert unhandled(store) == [{"update_id": 2}]
    assert arrived(record_answer(store, b'{"ok": true, "result": []}', now=102, handled=[2])) == (
        [],
        [],
    )
    assert store.inbox_counts() == {"handled": 2, "unhandled": 0, "with_text": 0}


def test_the_threads_of_a_batchs_parents_are_read_at_once_as_one_by_one(store: Store) -> None:
    store.register_chat(-1, type="group", now=0)
    store.claim_post(-1, "2030-03-05", "passage", now=0)
    store.record_passage_sent(-1, "2030-03-05", message_id=10, sent_at=1, passage_id="a")
    store.record_post_copy(-1, 14, root_message_id=10, how="today")
    reply = {"chat_id": -1, "message_id": 20, "root_message_id": 10, "reply_to_message_id": 14}
    store.keep_messages([{**reply, "user_id": 1, "text": "yes", "date": 2}])
    asked = [(-1, 10), (-1, 14), (-1, 15), (-1, 20), (-2, 10)]
    one_by_one = {m: store.thread_root(*m) for m in asked}
    assert store.thread_roots(asked) == {m: r for m, r in one_by_one.items() if r is not None}
    assert store.thread_roots(asked) == {(-1, 10): 10, (-1, 14): 10, (-1, 20): 10}
