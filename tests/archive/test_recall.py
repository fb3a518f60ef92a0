"""'Last time on this passage': which earlier day is recalled, and who may be named from it."""

from __future__ import annotations

from datetime import date

from bot.archive import Store
from bot.archive.operations import recall_passage
from bot.core.records import Recall
from tests.archive.support import CHAT, NOW, make_message

FIRST, SECOND = 500, 900


def passage_sent(store: Store, day: str, passage_id: str, message_id: int) -> None:
    store.claim_post(CHAT, day, "passage", now=NOW, passage_id=passage_id)
    store.record_passage_sent(CHAT, day, message_id=message_id, sent_at=NOW, passage_id=passage_id)


def seeded(store: Store) -> dict:
    chat = store.register_chat(CHAT, type="supergroup", title="Readers", now=NOW)
    passage_sent(store, "2030-03-04", "ch1-06", FIRST)
    passage_sent(store, "2030-03-05", "ch1-07", SECOND)
    for user_id, name in [(1, "cy"), (2, "Ana"), (3, "Bo"), (4, "Dee"), (5, "Eli")]:
        store.upsert_user(user_id, first_name=name)
    replies = [(501, 1), (502, 2), (503, 2), (504, 3), (505, 4), (506, 5)]
    for message_id, user_id in replies:
        store.keep_messages([make_message(message_id, root_message_id=FIRST, user_id=user_id)])
    store.upsert_sender_chat(-1009, title="A Channel")
    store.keep_messages(
        [make_message(507, root_message_id=FIRST, user_id=None, sender_chat_id=-1009)]
    )
    return dict(chat)


def test_the_last_day_on_the_passage_names_its_speakers_alphabetically(store):
    chat = seeded(store)
    recall = recall_passage(store, chat, "ch1-06", "2030-05-01")
    assert recall == Recall(
        date(2030, 3, 4),
        "https://t.me/c/1/500",  # CHAT is -1001: a supergroup id, '-100' and '1'
        ("Ana", "Bo", "cy", "Dee", "Eli"),
    )


def test_opted_out_and_forgotten_people_are_never_named(store):
    chat = seeded(store)
    store.opt_out(4)
    store.forget_user(5)
    recall = recall_passage(store, chat, "ch1-06", "2030-05-01")
    assert recall is not None and recall.names == ("Ana", "Bo", "cy")


def test_a_passage_never_posted_before_that_day_recalls_nothing(store):
    chat = seeded(store)
    assert recall_passage(store, chat, "ch1-06", "2030-03-04") is None
    assert recall_passage(store, chat, "ch9-99", "2030-05-01") is None
    quiet = recall_passage(store, chat, "ch1-07", "2030-05-01")
    assert quiet is not None and (quiet.local_date, quiet.names) == (date(2030, 3, 5), ())


def test_the_latest_earlier_day_is_recalled_with_a_link_that_names_the_chat(store):
    chat = dict(store.register_chat(-1005550001, type="supergroup", title="R", now=NOW))
    for day, message_id in (("2030-01-01", 10), ("2030-03-01", 20)):
        store.claim_post(chat["id"], day, "passage", now=NOW, passage_id="p")
        store.record_passage_sent(
            chat["id"], day, message_id=message_id, sent_at=NOW, passage_id="p"
        )
    recall = recall_passage(store, chat, "p", "2030-05-01")
    assert recall == Recall(date(2030, 3, 1), "https://t.me/c/5550001/20", ())
    basic = dict(store.register_chat(-77, type="group", title="G", now=NOW))
    store.claim_post(-77, "2030-01-01", "passage", now=NOW, passage_id="p")
    store.record_passage_sent(-77, "2030-01-01", message_id=5, sent_at=NOW, passage_id="p")
    assert recall_passage(store, basic, "p", "2030-05-01") == Recall(date(2030, 1, 1), None, ())
