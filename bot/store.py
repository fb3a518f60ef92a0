"""The archive: chats, exactly-once posts, reply threads, curiosities, in one SQLite file.

Synchronous, sqlite-utils 4, no Telegram. Every query names one chat, except the privacy
operations that act on a person (forget, opt out) or on age (retention) across the archive.
The connection belongs to the thread that opened it; the async bot reaches it through
``bot.asyncstore.AsyncStore``, which gives it one worker thread.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.migrations import FTS_TABLES, apply_migrations

logger = logging.getLogger(__name__)

Row = dict[str, Any]

BUSY_TIMEOUT_MS = 5000
POST_KINDS = ("passage", "digest", "weekly")
CHAT_SETTINGS = frozenset(
    {
        "timezone", "post_time", "digest_time", "weekly_day", "weekly_time",
        "topic_thread_id", "paused", "quiet_day", "title", "is_forum",
    }
)  # fmt: skip
# A chat's identity comes from Telegram; everything else is what its admins chose, and moves
# with it when a group becomes a supergroup.
CHAT_IDENTITY = ("id", "type", "title", "username", "is_forum", "active", "topic_thread_id")
MAX_SEARCH_TERMS = 16
MAX_SEARCH_RESULTS = 100
DAY_SECONDS = 86_400

POST_COLUMNS = (
    "chat_id, local_date, kind, passage_id, message_id, thread_id, status, claimed_at, "
    "sent_at, error"
)
POST_KEY = "chat_id = :chat_id AND local_date = :local_date AND kind = :kind"
AUTHOR = "COALESCE(NULLIF(u.first_name, ''), s.title, '')"
MESSAGE_SELECT = f"""
SELECT m.chat_id, m.message_id, m.root_message_id, m.reply_to_message_id, m.user_id,
    m.sender_chat_id, {AUTHOR} AS author, COALESCE(u.opted_out, 0) AS opted_out,
    m.kind, m.text, m.date, m.edited_at
FROM messages m
LEFT JOIN users u ON u.id = m.user_id
LEFT JOIN sender_chats s ON s.id = m.sender_chat_id
"""
CURIOSITY_SELECT = """
SELECT c.id, c.chat_id, c.user_id, COALESCE(u.first_name, '') AS author,
    COALESCE(u.opted_out, 0) AS opted_out, c.local_date, c.text, c.message_id, c.created_at
FROM curiosities c
LEFT JOIN users u ON u.id = c.user_id
"""
NOT_SILENCED = "NOT EXISTS (SELECT 1 FROM users WHERE id = :user_id AND (opted_out OR forgotten))"
MESSAGE_FIELDS = (
    "chat_id, message_id, root_message_id, reply_to_message_id, user_id, sender_chat_id, kind, "
    "text, date"
)
MESSAGE_VALUES = ", ".join(f":{name}" for name in MESSAGE_FIELDS.split(", "))
INSERT_MESSAGE = f"""
INSERT OR IGNORE INTO messages ({MESSAGE_FIELDS}) SELECT {MESSAGE_VALUES} WHERE {NOT_SILENCED}
"""
INSERT_INCOMING = f"INSERT INTO temp.incoming VALUES ({MESSAGE_VALUES})"
STORE_INCOMING = f"""
INSERT OR IGNORE INTO messages ({MESSAGE_FIELDS})
SELECT {MESSAGE_FIELDS} FROM temp.incoming AS i
WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = i.user_id AND (opted_out OR forgotten))
ORDER BY i.rowid
"""
# Newest first by rowid, which is arrival order: FTS5 walks its index backwards and stops at
# the limit, where ORDER BY date would fetch and sort every match in the chat.
SEARCH_MESSAGES = f"""
SELECT 'message' AS kind, m.chat_id, m.message_id, {AUTHOR} AS author,
    COALESCE(u.opted_out, 0) AS opted_out, m.text, m.date, NULL AS local_date
FROM messages_fts f
JOIN messages m ON m.id = f.rowid
LEFT JOIN users u ON u.id = m.user_id
LEFT JOIN sender_chats s ON s.id = m.sender_chat_id
WHERE messages_fts MATCH :match AND m.chat_id = :chat_id
ORDER BY f.rowid DESC LIMIT :limit
"""
SEARCH_CURIOSITIES = """
SELECT 'curiosity' AS kind, c.chat_id, c.message_id, COALESCE(u.first_name, '') AS author,
    COALESCE(u.opted_out, 0) AS opted_out, c.text, c.created_at AS date, c.local_date
