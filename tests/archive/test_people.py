"""The archive's people: privacy that leaves no trace, curiosities, export."""

from __future__ import annotations

import json
from pathlib import Path

from bot.archive import Store
from bot.archive import operations as ops
from bot.core.updates import Author
from tests.archive.support import (
    CHAT,
    DAY,
    NO_TRACE,
    NOW,
    OTHER,
    POST,
    bytes_on_disk,
    make_message,
    raw_count,
    seed_two_chats,
    tables_with_chat_rows,
    traces_of,
    with_thread,
)

# people and privacy


def test_forgetting_a_person_leaves_no_trace_of_their_words(store: Store, path: Path) -> None:
    seed_two_chats(store)
    before = traces_of(store, "xylophonic")
    assert before["fts_index_bytes"] > 0 and before["kept_words"] > 0
    deleted = store.forget_user(1)
    assert deleted == 4
    assert traces_of(store, "xylophonic") == NO_TRACE
    assert bytes_on_disk(path, "xylophon") == 0
    assert raw_count(store, "SELECT count(*) FROM messages WHERE user_id = 1") == 0
    assert raw_count(store, "SELECT count(*) FROM curiosities WHERE user_id = 1") == 0
    assert store.get_user(1) == {
        "id": 1,
        "first_name": "",
        "username": None,
        "opted_out": False,
        "forgotten": True,
    }
    # Bo's reply to Ana's deleted message stays, and Bo's words are still found.
    assert [m["message_id"] for m in store.thread_messages(CHAT, POST)] == [502, 503]
    store.index_pending()
    assert [r["author"] for r in store.search(CHAT, "commons")] == ["Bo"]


def test_a_forgotten_person_is_not_stored_again_until_they_opt_in(store: Store) -> None:
    seed_two_chats(store)
    store.forget_user(1)
    refused = (
        store.keep_messages([make_message(601, text="back again")]),
        store.add_curiosity(CHAT, user_id=1, local_date="2024-03-11", text="hm", now=NOW),
        store.is_silenced(1),
    )
    store.upsert_user(1, first_name="Ana", username="ana")
    assert (refused, store.get_user(1)["first_name"]) == ((False, None, True), "")
    store.opt_in(1)
    store.upsert_user(1, first_name="Ana", username="ana")
    assert store.keep_messages([make_message(601, text="back again")]) == 1
    assert store.get_message(CHAT, 601)["author"] == "Ana"


def test_opting_out_keeps_what_was_stored_and_refuses_what_comes_next(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501)])
    store.opt_out(1)
    refused = (
        store.keep_messages([make_message(502)]),
        store.add_curiosity(CHAT, user_id=1, local_date="2024-03-10", text="x", now=NOW),
    )
    kept = store.get_message(CHAT, 501)
    assert (refused, kept["opted_out"], store.is_silenced(1)) == ((False, None), True, True)
    store.opt_in(1)
    assert (store.keep_messages([make_message(502)]), store.is_silenced(1)) == (True, False)


def test_opting_out_before_ever_speaking_is_remembered(store: Store) -> None:
    store.opt_out(42)
    assert store.get_user(42) == {
        "id": 42,
        "first_name": "",
        "username": None,
        "opted_out": True,
        "forgotten": False,
    }


def test_purging_a_chat_leaves_no_trace_of_it(store: Store, path: Path) -> None:
    seed_two_chats(store)
    store.upsert_user(3, first_name="Cyprian")
    store.upsert_sender_chat(CHAT, title="Chat admins")
    store.keep_messages([make_message(504, user_id=3, text="only here quokkas")])
    store.keep_messages([make_message(505, user_id=None, sender_chat_id=CHAT, text="admin note")])
    store.purge_chat(CHAT)
    assert tables_with_chat_rows(store, CHAT) == {}
    assert traces_of(store, "quokkas") == NO_TRACE
    assert bytes_on_disk(path, "quokka") == 0
    # Cyprian spoke only in the purged chat: his name goes with it.
    assert (store.get_user(3), store.get_chat(CHAT)) == (None, None)
    # The other chat is whole.
    assert [m["message_id"] for m in store.thread_messages(OTHER, POST)] == [501, 502, 503]
    store.index_pending()
    assert len(store.search(OTHER, "xylophonic")) == 2


