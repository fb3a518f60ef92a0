"""The archive's chats: opening the file, settings, and a group becoming a supergroup."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.archive import Store, UnknownChatError
from bot.archive import operations as ops
from bot.archive.schema import SCHEMA_VERSION
from tests.archive.support import (
    CHAT,
    NOW,
    OTHER,
    POST,
    make_message,
    raw_count,
    seed_two_chats,
    tables_with_chat_rows,
    with_thread,
)

# the file itself


def test_open_sets_wal_foreign_keys_busy_timeout_and_schema_version(store: Store) -> None:
    pragmas = [
        "journal_mode",
        "foreign_keys",
        "busy_timeout",
        "synchronous",
        "user_version",
        "secure_delete",
    ]
    values = [raw_count(store, f"PRAGMA {name}") for name in pragmas]
    assert values == ["wal", 1, 5000, 1, SCHEMA_VERSION, 1]


def test_open_creates_missing_directories(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data" / "deep" / "commons.db")
    store.register_chat(1, type="private", now=NOW)
    store.close()
    assert Store.open(tmp_path / "data" / "deep" / "commons.db").get_chat(1)["type"] == "private"


def test_in_memory_archive_works(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    with_thread(store)
    assert store.keep_messages([make_message(501)]) == 1
    store.index_pending()
    assert [m["text"] for m in store.search(CHAT, "reply")] == ["reply 501"]


def test_a_message_for_an_unknown_chat_is_refused_by_the_foreign_key(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.keep_messages([make_message(501, chat_id=404)])


# chats


def test_a_new_chat_gets_the_default_settings(store: Store) -> None:
    chat = store.register_chat(CHAT, type="group", title="Reading circle", now=NOW)
    assert chat == {
        "id": CHAT,
        "type": "group",
        "title": "Reading circle",
        "username": None,
        "is_forum": False,
        "timezone": "UTC",
        "post_time": "09:00",
        "digest_time": "21:00",
        "weekly_day": 6,
        "weekly_time": "18:00",
        "topic_thread_id": None,
        "paused": False,
        "active": True,
        "corpus_position": 0,
        "quiet_day": "line",
        "language": None,
        "created_at": NOW,
        "passages": True,
        "greeted_at": None,
        "poll": False,
        "published": False,
    }


def test_registering_again_updates_identity_keeps_settings_and_reactivates(store: Store) -> None:
    store.register_chat(CHAT, type="group", title="Old", now=NOW)
    store.update_chat(CHAT, timezone="Europe/Rome", post_time="07:15", paused=True)
    store.set_active(CHAT, False)
    chat = store.register_chat(
        CHAT, type="supergroup", title="New", username="circle", is_forum=True, now=NOW + 5
    )
    picked = {k: chat[k] for k in ("type", "title", "username", "is_forum", "active")}
    kept = {k: chat[k] for k in ("timezone", "post_time", "paused", "created_at")}
    assert picked == {
        "type": "supergroup",
        "title": "New",
        "username": "circle",
        "is_forum": True,
        "active": True,
    }
    assert kept == {
        "timezone": "Europe/Rome",
        "post_time": "07:15",
        "paused": True,
        "created_at": NOW,
    }


def test_update_chat_returns_the_chat_and_rejects_unknown_settings(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    chat = store.update_chat(
        CHAT, weekly_day=2, weekly_time="17:00", quiet_day="silent", topic_thread_id=7
    )
    assert (
        chat["weekly_day"],
        chat["weekly_time"],
        chat["quiet_day"],
        chat["topic_thread_id"],
    ) == (
        2,
        "17:00",
        "silent",
        7,
    )
    with pytest.raises(ValueError, match="unknown chat settings: corpus_position, id"):
        store.update_chat(CHAT, id=5, corpus_position=9)
    with pytest.raises(UnknownChatError):
        store.update_chat(404, timezone="UTC")


def test_active_chats_leaves_out_chats_the_bot_left(store: Store) -> None:
    for chat_id in (3, 1, 2):
        store.register_chat(chat_id, type="private", now=NOW)
    store.set_active(2, False)
    store.update_chat(3, paused=True)
    assert [c["id"] for c in store.active_chats()] == [1, 3]


def test_advance_corpus_returns_the_position_before_the_move(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    assert [store.advance_corpus(CHAT), store.advance_corpus(CHAT, 3)] == [0, 1]
    assert store.get_chat(CHAT)["corpus_position"] == 4
    with pytest.raises(UnknownChatError):
        store.advance_corpus(404)


def test_a_move_of_the_corpus_on_its_own_is_committed_at_once(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "archive.db")
    try:
        store.register_chat(CHAT, type="group", now=NOW)
        store.advance_corpus(CHAT, 2)
        assert not store.db.conn.in_transaction
        reader = Store.open_reader(tmp_path / "archive.db")
        try:
            assert reader.get_chat(CHAT)["corpus_position"] == 2
        finally:
            reader.close()
    finally:
        store.close()


# group -> supergroup


def test_migrating_a_chat_moves_every_row_and_setting(store: Store) -> None:
    seed_two_chats(store)
    store.update_chat(CHAT, timezone="Asia/Tokyo", post_time="06:00")
    store.advance_corpus(CHAT, 4)
    before = store.export_chat(CHAT)
    store.migrate_chat(CHAT, -1009)
    after = store.export_chat(-1009)
    assert (store.get_chat(CHAT), tables_with_chat_rows(store, CHAT)) == (None, {})
    assert after["chat"] == {**before["chat"], "id": -1009}

    def moved(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**row, "chat_id": -1009} for row in rows]

    assert after["posts"] == moved(before["posts"])
    assert after["messages"] == moved(before["messages"])
    assert [c["text"] for c in after["curiosities"]] == [c["text"] for c in before["curiosities"]]
    assert store.thread_root(-1009, 503) == POST
    store.index_pending()
    assert len(store.search(-1009, "xylophonic")) == 2


def test_migrating_into_a_chat_already_known_merges_into_it(store: Store) -> None:
    with_thread(store, CHAT)
    store.keep_messages([make_message(501)])
    store.update_chat(CHAT, timezone="Europe/Rome")
    store.register_chat(-1009, type="supergroup", title="Reading circle", now=NOW + 50)
    store.keep_messages([make_message(9, chat_id=-1009, root_message_id=POST)])
    store.migrate_chat(CHAT, -1009)
    chat = store.get_chat(-1009)
    assert (chat["type"], chat["timezone"], chat["created_at"]) == (
        "supergroup",
        "Europe/Rome",
        NOW,
    )
    assert [m["message_id"] for m in store.thread_messages(-1009, POST)] == [9, 501]


def test_migrating_an_unknown_chat_or_onto_itself_does_nothing(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501)])
    store.migrate_chat(404, 405)
    store.migrate_chat(CHAT, CHAT)
    assert (store.get_chat(404), store.get_chat(405)) == (None, None)
    assert [m["message_id"] for m in store.thread_messages(CHAT, POST)] == [501]


def test_where_both_chats_hold_a_message_the_new_chats_row_is_kept_and_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    store.keep_messages([make_message(501, text="in the old group")])
    store.keep_messages([make_message(501, chat_id=OTHER, text="in the supergroup")])
    store.migrate_chat(CHAT, OTHER)
    texts = [m["text"] for m in store.thread_messages(OTHER, POST)]
    assert (texts, store.get_chat(CHAT)) == (["in the supergroup"], None)
    assert "kept 2 rows the new chat already had" in caplog.text


def test_active_chats_are_read_in_pages_in_order_of_id(store: Store) -> None:
    for chat_id in (-30, 7, -1001, 12, -5):
        store.register_chat(chat_id, type="group", now=NOW)
    store.set_active(12, False)
    assert [c["id"] for c in store.active_chats(after=-30, limit=2)] == [-5, 7]
    assert [c["id"] for c in store.each_active_chat(page=2)] == [-1001, -30, -5, 7]


def test_moving_an_unknown_chat_on_names_it(store: Store) -> None:
    with pytest.raises(UnknownChatError, match=r"^-404$"):
        store.advance_corpus(-404)


def test_a_chat_is_registered_the_first_time_it_is_seen_and_kept_after(store: Store) -> None:
    made = ops.ensure_chat(store, CHAT, now=NOW, type="supergroup", title="Readers")
    again = ops.ensure_chat(store, CHAT, now=NOW + 60, type="group", title="Renamed")
    assert (made["type"], made["title"], made["created_at"]) == ("supergroup", "Readers", NOW)
    assert again == made
