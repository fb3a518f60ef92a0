"""Helpers shared by the archive's tests: rows with defaults, and where a word could survive."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from bot.archive import Store
from bot.core.updates import Author, Incoming, Said

DAY = 86_400
NOW = 1_710_000_000
CHAT = -1001
OTHER = -1002
POST = 500


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


def said(message: dict[str, Any], name: str = "Ana", username: str | None = None) -> Said:
    """What a member said in a group, as the archive gets it from an update."""
    author = Author(message.get("user_id"), message.get("sender_chat_id"), name, username)
    return Said(cast(Incoming, message), author, private=False, topic=None)


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
        "kept_words": raw_count(
            store, "SELECT count(*) FROM messages WHERE words LIKE ?", (like.lower(),)
        ),
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
    "kept_words": 0,
    "curiosities": 0,
    "messages_fts": 0,
    "curiosities_fts": 0,
    "fts_index_bytes": 0,
}


def seed_two_chats(store: Store) -> None:
    """Ana (1) and Bo (2) talk in two chats; Ana's words include 'xylophonic'."""
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    for chat_id in (CHAT, OTHER):
        store.keep_messages([make_message(501, chat_id=chat_id, text="xylophonic commons")])
        store.keep_messages([make_message(502, chat_id=chat_id, user_id=2, text="bo on commons")])
        store.keep_messages(
            [make_message(503, chat_id=chat_id, reply_to_message_id=501, user_id=2)]
        )
        store.add_curiosity(
            chat_id, user_id=1, local_date="2024-03-10", text="xylophonic gardens", now=NOW
        )
        store.add_curiosity(chat_id, user_id=2, local_date="2024-03-10", text="bo asks", now=NOW)
    # As in a running archive, where the writer indexes stored rows a moment later.
    store.index_pending()


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
