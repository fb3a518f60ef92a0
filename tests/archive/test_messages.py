"""The archive's threads: storing, editing, walking, searching, and chats kept apart."""

from __future__ import annotations

import json

import pytest

from bot.archive import Store
from bot.archive.messages import fts_query
from tests.archive.support import (
    CHAT,
    NOW,
    OTHER,
    POST,
    make_message,
    raw_count,
    with_thread,
)

# messages


def test_storing_the_same_message_twice_changes_nothing(store: Store) -> None:
    with_thread(store)
    first = store.keep_messages([make_message(501, text="commons need care")])
    again = store.keep_messages([make_message(501, text="something else", date=NOW)])
    assert (first, again) == (True, False)
    assert store.get_message(CHAT, 501) == {
        "chat_id": CHAT,
        "message_id": 501,
        "root_message_id": POST,
        "reply_to_message_id": POST,
        "user_id": 1,
        "sender_chat_id": None,
        "author": "Ana",
        "opted_out": False,
        "kind": "text",
        "text": "commons need care",
        "date": NOW + 501,
        "edited_at": None,
    }


def test_an_edit_replaces_the_text_and_older_or_repeated_edits_do_not(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501, text="first")])
    results = [
        store.edit_message(CHAT, 501, text="second", edited_at=NOW + 600),
        store.edit_message(CHAT, 501, text="second", edited_at=NOW + 600),
        store.edit_message(CHAT, 501, text="stale", edited_at=NOW + 550),
        store.edit_message(CHAT, 999, text="never stored", edited_at=NOW + 600),
    ]
    row = store.get_message(CHAT, 501)
    assert (results, row["text"], row["edited_at"]) == (
        [True, False, False, False],
        "second",
        NOW + 600,
    )
    store.index_pending()
    assert [m["text"] for m in store.search(CHAT, "second")] == ["second"]
    assert store.search(CHAT, "first") == []


def test_a_reply_to_an_unknown_message_is_stored(store: Store) -> None:
    with_thread(store)
    assert store.keep_messages([make_message(501, reply_to_message_id=450)]) == 1
    assert store.get_message(CHAT, 501)["reply_to_message_id"] == 450


def test_a_message_from_an_author_never_named_is_stored_without_a_name(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501, user_id=77)])
    store.keep_messages([make_message(502, user_id=None, sender_chat_id=-900)])
    assert [store.get_message(CHAT, m)["author"] for m in (501, 502)] == ["", ""]
    store.upsert_user(77, first_name="Dee")
    store.upsert_sender_chat(-900, title="The Channel")
    assert [store.get_message(CHAT, m)["author"] for m in (501, 502)] == ["Dee", "The Channel"]


def test_kinds_and_sender_chats_come_back_with_their_author(store: Store) -> None:
    with_thread(store)
    store.upsert_sender_chat(CHAT, title="Anonymous admins")
    store.keep_messages([make_message(501, kind="photo", text="a map")])
    store.keep_messages(
        [make_message(502, kind="sticker", text="🌱", user_id=None, sender_chat_id=CHAT)]
    )
    rows = [(m["kind"], m["author"], m["text"]) for m in store.thread_messages(CHAT, POST)]
    assert rows == [("photo", "Ana", "a map"), ("sticker", "Anonymous admins", "🌱")]


def test_thread_root_knows_posts_and_stored_replies_only(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501)])
    store.keep_messages([make_message(502, reply_to_message_id=501)])
    assert [store.thread_root(CHAT, m) for m in (POST, 501, 502, 503)] == [POST, POST, POST, None]
    assert store.thread_root(OTHER, POST) is None


def test_thread_of_any_message_is_its_whole_thread_in_order(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(503, date=NOW + 3, reply_to_message_id=501)])
    store.keep_messages([make_message(501, date=NOW + 1)])
    store.keep_messages([make_message(502, date=NOW + 3)])
    store.keep_messages([make_message(601, root_message_id=600, date=NOW + 2)])
    whole = [m["message_id"] for m in store.thread_of(CHAT, 503)]
    assert (whole, store.thread_of(CHAT, POST) == store.thread_of(CHAT, 501)) == (
        [501, 502, 503],
        True,
    )
    assert store.thread_of(CHAT, 999) == []


def test_store_messages_stores_many_at_once_and_skips_known_and_silenced(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501)])
    store.opt_out(2)
    batch = [make_message(m) for m in range(501, 511)] + [make_message(511, user_id=2)]
    assert store.keep_messages(batch) == 9
    assert len(store.thread_messages(CHAT, POST)) == 10


# search


