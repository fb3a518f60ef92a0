"""The archive's suggestions: numbered per chat, decided once, posted in turn with their post,
exported as the group's passages, forgotten with their author."""

from __future__ import annotations

from bot.archive.store import Store
from bot.core.agenda import suggestion_passage_id

CHAT = -100
NOW = 1_900_000_000


def make_chat(store: Store, chat_id: int = CHAT) -> None:
    store.register_chat(chat_id, type="supergroup", title="Readers", now=NOW)


def suggest(store: Store, user_id: int, text: str, chat_id: int = CHAT) -> int:
    store.upsert_user(user_id, first_name=f"P{user_id}")
    row = store.add_suggestion(
        chat_id, user_id=user_id, author=f"P{user_id}", passage=text, now=NOW
    )
    return row["number"]


def test_numbers_are_per_chat(store: Store) -> None:
    make_chat(store)
    make_chat(store, -200)
    assert [suggest(store, 1, "a"), suggest(store, 1, "b"), suggest(store, 1, "c", -200)] == [
        1,
        2,
        1,
    ]


def test_a_decision_is_taken_once_and_the_queue_goes_in_the_order_approved(store: Store) -> None:
    make_chat(store)
    for n in range(3):
        suggest(store, 1, f"text {n}")
    decided = [
        store.decide_suggestion(CHAT, 3, "approved", by=9, now=NOW),
        store.decide_suggestion(CHAT, 3, "declined", by=9, now=NOW),  # too late
        store.decide_suggestion(CHAT, 1, "approved", by=9, now=NOW),
        store.decide_suggestion(CHAT, 2, "declined", by=9, now=NOW),
    ]
    assert decided == [True, False, True, True]
    assert [s["number"] for s in store.approved_queue(CHAT)] == [3, 1]
    assert store.give_reason(CHAT, 2, "a song") is True
    assert store.give_reason(CHAT, 2, "twice") is False
    assert store.get_suggestion(CHAT, 2)["reason"] == "a song"


def test_posting_a_suggestion_leaves_the_books_place_and_happens_once(store: Store) -> None:
    make_chat(store)
    suggest(store, 1, "text")
    store.decide_suggestion(CHAT, 1, "approved", by=9, now=NOW)
    for message_id in (50, 51):  # a second copy after a crash is recorded, not posted again
        store.record_passage_sent(
            CHAT,
            "2030-03-06",
            message_id=message_id,
            sent_at=NOW,
            passage_id=suggestion_passage_id(1),
        )
    row = store.get_suggestion(CHAT, 1)
    assert (row["status"], row["posted_on"]) == ("posted", "2030-03-06")
    assert store.get_chat(CHAT)["corpus_position"] == 0
    assert store.approved_queue(CHAT) == []


def test_an_export_has_the_suggestions_and_nothing_of_a_member_who_opted_out(store: Store) -> None:
    make_chat(store)
    suggest(store, 1, "posted one")
    suggest(store, 2, "pending one")
    suggest(store, 2, "posted by the one who leaves")
    store.decide_suggestion(CHAT, 1, "approved", by=9, now=NOW)
    store.decide_suggestion(CHAT, 3, "approved", by=9, now=NOW)
    store.record_passage_sent(
        CHAT, "2030-03-06", message_id=50, sent_at=NOW, passage_id="suggestion:1"
    )
    store.record_passage_sent(
        CHAT, "2030-03-07", message_id=51, sent_at=NOW, passage_id="suggestion:3"
    )
    store.opt_out(2)
    exported = store.export_chat(CHAT)["suggestions"]
    assert [(s["number"], s["author"], s["passage"]) for s in exported] == [
        (1, "P1", "posted one"),
        (3, "", "posted by the one who leaves"),
    ]


def test_forgetting_a_person_takes_their_open_suggestions_and_their_credit(store: Store) -> None:
    make_chat(store)
    suggest(store, 2, "posted")
    suggest(store, 2, "pending")
    store.decide_suggestion(CHAT, 1, "approved", by=9, now=NOW)
    store.record_passage_sent(
        CHAT, "2030-03-06", message_id=50, sent_at=NOW, passage_id="suggestion:1"
    )
    store.forget_user(2)
    assert store.get_suggestion(CHAT, 2) is None
    assert store.get_suggestion(CHAT, 1)["author"] == ""


def test_skipped_dates_are_kept_once_and_undone(store: Store) -> None:
    make_chat(store)
    assert [
        store.skip_date(CHAT, "2030-12-24", now=NOW),
        store.skip_date(CHAT, "2030-12-24", now=NOW),
    ] == [True, False]
    store.skip_date(CHAT, "2030-12-31", now=NOW)
    assert store.skipped_dates(CHAT, "2030-12-25") == ["2030-12-31"]
    assert [store.unskip_date(CHAT, "2030-12-31"), store.unskip_date(CHAT, "2030-12-31")] == [
        True,
        False,
    ]
    assert store.skipped_dates(CHAT, "2030-01-01") == ["2030-12-24"]