def test_retention_deletes_old_messages_and_curiosities_everywhere(
    store: Store, path: Path
) -> None:
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    store.keep_messages([make_message(501, date=NOW - 40 * DAY, text="ancient wombats")])
    store.keep_messages(
        [make_message(502, chat_id=OTHER, date=NOW - 31 * DAY, text="old wombats")]
    )
    store.keep_messages([make_message(503, date=NOW - 29 * DAY, text="recent")])
    store.add_curiosity(
        CHAT, user_id=2, local_date="2024-01-01", text="wombats?", now=NOW - 90 * DAY
    )
    store.add_curiosity(CHAT, user_id=2, local_date="2024-03-01", text="fresh", now=NOW - DAY)
    assert store.apply_retention(0, now=NOW) == 0
    assert store.apply_retention(30, now=NOW) == 3
    assert traces_of(store, "wombats") == NO_TRACE
    assert bytes_on_disk(path, "wombat") == 0
    kept = [m["text"] for m in store.thread_messages(CHAT, POST)]
    fresh = [c["text"] for c in store.curiosities_between(CHAT, "2024-01-01", "2024-12-31")]
    assert (kept, fresh) == (["recent"], ["fresh"])


# curiosities


def test_curiosities_are_idempotent_per_message_and_ordered_by_time(store: Store) -> None:
    with_thread(store)
    first = store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="later", message_id=9, now=NOW + 9
    )
    again = store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="later", message_id=9, now=NOW + 10
    )
    store.add_curiosity(CHAT, user_id=2, local_date="2024-03-10", text="earlier", now=NOW)
    store.add_curiosity(CHAT, user_id=2, local_date="2024-03-11", text="next day", now=NOW)
    rows = store.curiosities_between(CHAT, "2024-03-10", "2024-03-10")
    assert (first, again) == (first, first)
    assert [(c["text"], c["author"]) for c in rows] == [("earlier", "Bo"), ("later", "Ana")]
    assert rows[1] == {
        "id": first,
        "chat_id": CHAT,
        "user_id": 1,
        "author": "Ana",
        "opted_out": False,
        "local_date": "2024-03-10",
        "text": "later",
        "message_id": 9,
        "created_at": NOW + 9,
    }


def test_curiosity_by_message_finds_the_one_asked_in_that_message_of_that_chat(
    store: Store,
) -> None:
    for chat_id in (CHAT, OTHER):
        with_thread(store, chat_id)
    store.keep_messages([make_message(501, text="a reply, not a question")])
    store.add_curiosity(CHAT, user_id=2, local_date="2024-03-10", text="no message", now=NOW)
    asked = store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="why tides?", message_id=9, now=NOW + 9
    )
    found = store.curiosity_by_message(CHAT, 9)
    assert found == {
        "id": asked,
        "chat_id": CHAT,
        "user_id": 1,
        "author": "Ana",
        "opted_out": False,
        "local_date": "2024-03-10",
        "text": "why tides?",
        "message_id": 9,
        "created_at": NOW + 9,
    }
    assert found == store.curiosities_between(CHAT, "2024-03-10", "2024-03-10")[1]
    assert [
        store.curiosity_by_message(OTHER, 9),
        store.curiosity_by_message(CHAT, 501),
        store.curiosity_by_message(CHAT, 10),
    ] == [None, None, None]


def test_curiosity_by_message_follows_opting_out_and_forgetting(store: Store) -> None:
    with_thread(store)
    store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="why tides?", message_id=9, now=NOW
    )
    store.opt_out(1)
    opted_out = store.curiosity_by_message(CHAT, 9)
    store.forget_user(1)
    assert (opted_out["text"], opted_out["opted_out"]) == ("why tides?", True)
    assert store.curiosity_by_message(CHAT, 9) is None


# export


