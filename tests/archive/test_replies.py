"""The one road into a thread, by the plain roads: a reply joins its parent's thread, an answer
to a curiosity that day's, and each message is kept with its author's name."""

from __future__ import annotations

from bot.archive import Store
from bot.archive.replies import store_said
from bot.core.updates import Author
from tests.archive.support import CHAT, NOW, POST, make_message, said, with_thread


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
