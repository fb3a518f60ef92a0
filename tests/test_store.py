"""The archive: chats, exactly-once posts, threads, privacy, search and export, on real files."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store, UnknownChatError, fts_query

DAY = 86_400
NOW = 1_710_000_000
CHAT = -1001
OTHER = -1002
POST = 500


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    opened = Store.open(path)
    yield opened
    opened.close()


def make_message(message_id: int, **overrides: Any) -> dict[str, Any]:
    """A thread reply with defaults: a direct reply to POST in CHAT by user 1."""
    return {
        "chat_id": CHAT,
        "message_id": message_id,
        "root_message_id": POST,
        "reply_to_message_id": POST,
        "user_id": 1,
        "sender_chat_id": None,
        "kind": "text",
        "text": f"reply {message_id}",
        "date": NOW + message_id,
        **overrides,
    }


def with_thread(store: Store, chat_id: int = CHAT, message_id: int = POST) -> None:
    """Register a chat with today's passage sent as ``message_id``, and two members."""
    store.register_chat(chat_id, type="supergroup", title=f"Chat {chat_id}", now=NOW)
    store.claim_post(chat_id, "2024-03-10", "passage", now=NOW)
    store.mark_post_sent(chat_id, "2024-03-10", "passage", message_id=message_id, sent_at=NOW)
    store.upsert_user(1, first_name="Ana", username="ana")
    store.upsert_user(2, first_name="Bo")


def raw_count(store: Store, sql: str, params: Any = ()) -> int:
    return store.db.execute(sql, params).fetchone()[0]


def fts_bytes_containing(store: Store, word: str) -> int:
    """Count FTS5 shadow-table blocks that still hold the word's bytes.

    The index keeps stemmed terms ("wombats" -> "wombat"), so look for the first six letters.
    """
    return sum(
        raw_count(store, f"SELECT count(*) FROM {table}_data WHERE instr(block, ?) > 0", (blob,))
        for table in ("messages_fts", "curiosities_fts")
        for blob in (word[:6].encode(),)
    )


def traces_of(store: Store, word: str) -> dict[str, int]:
    """Everywhere a word could survive: tables, FTS matches, FTS index bytes."""
    like = f"%{word}%"
    return {
        "messages": raw_count(store, "SELECT count(*) FROM messages WHERE text LIKE ?", (like,)),
        "curiosities": raw_count(
            store, "SELECT count(*) FROM curiosities WHERE text LIKE ?", (like,)
        ),
        "messages_fts": raw_count(
            store, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?", (word,)
        ),
        "curiosities_fts": raw_count(
            store, "SELECT count(*) FROM curiosities_fts WHERE curiosities_fts MATCH ?", (word,)
        ),
        "fts_index_bytes": fts_bytes_containing(store, word),
    }


def bytes_on_disk(path: Path, word: str) -> int:
    """Count the word's bytes in the database file and its WAL, freed pages included."""
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.read_bytes().count(word.encode()) for f in files if f.exists())


NO_TRACE = {
    "messages": 0,
    "curiosities": 0,
    "messages_fts": 0,
    "curiosities_fts": 0,
    "fts_index_bytes": 0,
}


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
    assert values == ["wal", 1, 5000, 1, 3, 1]


