"""What the Store answers in the cases the bot meets less often: channels speaking, passages sent
twice, settings left to their defaults, retention at its edge."""

from __future__ import annotations

import pytest

from bot.archive import Archive, Store
from bot.archive.chats import UnknownChatError
from bot.archive.replies import store_said
from bot.core.updates import Author
from tests.archive.support import CHAT, DAY, NOW, POST, make_message, said, with_thread


def test_a_channel_speaking_in_a_thread_is_stored_under_its_title(store: Store) -> None:
    with_thread(store)
    by_channel = make_message(601, user_id=None, sender_chat_id=-500, text="from the channel")
    channel = Author(None, -500, "News", "news")
    assert store.keep_messages([by_channel], [channel]) == 1
    by_person = make_message(602, text="from Ana")
    assert store.keep_messages([by_person], [Author(1, None, "Ana K", "anak")]) == 1
    authors = {m["message_id"]: m["author"] for m in store.thread_messages(CHAT, POST)}
    assert authors == {601: "News", 602: "Ana K"}
    user = store.get_user(1)
    assert user is not None and (user["first_name"], user["username"]) == ("Ana K", "anak")
    store.upsert_sender_chat(-501, title=None)
    unnamed = make_message(603, user_id=None, sender_chat_id=-501)
    assert store.keep_messages([unnamed], [Author(None, -501, "", None)]) == 1
    assert {m["message_id"]: m["author"] for m in store.thread_messages(CHAT, POST)}[603] == ""


def test_many_messages_at_once_keep_their_people_and_channels(store: Store) -> None:
    with_thread(store)
    rows = [
        make_message(701, user_id=3, text="a new person"),
        make_message(702, user_id=None, sender_chat_id=-600, text="a channel"),
    ]
    assert store.keep_messages(rows) == 2
    assert store.keep_messages(rows) == 0
    assert store.get_user(3) is not None
    thread = store.thread_messages(CHAT, POST)
    assert [(m["message_id"], m["user_id"], m["sender_chat_id"]) for m in thread] == [
        (701, 3, None),
        (702, None, -600),
    ]


def test_a_reply_is_stored_only_in_a_known_thread(store: Store) -> None:
    with_thread(store)
    no_parent = make_message(801, reply_to_message_id=None)
    stranger = make_message(802, reply_to_message_id=9999)
    assert store_said(store, said(no_parent)) is False
    assert store_said(store, said(stranger)) is False
    assert store_said(store, said(make_message(803), username="ana2")) is True
    user = store.get_user(1)
    assert user is not None and user["username"] == "ana2"
    assert [m["message_id"] for m in store.thread_messages(CHAT, POST)] == [803]


def test_answering_a_curiosity_joins_its_days_thread(store: Store) -> None:
    with_thread(store)
    store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="why?", message_id=900, now=NOW
    )
    assert store_said(store, said(make_message(901, reply_to_message_id=900))) is True
    message = store.get_message(CHAT, 901)
    assert message is not None and message["root_message_id"] == POST
    assert store.thread_of(CHAT, 901)[0]["message_id"] == 901
    assert store.thread_of(CHAT, 12345) == []


def test_a_curiosity_told_twice_is_kept_once(store: Store) -> None:
    with_thread(store)
    first = store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="why?", message_id=900, now=NOW
    )
    again = store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="why?", message_id=900, now=NOW + 1
    )
    other = store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="how?", message_id=901, now=NOW
    )
    assert first is not None and again == first and other not in (None, first)
    assert len(store.curiosities_between(CHAT, "2024-03-10", "2024-03-10")) == 2


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


def test_a_personal_digest_defaults_to_nine_in_the_evening_utc(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    made = store.set_personal_digest(5, CHAT, now=NOW)
    assert (made["timezone"], made["digest_time"], made["chat_ids"]) == ("UTC", "21:00", [CHAT])
    store.refuse_personal_digest(5, now=NOW + 1)
    assert store.personal_readers() == []
    resumed = store.resume_personal_digest(5)
    assert resumed is not None and (resumed["user_id"], resumed["refused_at"]) == (5, None)
    readers = store.personal_readers()
    assert [(r["user_id"], r["chat_ids"]) for r in readers] == [(5, [])]
    assert store.resume_personal_digest(6) is None


def test_retention_of_one_day_keeps_only_the_last_day(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(1, date=NOW - 2 * DAY)])
    store.keep_messages([make_message(2, date=NOW - DAY + 60)])
    assert store.apply_retention(0, now=NOW) == 0
    assert store.apply_retention(1, now=NOW) == 1
    assert [m["message_id"] for m in store.thread_messages(CHAT, POST)] == [2]


def test_active_chats_and_exported_people_carry_true_and_false(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(3, text="kept")])
    store.add_curiosity(CHAT, user_id=1, local_date="2024-03-10", text="a question", now=NOW)
    store.opt_out(2)
    [chat] = store.active_chats()
    assert (chat["active"], chat["paused"], chat["is_forum"]) == (True, False, False)
    exported = store.export_chat(CHAT)
    assert [(u["opted_out"], u["forgotten"]) for u in exported["users"]] == [(False, False)]
    assert [c["text"] for c in exported["curiosities"]] == ["a question"]


def test_moving_an_unknown_chat_on_names_it(store: Store) -> None:
    with pytest.raises(UnknownChatError, match=r"^-404$"):
        store.advance_corpus(-404)


async def test_an_in_memory_archive_passes_keywords_to_its_reads() -> None:
    memory = Archive(":memory:")
    await memory.start()
    await memory.run(Store.register_chat, CHAT, type="group", now=NOW)
    await memory.run(Store.claim_post, CHAT, "2024-03-10", "digest", now=NOW)
    found = await memory.read(Store.posts_between, CHAT, "2024-03-01", "2024-03-31", kind="digest")
    planned = await memory.plan(
        Store.posts_between, CHAT, "2024-03-01", "2024-03-31", kind="digest"
    )
    await memory.close()
    assert [p["kind"] for p in found] == [p["kind"] for p in planned] == ["digest"]