def test_export_is_json_with_the_chats_rows_and_people_involved(store: Store) -> None:
    seed_two_chats(store)
    store.upsert_user(9, first_name="Elsewhere")
    store.upsert_sender_chat(-77, title="A channel")
    store.keep_messages([make_message(504, user_id=None, sender_chat_id=-77)])
    archive = json.loads(json.dumps(store.export_chat(CHAT)))
    assert sorted(archive) == [
        "chat", "curiosities", "messages", "polls", "posts", "reaction_counts", "reactions",
        "sender_chats", "suggestions", "users",
    ]  # fmt: skip
    assert archive["chat"]["id"] == CHAT
    assert [p["message_id"] for p in archive["posts"]] == [POST]
    assert [m["message_id"] for m in archive["messages"]] == [501, 502, 503, 504]
    assert [c["text"] for c in archive["curiosities"]] == ["xylophonic gardens", "bo asks"]
    assert [u["first_name"] for u in archive["users"]] == ["Ana", "Bo"]
    assert archive["sender_chats"] == [{"id": -77, "title": "A channel"}]


def test_export_of_an_unknown_chat_is_empty(store: Store) -> None:
    assert store.export_chat(404) == {
        "chat": None,
        "posts": [],
        "messages": [],
        "curiosities": [],
        "users": [],
        "sender_chats": [],
        "reactions": [],
        "reaction_counts": [],
        "polls": [],
        "suggestions": [],
    }


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


def test_a_curiosity_keeps_its_authors_latest_name_and_its_day(store: Store) -> None:
    with_thread(store)
    first = ops.note_curiosity(
        store, CHAT, author=Author(1, None, "Ana K", "anak"), local_date="2024-03-10",
        text="why rules?", message_id=70, now=NOW,
    )  # fmt: skip
    ops.note_curiosity(
        store, CHAT, author=Author(None, -500, "News", None), local_date="2024-03-11",
        text="from the channel", message_id=71, now=NOW,
    )  # fmt: skip
    store.opt_out(2)
    silenced = ops.note_curiosity(
        store, CHAT, author=Author(2, None, "Bo", None), local_date="2024-03-10",
        text="not kept", message_id=72, now=NOW,
    )  # fmt: skip
    day = ops.curiosities_of_day(store, CHAT, "2024-03-10")
    assert first is not None and silenced is None
    assert [(c["id"], c["author"], c["text"]) for c in day] == [(first, "Ana K", "why rules?")]
    user = store.get_user(1)
    assert user is not None and user["username"] == "anak"
    assert [c["text"] for c in ops.curiosities_of_day(store, CHAT, "2024-03-11")] == [
        "from the channel"
    ]
    assert store.db.execute("SELECT title FROM sender_chats WHERE id = -500").fetchone() == (
        "News",
    )


def test_the_curiosities_some_replies_answer_are_found_by_their_messages(store: Store) -> None:
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="why", message_id=41, now=NOW + 2
    )
    store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="how", message_id=42, now=NOW + 1
    )
    store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="who", message_id=43, now=NOW
    )
    store.add_curiosity(
        OTHER, user_id=1, local_date="2024-03-10", text="else", message_id=41, now=NOW
    )
    answered = store.curiosities_answered(CHAT, [41, 42, 99])
    assert [(c["text"], c["author"], c["message_id"]) for c in answered] == [
        ("how", "Bo", 42),
        ("why", "Ana", 41),
    ]
    assert store.curiosities_answered(CHAT, []) == []


def test_an_export_lists_a_member_who_opted_out_without_anything_of_theirs(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501, text="Ana's reply")])
    store.keep_messages([make_message(502, user_id=2, text="Bo's reply")])
    store.add_curiosity(CHAT, user_id=2, local_date="2024-03-10", text="Bo wonders", now=NOW)
    store.opt_out(2)
    exported = store.export_chat(CHAT)
    assert exported["users"] == [
        {"id": 1, "first_name": "Ana", "username": "ana", "opted_out": False, "forgotten": False},
        {
            "id": None,
            "first_name": "a member who opted out",
            "username": None,
            "opted_out": True,
            "forgotten": False,
        },
    ]
    assert [m["text"] for m in exported["messages"]] == ["Ana's reply"]
    assert exported["curiosities"] == []