def test_search_finds_messages_and_curiosities_newest_first(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501, text="Reciprocity in the commons", date=NOW + 1)])
    store.keep_messages([make_message(502, text="threads of reciprocity", date=NOW + 3)])
    store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="reciprocity?", message_id=503, now=NOW + 2
    )
    store.index_pending()
    results = store.search(CHAT, "RECIPROCITY")
    assert [(r["kind"], r["message_id"], r["author"]) for r in results] == [
        ("message", 502, "Ana"),
        ("curiosity", 503, "Bo"),
        ("message", 501, "Ana"),
    ]
    assert results[1] == {
        "kind": "curiosity",
        "chat_id": CHAT,
        "message_id": 503,
        "author": "Bo",
        "opted_out": False,
        "text": "reciprocity?",
        "date": NOW + 2,
        "local_date": "2024-03-10",
    }
    assert [r["message_id"] for r in store.search(CHAT, "thread commons")] == []
    assert [r["message_id"] for r in store.search(CHAT, "thread reciprocity")] == [502]
    assert len(store.search(CHAT, "reciprocity", limit=2)) == 2


HOSTILE = [
    ("", []),
    ("   ", []),
    ('"', []),
    ('"unbalanced', []),
    ("*", []),
    ("commons*", ["near the commons, or not"]),
    ("NEAR", ["near the commons, or not"]),
    ("NEAR(commons garden, 2)", []),
    ("commons OR wombat", []),
    ("OR", ["near the commons, or not"]),
    ("AND", []),
    ("NOT", ["near the commons, or not"]),
    ("-commons", ["near the commons, or not"]),
    ("^commons", ["near the commons, or not"]),
    ("text:commons", []),
    ("'; DROP TABLE messages; --", []),
    ("commons\x00 DROP", []),
    ("1=1) OR (1=1", []),
    ("(", []),
    ("commons'", ["near the commons, or not"]),
]


@pytest.mark.parametrize(("query", "expected"), HOSTILE, ids=[repr(q) for q, _ in HOSTILE])
def test_search_treats_any_input_as_plain_words(
    store: Store, query: str, expected: list[str]
) -> None:
    with_thread(store)
    with_thread(store, OTHER)
    store.keep_messages([make_message(501, text="near the commons, or not")])
    store.keep_messages([make_message(501, chat_id=OTHER, text="drop table commons or not")])
    store.index_pending()
    assert [r["text"] for r in store.search(CHAT, query)] == expected
    assert raw_count(store, "SELECT count(*) FROM messages") == 2


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('say "hi" NEAR* -x') == '"say" """hi""" "NEAR*" "-x"'
    assert fts_query(" * - ") is None


# two chats never meet


def test_two_chats_never_leak_into_each_others_queries(store: Store) -> None:
    for chat_id, word in ((CHAT, "alpha"), (OTHER, "omega")):
        with_thread(store, chat_id)
        store.keep_messages([make_message(501, chat_id=chat_id, text=f"shared {word}")])
        store.keep_messages(
            [make_message(502, chat_id=chat_id, text=f"{word} reply", reply_to_message_id=501)]
        )
        store.add_curiosity(
            chat_id,
            user_id=1,
            local_date="2024-03-10",
            text=f"shared {word}?",
            message_id=503,
            now=NOW,
        )
    store.index_pending()
    for chat_id, mine, theirs in ((CHAT, "alpha", "omega"), (OTHER, "omega", "alpha")):
        texts = [m["text"] for m in store.thread_messages(chat_id, POST)]
        found = {r["text"] for r in store.search(chat_id, "shared")}
        curious = [
            c["text"] for c in store.curiosities_between(chat_id, "2024-03-10", "2024-03-10")
        ]
        exported = json.dumps(store.export_chat(chat_id))
        assert texts == [f"shared {mine}", f"{mine} reply"]
        assert found == {f"shared {mine}", f"shared {mine}?"}
        assert curious == [f"shared {mine}?"]
        assert store.search(chat_id, theirs) == []
        assert (mine in exported, theirs in exported) == (True, False)
        assert [m["text"] for m in store.thread_of(chat_id, 502)] == texts
        assert store.get_message(chat_id, 501)["chat_id"] == chat_id


def test_a_group_and_a_person_with_the_same_number_never_see_each_others_words(
    store: Store,
) -> None:
    # Group -1001 and the private chat of user 1001: the same number, two chats.
    for chat_id, word in ((-1001, "groupword"), (1001, "privateword")):
        with_thread(store, chat_id)
        store.keep_messages([make_message(501, chat_id=chat_id, text=f"shared {word}")])
    store.index_pending()
    found = {
        chat_id: sorted(r["text"] for r in store.search(chat_id, "shared"))
        for chat_id in (-1001, 1001)
    }
    assert found == {-1001: ["shared groupword"], 1001: ["shared privateword"]}
    index_alone = store.db.query(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?",
        (fts_query("shared", 1001),),
    )
    assert [store.db["messages"].get(r["rowid"])["chat_id"] for r in index_alone] == [1001]