def test_open_creates_missing_directories(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data" / "deep" / "commons.db")
    store.register_chat(1, type="private", now=NOW)
    store.close()
    assert Store.open(tmp_path / "data" / "deep" / "commons.db").get_chat(1)["type"] == "private"


def test_in_memory_archive_works(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    with_thread(store)
    assert store.store_message(make_message(501)) is True
    assert [m["text"] for m in store.search(CHAT, "reply")] == ["reply 501"]


def test_a_message_for_an_unknown_chat_is_refused_by_the_foreign_key(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.store_message(make_message(501, chat_id=404))


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
        "created_at": NOW,
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


# messages


def test_storing_the_same_message_twice_changes_nothing(store: Store) -> None:
    with_thread(store)
    first = store.store_message(make_message(501, text="commons need care"))
    again = store.store_message(make_message(501, text="something else", date=NOW))
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
    store.store_message(make_message(501, text="first"))
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
    assert [m["text"] for m in store.search(CHAT, "second")] == ["second"]
    assert store.search(CHAT, "first") == []


def test_a_reply_to_an_unknown_message_is_stored(store: Store) -> None:
    with_thread(store)
    assert store.store_message(make_message(501, reply_to_message_id=450)) is True
    assert store.get_message(CHAT, 501)["reply_to_message_id"] == 450


def test_a_message_from_an_author_never_named_is_stored_without_a_name(store: Store) -> None:
    with_thread(store)
    store.store_message(make_message(501, user_id=77))
    store.store_message(make_message(502, user_id=None, sender_chat_id=-900))
    assert [store.get_message(CHAT, m)["author"] for m in (501, 502)] == ["", ""]
    store.upsert_user(77, first_name="Dee")
    store.upsert_sender_chat(-900, title="The Channel")
    assert [store.get_message(CHAT, m)["author"] for m in (501, 502)] == ["Dee", "The Channel"]


def test_kinds_and_sender_chats_come_back_with_their_author(store: Store) -> None:
    with_thread(store)
    store.upsert_sender_chat(CHAT, title="Anonymous admins")
    store.store_message(make_message(501, kind="photo", text="a map"))
    store.store_message(
        make_message(502, kind="sticker", text="🌱", user_id=None, sender_chat_id=CHAT)
    )
    rows = [(m["kind"], m["author"], m["text"]) for m in store.thread_messages(CHAT, POST)]
    assert rows == [("photo", "Ana", "a map"), ("sticker", "Anonymous admins", "🌱")]


def test_thread_root_knows_posts_and_stored_replies_only(store: Store) -> None:
    with_thread(store)
    store.store_message(make_message(501))
    store.store_message(make_message(502, reply_to_message_id=501))
    assert [store.thread_root(CHAT, m) for m in (POST, 501, 502, 503)] == [POST, POST, POST, None]
    assert store.thread_root(OTHER, POST) is None


def test_thread_of_any_message_is_its_whole_thread_in_order(store: Store) -> None:
    with_thread(store)
    store.store_message(make_message(503, date=NOW + 3, reply_to_message_id=501))
    store.store_message(make_message(501, date=NOW + 1))
    store.store_message(make_message(502, date=NOW + 3))
    store.store_message(make_message(601, root_message_id=600, date=NOW + 2))
    whole = [m["message_id"] for m in store.thread_of(CHAT, 503)]
    assert (whole, store.thread_of(CHAT, POST) == store.thread_of(CHAT, 501)) == (
        [501, 502, 503],
        True,
    )
    assert store.thread_of(CHAT, 999) == []


def test_store_messages_stores_many_at_once_and_skips_known_and_silenced(store: Store) -> None:
    with_thread(store)
    store.store_message(make_message(501))
    store.opt_out(2)
    batch = [make_message(m) for m in range(501, 511)] + [make_message(511, user_id=2)]
    assert store.store_messages(batch) == 9
    assert len(store.thread_messages(CHAT, POST)) == 10


# people and privacy


def seed_two_chats(store: Store) -> None:
    """Ana (1) and Bo (2) talk in two chats; Ana's words include 'xylophonic'."""
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    for chat_id in (CHAT, OTHER):
        store.store_message(make_message(501, chat_id=chat_id, text="xylophonic commons"))
        store.store_message(make_message(502, chat_id=chat_id, user_id=2, text="bo on commons"))
        store.store_message(make_message(503, chat_id=chat_id, reply_to_message_id=501, user_id=2))
        store.add_curiosity(
            chat_id, user_id=1, local_date="2024-03-10", text="xylophonic gardens", now=NOW
        )
        store.add_curiosity(chat_id, user_id=2, local_date="2024-03-10", text="bo asks", now=NOW)


def test_forgetting_a_person_leaves_no_trace_of_their_words(store: Store, path: Path) -> None:
    seed_two_chats(store)
    assert traces_of(store, "xylophonic")["fts_index_bytes"] > 0
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
    assert [r["author"] for r in store.search(CHAT, "commons")] == ["Bo"]


def test_a_forgotten_person_is_not_stored_again_until_they_opt_in(store: Store) -> None:
    seed_two_chats(store)
    store.forget_user(1)
    refused = (
        store.store_message(make_message(601, text="back again")),
        store.add_curiosity(CHAT, user_id=1, local_date="2024-03-11", text="hm", now=NOW),
        store.is_silenced(1),
    )
    store.upsert_user(1, first_name="Ana", username="ana")
    assert (refused, store.get_user(1)["first_name"]) == ((False, None, True), "")
    store.opt_in(1)
    store.upsert_user(1, first_name="Ana", username="ana")
    assert store.store_message(make_message(601, text="back again")) is True
    assert store.get_message(CHAT, 601)["author"] == "Ana"


def test_opting_out_keeps_what_was_stored_and_refuses_what_comes_next(store: Store) -> None:
    with_thread(store)
    store.store_message(make_message(501))
    store.opt_out(1)
    refused = (
        store.store_message(make_message(502)),
        store.add_curiosity(CHAT, user_id=1, local_date="2024-03-10", text="x", now=NOW),
    )
    kept = store.get_message(CHAT, 501)
    assert (refused, kept["opted_out"], store.is_silenced(1)) == ((False, None), True, True)
    store.opt_in(1)
    assert (store.store_message(make_message(502)), store.is_silenced(1)) == (True, False)


def test_opting_out_before_ever_speaking_is_remembered(store: Store) -> None:
    store.opt_out(42)
    assert store.get_user(42) == {
        "id": 42,
        "first_name": "",
        "username": None,
        "opted_out": True,
        "forgotten": False,
    }


def tables_with_chat_rows(store: Store, chat_id: int) -> dict[str, int]:
    """Rows that name the chat, in every table that has a chat column."""
    found = {}
    for table in store.db.table_names():
        columns = {c.name for c in store.db[table].columns}
        for column in (
            {"chat_id", "id"} & columns
            if table in {"chats", "sender_chats"}
            else {"chat_id"} & columns
        ):
            count = raw_count(
                store, f"SELECT count(*) FROM [{table}] WHERE [{column}] = ?", (chat_id,)
            )
            if count:
                found[table] = count
    return found


def test_purging_a_chat_leaves_no_trace_of_it(store: Store, path: Path) -> None:
    seed_two_chats(store)
    store.upsert_user(3, first_name="Cyprian")
    store.upsert_sender_chat(CHAT, title="Chat admins")
    store.store_message(make_message(504, user_id=3, text="only here quokkas"))
    store.store_message(make_message(505, user_id=None, sender_chat_id=CHAT, text="admin note"))
    store.purge_chat(CHAT)
    assert tables_with_chat_rows(store, CHAT) == {}
    assert traces_of(store, "quokkas") == NO_TRACE
    assert bytes_on_disk(path, "quokka") == 0
    # Cyprian spoke only in the purged chat: his name goes with it.
    assert (store.get_user(3), store.get_chat(CHAT)) == (None, None)
    # The other chat is whole.
    assert [m["message_id"] for m in store.thread_messages(OTHER, POST)] == [501, 502, 503]
    assert len(store.search(OTHER, "xylophonic")) == 2


def test_retention_deletes_old_messages_and_curiosities_everywhere(
    store: Store, path: Path
) -> None:
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    store.store_message(make_message(501, date=NOW - 40 * DAY, text="ancient wombats"))
    store.store_message(make_message(502, chat_id=OTHER, date=NOW - 31 * DAY, text="old wombats"))
    store.store_message(make_message(503, date=NOW - 29 * DAY, text="recent"))
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
    store.store_message(make_message(501, text="a reply, not a question"))
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


# search


def test_search_finds_messages_and_curiosities_newest_first(store: Store) -> None:
    with_thread(store)
    store.store_message(make_message(501, text="Reciprocity in the commons", date=NOW + 1))
    store.store_message(make_message(502, text="threads of reciprocity", date=NOW + 3))
    store.add_curiosity(
        CHAT, user_id=2, local_date="2024-03-10", text="reciprocity?", message_id=503, now=NOW + 2
    )
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
    store.store_message(make_message(501, text="near the commons, or not"))
    store.store_message(make_message(501, chat_id=OTHER, text="drop table commons or not"))
    assert [r["text"] for r in store.search(CHAT, query)] == expected
    assert raw_count(store, "SELECT count(*) FROM messages") == 2


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('say "hi" NEAR* -x') == '"say" """hi""" "NEAR*" "-x"'
    assert fts_query(" * - ") is None


# two chats never meet


def test_two_chats_never_leak_into_each_others_queries(store: Store) -> None:
    for chat_id, word in ((CHAT, "alpha"), (OTHER, "omega")):
        with_thread(store, chat_id)
        store.store_message(make_message(501, chat_id=chat_id, text=f"shared {word}"))
        store.store_message(
            make_message(502, chat_id=chat_id, text=f"{word} reply", reply_to_message_id=501)
        )
        store.add_curiosity(
            chat_id,
            user_id=1,
            local_date="2024-03-10",
            text=f"shared {word}?",
            message_id=503,
            now=NOW,
        )
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


# export


def test_export_is_json_with_the_chats_rows_and_people_involved(store: Store) -> None:
    seed_two_chats(store)
    store.upsert_user(9, first_name="Elsewhere")
    store.upsert_sender_chat(-77, title="A channel")
    store.store_message(make_message(504, user_id=None, sender_chat_id=-77))
    archive = json.loads(json.dumps(store.export_chat(CHAT)))
    assert sorted(archive) == ["chat", "curiosities", "messages", "posts", "sender_chats", "users"]
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
    }


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
    assert len(store.search(-1009, "xylophonic")) == 2


def test_migrating_into_a_chat_already_known_merges_into_it(store: Store) -> None:
    with_thread(store, CHAT)
    store.store_message(make_message(501))
    store.update_chat(CHAT, timezone="Europe/Rome")
    store.register_chat(-1009, type="supergroup", title="Reading circle", now=NOW + 50)
    store.store_message(make_message(9, chat_id=-1009, root_message_id=POST))
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
    store.store_message(make_message(501))
    store.migrate_chat(404, 405)
    store.migrate_chat(CHAT, CHAT)
    assert (store.get_chat(404), store.get_chat(405)) == (None, None)
    assert [m["message_id"] for m in store.thread_messages(CHAT, POST)] == [501]


def test_where_both_chats_hold_a_message_the_new_chats_row_is_kept_and_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    store.store_message(make_message(501, text="in the old group"))
    store.store_message(make_message(501, chat_id=OTHER, text="in the supergroup"))
    store.migrate_chat(CHAT, OTHER)
    texts = [m["text"] for m in store.thread_messages(OTHER, POST)]
    assert (texts, store.get_chat(CHAT)) == (["in the supergroup"], None)
    assert "kept 2 rows the new chat already had" in caplog.text
