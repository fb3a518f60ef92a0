"""A fetched batch: recorded, and the members' messages it opens with stored in their threads
in the same transaction, exactly as their handlers would have stored them one by one."""

from __future__ import annotations

from typing import Any

from bot.archive import Store
from bot.archive.arrivals import record_arrivals
from tests.archive.support import CHAT, NOW, POST, with_thread

GROUP = {"id": CHAT, "type": "supergroup", "title": f"Chat {CHAT}"}
PEOPLE = {1: "Ana", 2: "Bo", 3: "Cy"}


def said(update_id: int, message_id: int, who: int, text: str, **fields: Any) -> dict[str, Any]:
    """An update: member ``who`` says ``text`` (add reply_to=N to answer message N)."""
    reply_to = fields.pop("reply_to", None)
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": NOW + message_id,
        "chat": fields.pop("chat", GROUP),
        "from": {"id": who, "is_bot": False, "first_name": PEOPLE.get(who, "Eli")},
        "text": text,
        **fields,
    }
    if reply_to is not None:
        message["reply_to_message"] = {"message_id": reply_to, "date": NOW, "chat": GROUP}
    return {"update_id": update_id, "message": message}


def command(update_id: int, message_id: int, who: int, text: str) -> dict[str, Any]:
    update = said(update_id, message_id, who, text)
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return update


def thread(store: Store) -> list[tuple[int, int | None, str]]:
    return [
        (m["message_id"], m["reply_to_message_id"], m["text"])
        for m in store.thread_messages(CHAT, POST)
    ]


def test_a_batch_of_replies_is_stored_with_its_threads_even_replies_to_replies_in_it(
    store: Store,
) -> None:
    with_thread(store)
    batch = [
        said(1, 601, 1, "commons need care", reply_to=POST),
        said(2, 602, 2, "who cares for them?", reply_to=601),
        said(3, 603, 3, "we do", reply_to=602),
        said(4, 604, 2, "group chatter, answering nothing"),
    ]
    arrival = record_arrivals(store, batch, now=NOW)
    assert (arrival.recorded, arrival.stored) == ([1, 2, 3, 4], [1, 2, 3])
    assert thread(store) == [
        (601, POST, "commons need care"),
        (602, 601, "who cares for them?"),
        (603, 602, "we do"),
    ]
    # Telegram sends the batch again: nothing doubles.
    again = record_arrivals(store, batch, now=NOW + 1)
    assert len(thread(store)) == 3 and again.again == []


def test_the_first_command_leaves_the_rest_of_the_batch_to_the_handlers(store: Store) -> None:
    with_thread(store)
    batch = [
        said(1, 601, 2, "before", reply_to=POST),
        command(2, 602, 2, "/optout"),
        said(3, 603, 2, "after opting out", reply_to=POST),
        said(4, 604, 1, "also after", reply_to=601),
    ]
    arrival = record_arrivals(store, batch, now=NOW)
    assert (arrival.recorded, arrival.stored) == ([1, 2, 3, 4], [1])
    assert [text for _, _, text in thread(store)] == ["before"]


def test_an_edit_does_not_end_storing_on_arrival_but_a_member_joining_does(store: Store) -> None:
    with_thread(store)
    edit = said(2, 601, 1, "edited")
    edit["edited_message"] = edit.pop("message")
    joined = {"update_id": 4, "message": said(4, 603, 1, "")["message"]}
    del joined["message"]["text"]
    joined["message"]["new_chat_members"] = [{"id": 9, "is_bot": False, "first_name": "Dee"}]
    batch = [
        said(1, 601, 1, "first", reply_to=POST),
        edit,
        said(3, 602, 2, "second", reply_to=POST),
        joined,
        said(5, 604, 3, "third", reply_to=POST),
    ]
    assert record_arrivals(store, batch, now=NOW).stored == [1, 3]


def test_a_silenced_member_is_not_stored_nor_is_anything_answering_only_them(
    store: Store,
) -> None:
    with_thread(store)
    store.opt_out(2)
    batch = [
        said(1, 601, 2, "I opted out", reply_to=POST),
        said(2, 602, 1, "answering Bo", reply_to=601),
        said(3, 603, 1, "answering the passage", reply_to=POST),
    ]
    record_arrivals(store, batch, now=NOW)
    assert [text for _, _, text in thread(store)] == ["answering the passage"]


def test_only_the_authors_of_stored_messages_are_remembered(store: Store) -> None:
    with_thread(store)
    record_arrivals(
        store,
        [said(1, 601, 3, "group chatter"), said(2, 602, 1, "in the thread", reply_to=POST)],
        now=NOW,
    )
    assert store.get_user(3) is None
    person = store.get_user(1)
    assert person is not None and person["first_name"] == "Ana"


def test_a_private_chat_and_a_forum_topic_join_their_latest_passage(store: Store) -> None:
    with_thread(store)
    private = {"id": 1, "type": "private", "first_name": "Ana"}
    store.register_chat(1, type="private", now=NOW)
    store.claim_post(1, "2024-03-10", "passage", now=NOW)
    store.mark_post_sent(1, "2024-03-10", "passage", message_id=40, sent_at=NOW)
    store.claim_post(CHAT, "2024-03-11", "passage", now=NOW)
    store.mark_post_sent(CHAT, "2024-03-11", "passage", message_id=700, sent_at=NOW, thread_id=9)
    topic_opening = {"message_id": 9, "date": NOW, "chat": GROUP, "forum_topic_created": {}}
    batch = [
        said(1, 41, 1, "a thought", chat=private),
        said(
            2,
            701,
            2,
            "in the topic",
            is_topic_message=True,
            message_thread_id=9,
            reply_to_message=topic_opening,
        ),
    ]
    assert record_arrivals(store, batch, now=NOW).stored == [1, 2]
    assert [m["text"] for m in store.thread_messages(1, 40)] == ["a thought"]
    assert [m["reply_to_message_id"] for m in store.thread_messages(CHAT, 700)] == [700]


def test_a_reply_to_an_anonymous_admin_waits_for_the_plain_roads_not_the_bots(
    store: Store,
) -> None:
    with_thread(store)
    # The admin's own message is still waiting for its handler (a command came before it in
    # its batch); the reply to it arrives in the next batch.
    reply = said(2, 702, 2, "and the margin?", reply_to=701)
    reply["message"]["reply_to_message"].update(
        {"from": {"id": 1087968824, "is_bot": True, "first_name": "Group"}, "sender_chat": GROUP}
    )
    arrival = record_arrivals(store, [reply], now=NOW)
    # Left to its handler, which stores it once the admin's message is in its thread.
    assert arrival.placed == {}
