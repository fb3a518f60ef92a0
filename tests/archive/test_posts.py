"""The archive's posts: exactly-once claims, and what became of each post."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.archive import Store
from tests.archive.support import (
    CHAT,
    NOW,
)

# posts


def test_a_slot_is_claimed_once_and_recorded_as_sent(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    first = store.claim_post(CHAT, "2024-03-10", "passage", now=NOW, passage_id="p-1")
    second = store.claim_post(CHAT, "2024-03-10", "passage", now=NOW + 1)
    store.mark_post_sent(
        CHAT, "2024-03-10", "passage", message_id=77, sent_at=NOW + 2, thread_id=9
    )
    assert (first, second) == (True, False)
    assert store.get_post(CHAT, "2024-03-10", "passage") == {
        "chat_id": CHAT,
        "local_date": "2024-03-10",
        "kind": "passage",
        "passage_id": "p-1",
        "message_id": 77,
        "thread_id": 9,
        "status": "sent",
        "claimed_at": NOW,
        "sent_at": NOW + 2,
        "error": None,
    }


def test_a_failed_claim_can_be_released_and_claimed_again(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-10", "digest", now=NOW)
    store.mark_post_failed(CHAT, "2024-03-10", "digest", error="timed out")
    failed = store.get_post(CHAT, "2024-03-10", "digest")
    store.release_claim(CHAT, "2024-03-10", "digest")
    again = store.claim_post(CHAT, "2024-03-10", "digest", now=NOW + 60)
    assert ((failed["status"], failed["error"]), again) == (("failed", "timed out"), True)


def test_a_sent_post_is_never_marked_failed_skipped_or_released(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-10", "weekly", now=NOW)
    store.mark_post_sent(CHAT, "2024-03-10", "weekly", message_id=5, sent_at=NOW)
    store.mark_post_failed(CHAT, "2024-03-10", "weekly", error="late")
    store.mark_post_skipped(CHAT, "2024-03-10", "weekly")
    store.release_claim(CHAT, "2024-03-10", "weekly")
    skipped = store.skip_slot(CHAT, "2024-03-10", "weekly", now=NOW)
    post = store.get_post(CHAT, "2024-03-10", "weekly")
    assert (post["status"], post["error"], skipped) == ("sent", None, False)


def test_reclaiming_a_stale_claim_is_a_compare_and_swap(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-10", "passage", now=NOW)
    wins = [
        store.reclaim_post(CHAT, "2024-03-10", "passage", now=NOW + 200, previous_claimed_at=NOW)
        for _ in range(2)
    ]
    assert (wins, store.get_post(CHAT, "2024-03-10", "passage")["claimed_at"]) == (
        [True, False],
        NOW + 200,
    )


def test_skip_slot_marks_new_and_failed_slots_but_not_claimed_ones(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-11", "digest", now=NOW)
    store.claim_post(CHAT, "2024-03-12", "digest", now=NOW)
    store.mark_post_failed(CHAT, "2024-03-12", "digest", error="x")
    results = [store.skip_slot(CHAT, f"2024-03-1{d}", "digest", now=NOW) for d in (0, 1, 2)]
    statuses = [
        p["status"] for p in store.posts_between(CHAT, "2024-03-10", "2024-03-12", "digest")
    ]
    assert (results, statuses) == ([True, False, True], ["skipped", "claimed", "skipped"])


def test_recording_a_passage_advances_the_corpus_once(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-10", "passage", now=NOW)
    for _ in range(2):
        store.record_passage_sent(
            CHAT, "2024-03-10", message_id=50, sent_at=NOW, thread_id=3, passage_id="p-9"
        )
    post = store.get_post(CHAT, "2024-03-10", "passage")
    assert (post["status"], post["passage_id"], post["thread_id"]) == ("sent", "p-9", 3)
    assert store.get_chat(CHAT)["corpus_position"] == 1


def test_post_lookups_by_message_kind_topic_and_dates(store: Store) -> None:
    store.register_chat(CHAT, type="supergroup", is_forum=True, now=NOW)
    for day, message_id, topic in (
        ("2024-03-09", 10, 7),
        ("2024-03-10", 20, 7),
        ("2024-03-11", 30, 8),
    ):
        store.claim_post(CHAT, day, "passage", now=NOW)
        store.mark_post_sent(
            CHAT, day, "passage", message_id=message_id, sent_at=NOW, thread_id=topic
        )
    store.claim_post(CHAT, "2024-03-12", "passage", now=NOW)
    assert store.post_by_message(CHAT, 20)["local_date"] == "2024-03-10"
    assert store.post_by_message(CHAT, 21) is None
    assert store.last_post(CHAT, "passage")["local_date"] == "2024-03-12"
    assert store.last_post(CHAT, "digest") is None
    assert store.latest_passage_in_topic(CHAT, 7)["message_id"] == 20
    assert store.latest_passage_in_topic(CHAT, 9) is None
    days = [p["local_date"] for p in store.posts_between(CHAT, "2024-03-10", "2024-03-11")]
    assert days == ["2024-03-10", "2024-03-11"]


def test_claiming_an_unknown_kind_is_an_error(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    with pytest.raises(ValueError, match="unknown post kind 'monthly'"):
        store.claim_post(CHAT, "2024-03-10", "monthly", now=NOW)


def test_two_processes_racing_for_each_slot_win_it_exactly_once(path: Path) -> None:
    setup = Store.open(path)
    setup.register_chat(CHAT, type="group", now=NOW)
    setup.close()
    days = [f"2024-04-{d:02d}" for d in range(1, 31)]
    barrier = threading.Barrier(2)
    wins: dict[str, list[str]] = {day: [] for day in days}

    def contender(name: str) -> None:
        # Each contender has its own Store and connection, as two bot processes would.
        store = Store.open(path)
        for day in days:
            barrier.wait(timeout=10)
            if store.claim_post(CHAT, day, "passage", now=NOW):
                wins[day].append(name)
        store.close()

    threads = [threading.Thread(target=contender, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(len(names) for names in wins.values()) == [1] * len(days)


def test_a_passage_sent_again_after_a_crash_leads_to_the_first_copys_thread(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-10", "passage", now=NOW)
    store.record_passage_sent(CHAT, "2024-03-10", message_id=10, sent_at=NOW)
    store.record_passage_sent(CHAT, "2024-03-10", message_id=11, sent_at=NOW + 5)
    assert store.post_copies(CHAT) == {"post": 1, "resend": 1}
    assert (store.thread_root(CHAT, 10), store.thread_root(CHAT, 11)) == (10, 10)
    chat = store.get_chat(CHAT)
    assert chat is not None and chat["corpus_position"] == 1
    assert store.record_post_copy(CHAT, 12, root_message_id=10, how="today") is True
    assert store.record_post_copy(CHAT, 12, root_message_id=10, how="today") is False


def test_a_post_with_nothing_to_send_is_marked_skipped(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    store.claim_post(CHAT, "2024-03-10", "digest", now=NOW)
    store.claim_post(CHAT, "2024-03-11", "digest", now=NOW)
    store.mark_post_skipped(CHAT, "2024-03-10", "digest")
    skipped, other = (
        store.get_post(CHAT, "2024-03-10", "digest"),
        store.get_post(CHAT, "2024-03-11", "digest"),
    )
    assert skipped is not None and other is not None
    assert (skipped["status"], other["status"]) == ("skipped", "claimed")