FROM curiosities_fts f
JOIN curiosities c ON c.id = f.rowid
LEFT JOIN users u ON u.id = c.user_id
WHERE curiosities_fts MATCH :match AND c.chat_id = :chat_id
ORDER BY f.rowid DESC LIMIT :limit
"""
# Names are kept only while something refers to them, or while they hold a privacy choice.
DROP_ORPHAN_PEOPLE = """
DELETE FROM users WHERE NOT opted_out AND NOT forgotten
    AND NOT EXISTS (SELECT 1 FROM messages WHERE user_id = users.id)
    AND NOT EXISTS (SELECT 1 FROM curiosities WHERE user_id = users.id);
DELETE FROM sender_chats
    WHERE NOT EXISTS (SELECT 1 FROM messages WHERE sender_chat_id = sender_chats.id);
"""


class UnknownChatError(LookupError):
    """No chat with that id is in the archive."""


def fts_query(text: str, chat_id: int | None = None) -> str | None:
    """Return an FTS5 expression matching every word of ``text`` literally, or None if none.

    With ``chat_id``, the expression also asks for that chat's token, which the index holds.
    """
    words = [w for w in text.replace("\x00", " ").split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    # Each word becomes a quoted phrase, so FTS5 operators (AND, NEAR, *, -, ^, :) in user
    # input are searched for as text instead of being obeyed.
    phrases = " ".join('"' + w.replace('"', '""') + '"' for w in words[:MAX_SEARCH_TERMS])
    if chat_id is None:
        return phrases
    # The tokenizer drops the minus sign, so a group and a person can share a token; the
    # query's own chat_id condition keeps them apart.
    return f'chat_id : "{abs(chat_id)}" AND text : ({phrases})'


CHAT_FLAGS = ("is_forum", "paused", "active")
USER_FLAGS = ("opted_out", "forgotten")


def _bools(row: Row, *keys: str) -> Row:
    """SQLite keeps booleans as 0 and 1; callers get True and False."""
    for key in keys:
        row[key] = bool(row[key])
    return row


def _message_row(row: Row) -> Row:
    return _bools(row, "opted_out")


class Store:
    """The archive behind one sqlite-utils Database; every method is one short transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Deleted rows are overwritten with zeros, so forgotten words leave no bytes behind.
        db.execute("PRAGMA secure_delete = ON")
        if not db.memory:
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
        apply_migrations(db)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Return a store on that file (created and upgraded as needed) or on ':memory:'."""
        if str(path) == ":memory:":
            return cls(Database(memory=True))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)))

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _one(self, sql: str, params: Any = ()) -> Row | None:
        return next(self.db.query(sql, params), None)

    # chats

    def register_chat(
        self,
        chat_id: int,
        *,
        type: str,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
        now: int,
    ) -> Row:
        """Return the chat, created with default settings or updated from Telegram and active."""
        self.db.execute(
            """INSERT INTO chats (id, type, title, username, is_forum, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,
                username = excluded.username, is_forum = excluded.is_forum, active = 1""",
            (chat_id, type, title, username, int(is_forum), now),
        )
        return self._require_chat(chat_id)

    def get_chat(self, chat_id: int) -> Row | None:
        """Return the chat with its settings, or None."""
        row = self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return None if row is None else _bools(row, *CHAT_FLAGS)

    def _require_chat(self, chat_id: int) -> Row:
        chat = self.get_chat(chat_id)
        if chat is None:
            raise UnknownChatError(chat_id)
        return chat

    def active_chats(self) -> list[Row]:
        """Return every chat the bot is still in (paused ones included), by id."""
        rows = self.db.query("SELECT * FROM chats WHERE active ORDER BY id")
        return [_bools(row, *CHAT_FLAGS) for row in rows]

    def update_chat(self, chat_id: int, **settings: Any) -> Row:
        """Return the chat after changing those settings; ValueError names unknown ones."""
        unknown = set(settings) - CHAT_SETTINGS
        if unknown:
            raise ValueError(f"unknown chat settings: {', '.join(sorted(unknown))}")
        if settings:
            assignments = ", ".join(f"{name} = :{name}" for name in settings)
            self.db.execute(
                f"UPDATE chats SET {assignments} WHERE id = :chat_id",
                {**settings, "chat_id": chat_id},
            )
        return self._require_chat(chat_id)

    def set_active(self, chat_id: int, active: bool) -> None:
        """Mark whether the bot is still in the chat."""
        self.db.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

    def advance_corpus(self, chat_id: int, steps: int = 1) -> int:
        """Move the chat's place in the corpus on; return the position before the move."""
        row = self._one(
            "UPDATE chats SET corpus_position = corpus_position + ? WHERE id = ? "
            "RETURNING corpus_position",
            (steps, chat_id),
        )
        if row is None:
            raise UnknownChatError(chat_id)
        return int(row["corpus_position"]) - steps

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move every row of a chat to its new id in one transaction (no-op if old is unknown).

        If the new chat is already known, the old chat's settings are carried over and, where
        both hold the same post or message, the new chat's row is kept.
        """
        if old_id == new_id:
            return
        columns = [c.name for c in self.db["chats"].columns if c.name != "id"]
        carried = [c for c in columns if c not in CHAT_IDENTITY]
        kept_instead = 0
        with self.db.atomic():
            self.db.execute(
                f"""INSERT INTO chats (id, {", ".join(columns)})
                SELECT ?, {", ".join(columns)} FROM chats WHERE id = ?
                ON CONFLICT (id) DO UPDATE SET
                {", ".join(f"{c} = excluded.{c}" for c in carried)}""",
                (new_id, old_id),
            )
            for table in ("posts", "messages", "curiosities"):
                self.db.execute(
                    f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
                )
                kept_instead += self.db.execute(
                    f"DELETE FROM {table} WHERE chat_id = ?", (old_id,)
                ).rowcount
            self.db.execute("DELETE FROM chats WHERE id = ?", (old_id,))
        if kept_instead:
            logger.warning(
                "chat %s -> %s: kept %d rows the new chat already had",
                old_id,
                new_id,
                kept_instead,
            )

    # posts: the exactly-once claims

    def claim_post(
        self, chat_id: int, local_date: str, kind: str, *, now: int, passage_id: str | None = None
    ) -> bool:
        """Return True if this call won the (chat, day, kind) slot; False if it was taken."""
        if kind not in POST_KINDS:
            raise ValueError(f"unknown post kind {kind!r}")
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO posts (chat_id, local_date, kind, passage_id, claimed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (chat_id, local_date, kind, passage_id, now),
        )
        return cursor.rowcount == 1

    def reclaim_post(
        self,
        chat_id: int,
        local_date: str,
        kind: str,
        *,
        now: int,
        previous_claimed_at: int,
        passage_id: str | None = None,
    ) -> bool:
        """Return True if this call took over a stale or failed claim (compare-and-swap)."""
        cursor = self.db.execute(
            f"""UPDATE posts SET status = 'claimed', claimed_at = :now, error = NULL,
                passage_id = COALESCE(:passage_id, passage_id)
            WHERE {POST_KEY} AND status IN ('claimed', 'failed')
                AND claimed_at = :previous""",
            {
                **self._key(chat_id, local_date, kind),
                "now": now,
                "passage_id": passage_id,
                "previous": previous_claimed_at,
            },
        )
        return cursor.rowcount == 1

    @staticmethod
    def _key(chat_id: int, local_date: str, kind: str) -> Row:
        return {"chat_id": chat_id, "local_date": local_date, "kind": kind}

    def _record_sent(self, key: Row, sent: Row) -> bool:
        # An upsert, so a send is recorded even if its claim row went missing; recording it
        # again changes nothing. True only the first time.
        cursor = self.db.execute(
            """INSERT INTO posts (chat_id, local_date, kind, passage_id, message_id, thread_id,
                status, claimed_at, sent_at)
            VALUES (:chat_id, :local_date, :kind, :passage_id, :message_id, :thread_id,
                'sent', :sent_at, :sent_at)
            ON CONFLICT (chat_id, local_date, kind) DO UPDATE SET status = 'sent',
                message_id = excluded.message_id, thread_id = excluded.thread_id,
                sent_at = excluded.sent_at, error = NULL,
                passage_id = COALESCE(excluded.passage_id, passage_id)
            WHERE status != 'sent'""",
            {**key, **sent},
        )
        return cursor.rowcount == 1

    def mark_post_sent(
        self,
        chat_id: int,
        local_date: str,
        kind: str,
        *,
        message_id: int,
        sent_at: int,
        thread_id: int | None = None,
    ) -> None:
        """Record that a claimed post went out as ``message_id``."""
        sent = {"message_id": message_id, "sent_at": sent_at, "thread_id": thread_id}
        self._record_sent(self._key(chat_id, local_date, kind), {**sent, "passage_id": None})

    def record_passage_sent(
        self,
        chat_id: int,
        local_date: str,
        *,
        message_id: int,
        sent_at: int,
        thread_id: int | None = None,
        passage_id: str | None = None,
    ) -> None:
        """Record the day's passage as sent and move the chat's corpus place on, once."""
        key = self._key(chat_id, local_date, "passage")
        sent = {"message_id": message_id, "sent_at": sent_at, "thread_id": thread_id}
        with self.db.atomic():
            if self._record_sent(key, {**sent, "passage_id": passage_id}):
                self.advance_corpus(chat_id)

    def _set_status(self, key: Row, status: str, error: str | None = None) -> bool:
        # A sent post stays sent: marking it otherwise would let it be claimed and sent again.
        cursor = self.db.execute(
            f"UPDATE posts SET status = :status, error = :error "
            f"WHERE {POST_KEY} AND status != 'sent'",
            {**key, "status": status, "error": error},
        )
        return cursor.rowcount == 1

    def mark_post_failed(self, chat_id: int, local_date: str, kind: str, *, error: str) -> None:
        """Record why a claimed post could not be sent (it may be retried later)."""
        self._set_status(self._key(chat_id, local_date, kind), "failed", error)

    def mark_post_skipped(self, chat_id: int, local_date: str, kind: str) -> None:
        """Record that a claimed post had nothing to send and is done for that day."""
        self._set_status(self._key(chat_id, local_date, kind), "skipped")

    def skip_slot(self, chat_id: int, local_date: str, kind: str, *, now: int) -> bool:
        """Mark a slot skipped unless it is sent or in flight; True if this call skipped it."""
        cursor = self.db.execute(
            """INSERT INTO posts (chat_id, local_date, kind, status, claimed_at)
            VALUES (?, ?, ?, 'skipped', ?)
            ON CONFLICT (chat_id, local_date, kind) DO UPDATE SET status = 'skipped'
            WHERE status = 'failed'""",
            (chat_id, local_date, kind, now),
        )
        return cursor.rowcount == 1

    def release_claim(self, chat_id: int, local_date: str, kind: str) -> None:
        """Delete a claimed or failed post so that the slot can be claimed again."""
        self.db.execute(
            f"DELETE FROM posts WHERE {POST_KEY} AND status IN ('claimed', 'failed')",
            self._key(chat_id, local_date, kind),
        )

    def get_post(self, chat_id: int, local_date: str, kind: str) -> Row | None:
        """Return the post of that chat, day and kind, or None."""
        key = self._key(chat_id, local_date, kind)
        return self._one(f"SELECT {POST_COLUMNS} FROM posts WHERE {POST_KEY}", key)

    def post_by_message(self, chat_id: int, message_id: int) -> Row | None:
        """Return the passage post sent as that message, or None."""
        return self._one(
            f"SELECT {POST_COLUMNS} FROM posts "
            "WHERE chat_id = ? AND message_id = ? AND kind = 'passage'",
            (chat_id, message_id),
        )

    def last_post(self, chat_id: int, kind: str) -> Row | None:
        """Return the chat's latest post of that kind, whatever its status, or None."""
        return self._one(
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND kind = ? "
            "ORDER BY local_date DESC LIMIT 1",
            (chat_id, kind),
        )

    def latest_passage_in_topic(self, chat_id: int, thread_id: int) -> Row | None:
        """Return the latest passage sent into that forum topic, or None."""
        return self._one(
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND thread_id = ? "
            "AND kind = 'passage' AND status = 'sent' ORDER BY local_date DESC LIMIT 1",
            (chat_id, thread_id),
        )

    def posts_between(
        self, chat_id: int, first_date: str, last_date: str, kind: str = "passage"
    ) -> list[Row]:
        """Return the chat's posts of that kind from first_date to last_date inclusive, by date."""
        return list(
            self.db.query(
                f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND kind = ? "
                "AND local_date BETWEEN ? AND ? ORDER BY local_date",
                (chat_id, kind, first_date, last_date),
            )
        )

    # messages: the reply threads

    def _ensure_author(self, user_id: int | None, sender_chat_id: int | None) -> None:
        # A row to point at, even if the name was never seen; the name fills in later.
        if user_id is not None:
            self.db.execute("INSERT OR IGNORE INTO users (id) VALUES (?)", (user_id,))
        if sender_chat_id is not None:
            self.db.execute(
                "INSERT OR IGNORE INTO sender_chats (id) VALUES (?)", (sender_chat_id,)
            )

    @staticmethod
    def _message_params(message: Row) -> Row:
        return {
            "chat_id": message["chat_id"],
            "message_id": message["message_id"],
            "root_message_id": message["root_message_id"],
            "reply_to_message_id": message.get("reply_to_message_id"),
            "user_id": message.get("user_id"),
            "sender_chat_id": message.get("sender_chat_id"),
            "kind": message.get("kind") or "text",
            "text": message.get("text") or "",
            "date": message["date"],
        }

    def store_message(self, message: Row) -> bool:
        """Return True if the message is new and stored; False if known or its author silenced."""
        params = self._message_params(message)
        with self.db.atomic():
            self._ensure_author(params["user_id"], params["sender_chat_id"])
            return self.db.execute(INSERT_MESSAGE, params).rowcount == 1

    def store_messages(self, messages: Iterable[Row]) -> int:
        """Store many messages in one transaction, like store_message; return how many are new."""
        rows = [self._message_params(m) for m in messages]
        with self.db.atomic():
            # sqlite-utils has no executemany; the raw connection runs inside its transaction.
            users = {(r["user_id"],) for r in rows if r["user_id"] is not None}
            senders = {(r["sender_chat_id"],) for r in rows if r["sender_chat_id"] is not None}
            self.db.conn.executemany("INSERT OR IGNORE INTO users (id) VALUES (?)", users)
            self.db.conn.executemany("INSERT OR IGNORE INTO sender_chats (id) VALUES (?)", senders)
            self.db.execute(f"CREATE TEMP TABLE incoming ({MESSAGE_FIELDS})")
            self.db.conn.executemany(INSERT_INCOMING, rows)
            # One statement moves them all: FTS5 writes its buffered index at the end of every
            # statement, so row-by-row inserts would make a tiny index segment per message.
            stored = self.db.execute(STORE_INCOMING).rowcount
            self.db.execute("DROP TABLE temp.incoming")
        return stored

    def edit_message(self, chat_id: int, message_id: int, *, text: str, edited_at: int) -> bool:
        """Replace a stored message's text; True if a row changed (older edits are ignored)."""
        cursor = self.db.execute(
            """UPDATE messages SET text = :text, edited_at = :edited_at
            WHERE chat_id = :chat_id AND message_id = :message_id
                AND (edited_at IS NULL OR edited_at < :edited_at
                    OR (edited_at = :edited_at AND text != :text))""",
            {"chat_id": chat_id, "message_id": message_id, "text": text, "edited_at": edited_at},
        )
        return cursor.rowcount == 1

    def get_message(self, chat_id: int, message_id: int) -> Row | None:
        """Return a stored message with its author's name, or None."""
        row = self._one(
            f"{MESSAGE_SELECT} WHERE m.chat_id = ? AND m.message_id = ?", (chat_id, message_id)
        )
        return _message_row(row) if row else None

    def thread_root(self, chat_id: int, message_id: int) -> int | None:
        """Return the root of the thread holding that message (a passage post: itself), or None."""
        row = self._one(
            """SELECT root_message_id AS root FROM messages
            WHERE chat_id = :chat AND message_id = :id
            UNION ALL
            SELECT message_id FROM posts
            WHERE chat_id = :chat AND message_id = :id AND kind = 'passage'
            LIMIT 1""",
            {"chat": chat_id, "id": message_id},
        )
        return None if row is None else int(row["root"])

    def thread_messages(self, chat_id: int, root_message_id: int) -> list[Row]:
        """Return every stored message under that root, by (date, message_id)."""
        rows = self.db.query(
            f"{MESSAGE_SELECT} WHERE m.chat_id = ? AND m.root_message_id = ? "
            "ORDER BY m.date, m.message_id",
            (chat_id, root_message_id),
        )
        return [_message_row(row) for row in rows]

    def thread_of(self, chat_id: int, message_id: int) -> list[Row]:
        """Return the whole thread holding that message or post, or [] if it is in none."""
        root = self.thread_root(chat_id, message_id)
        return [] if root is None else self.thread_messages(chat_id, root)

    # people

    def upsert_user(self, user_id: int, *, first_name: str, username: str | None = None) -> None:
        """Remember a person's current name (nothing is kept for a forgotten person)."""
        self.db.execute(
            """INSERT INTO users (id, first_name, username) VALUES (?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,
                username = excluded.username
            WHERE NOT forgotten""",
            (user_id, first_name or "", username),
        )

    def upsert_sender_chat(self, chat_id: int, *, title: str | None) -> None:
        """Remember the name of a channel or anonymous admin that speaks as a chat."""
        self.db.execute(
            "INSERT INTO sender_chats (id, title) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET title = excluded.title",
            (chat_id, title or ""),
        )

    def get_user(self, user_id: int) -> Row | None:
        """Return what is kept about a person, or None."""
        row = self._one(
            "SELECT id, first_name, username, opted_out, forgotten FROM users WHERE id = ?",
            (user_id,),
        )
        return None if row is None else _bools(row, *USER_FLAGS)

    def is_silenced(self, user_id: int | None) -> bool:
        """Return True if the person opted out or was forgotten: store nothing of theirs."""
        user = self.get_user(user_id) if user_id is not None else None
        return bool(user and (user["opted_out"] or user["forgotten"]))

    def opt_out(self, user_id: int) -> None:
        """Stop keeping anything new from this person (what is stored stays)."""
        self.db.execute(
            "INSERT INTO users (id, opted_out) VALUES (?, 1) "
            "ON CONFLICT (id) DO UPDATE SET opted_out = 1",
            (user_id,),
        )

    def opt_in(self, user_id: int) -> None:
        """Keep this person's replies and curiosities again."""
        self.db.execute("UPDATE users SET opted_out = 0, forgotten = 0 WHERE id = ?", (user_id,))

    def forget_user(self, user_id: int) -> int:
        """Delete a person's messages and curiosities in every chat; return how many rows went."""
        with self.db.atomic():
            deleted = self.db.execute(
                "DELETE FROM messages WHERE user_id = ?", (user_id,)
            ).rowcount
            deleted += self.db.execute(
                "DELETE FROM curiosities WHERE user_id = ?", (user_id,)
            ).rowcount
            # The id stays, with no name, so that later updates from them are refused.
            self.db.execute(
                "INSERT INTO users (id, forgotten) VALUES (?, 1) ON CONFLICT (id) DO UPDATE "
                "SET first_name = '', username = NULL, forgotten = 1",
                (user_id,),
            )
        self._scrub(deleted)
        return deleted

    # curiosities

    def add_curiosity(
        self,
        chat_id: int,
        *,
        user_id: int | None,
        local_date: str,
        text: str,
        message_id: int | None = None,
        now: int,
    ) -> int | None:
        """Return the curiosity's id (the existing one for a known message); None if silenced."""
        params = {
            "chat_id": chat_id,
            "user_id": user_id,
            "local_date": local_date,
            "text": text,
            "message_id": message_id,
            "created_at": now,
        }
        with self.db.atomic():
            self._ensure_author(user_id, None)
            if self.is_silenced(user_id):
                return None
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO curiosities "
                "(chat_id, user_id, local_date, text, message_id, created_at) "
                "VALUES (:chat_id, :user_id, :local_date, :text, :message_id, :created_at)",
                params,
            )
            if cursor.rowcount == 1:
                return cursor.lastrowid
            row = self._one(
                "SELECT id FROM curiosities WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id),
            )
            return None if row is None else int(row["id"])

    def curiosities_between(self, chat_id: int, first_date: str, last_date: str) -> list[Row]:
        """Return the chat's curiosities of those local dates (inclusive), by created_at."""
        rows = self.db.query(
            f"{CURIOSITY_SELECT} WHERE c.chat_id = ? AND c.local_date BETWEEN ? AND ? "
            "ORDER BY c.created_at, c.id",
            (chat_id, first_date, last_date),
        )
        return [_message_row(row) for row in rows]

    # search, privacy, export

    def search(self, chat_id: int, query: str, limit: int = 20) -> list[Row]:
        """Return the chat's messages and curiosities holding every word of query, newest first."""
        match = fts_query(query, chat_id)
        if match is None or limit <= 0:
            return []
        limit = min(limit, MAX_SEARCH_RESULTS)
        params = {"match": match, "chat_id": chat_id, "limit": limit}
        rows = [
            *self.db.query(SEARCH_MESSAGES, params),
            *self.db.query(SEARCH_CURIOSITIES, params),
        ]
        rows.sort(key=lambda row: (row["date"], row["message_id"] or 0), reverse=True)
        return [_message_row(row) for row in rows[:limit]]

    def purge_chat(self, chat_id: int) -> None:
        """Delete the chat and everything stored from it."""
        with self.db.atomic():
            deleted = 0
            for table in ("messages", "curiosities", "posts"):
                deleted += self.db.execute(
                    f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,)
                ).rowcount
            self.db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))
            self.db.executescript(DROP_ORPHAN_PEOPLE)
        self._scrub(deleted)

    def apply_retention(self, days: int, *, now: int) -> int:
        """Delete messages and curiosities older than ``days`` (0 keeps all); return how many."""
        if days <= 0:
            return 0
        cutoff = now - days * DAY_SECONDS
        with self.db.atomic():
            deleted = self.db.execute("DELETE FROM messages WHERE date < ?", (cutoff,)).rowcount
            deleted += self.db.execute(
                "DELETE FROM curiosities WHERE created_at < ?", (cutoff,)
            ).rowcount
            self.db.executescript(DROP_ORPHAN_PEOPLE)
        self._scrub(deleted)
        return deleted

    def optimize_search(self) -> None:
        """Rewrite the search index as one segment: after a bulk load, or to drop deleted words."""
        for table in FTS_TABLES:
            self.db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")

    def _scrub(self, deleted: int) -> None:
        # A deletion only adds tombstones to the FTS5 index: the words stay in its older
        # segments until they are merged, so the index is rewritten without them. The WAL
        # file still holds old copies of the pages until a checkpoint moves it into the
        # database (where secure_delete has zeroed the freed pages) and truncates it.
        if deleted:
            self.optimize_search()
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def export_chat(self, chat_id: int) -> Row:
        """Return the chat's whole archive as plain JSON-serialisable data."""
        people = (
            "SELECT id, first_name, username, opted_out, forgotten FROM users WHERE id IN "
            "(SELECT user_id FROM messages WHERE chat_id = :chat "
            "UNION SELECT user_id FROM curiosities WHERE chat_id = :chat) ORDER BY id"
        )
        speakers = (
            "SELECT id, title FROM sender_chats WHERE id IN "
            "(SELECT sender_chat_id FROM messages WHERE chat_id = :chat) ORDER BY id"
        )
        posts = f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = :chat ORDER BY local_date, kind"
        messages = f"{MESSAGE_SELECT} WHERE m.chat_id = :chat ORDER BY m.date, m.message_id"
        chat = {"chat": chat_id}
        return {
            "chat": self.get_chat(chat_id),
            "posts": list(self.db.query(posts, chat)),
            "messages": [_message_row(row) for row in self.db.query(messages, chat)],
            "curiosities": self.curiosities_between(chat_id, "0000-00-00", "9999-99-99"),
            "users": [_bools(user, *USER_FLAGS) for user in self.db.query(people, chat)],
            "sender_chats": list(self.db.query(speakers, chat)),
        }
