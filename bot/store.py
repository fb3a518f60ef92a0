"""The archive: chats, exactly-once posts, reply threads, curiosities, in one SQLite file.

Synchronous, sqlite-utils 4, no Telegram. Every query names one chat, except the privacy
operations that act on a person (forget, opt out) or on age (retention) across the archive.
The connection belongs to the thread that opened it; the async bot reaches it through
``bot.asyncstore.AsyncStore``, which gives it one worker thread.

``Store`` is one class built from a mixin per part of the archive: posts
(``bot.store_posts``), reply threads and search (``bot.store_messages``), and people and
privacy (``bot.store_people``). This module opens the database and keeps the chats.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.migrations import apply_migrations
from bot.store_base import Row, as_bools
from bot.store_messages import MessagesMixin, fts_query
from bot.store_people import PeopleMixin
from bot.store_posts import PostsMixin

__all__ = ["Store", "UnknownChatError", "fts_query"]

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
CHAT_SETTINGS = frozenset(
    {
        "timezone", "post_time", "digest_time", "weekly_day", "weekly_time",
        "topic_thread_id", "paused", "quiet_day", "title", "is_forum",
    }
)  # fmt: skip
# A chat's identity comes from Telegram; everything else is what its admins chose, and moves
# with it when a group becomes a supergroup.
CHAT_IDENTITY = ("id", "type", "title", "username", "is_forum", "active", "topic_thread_id")
CHAT_FLAGS = ("is_forum", "paused", "active")


class UnknownChatError(LookupError):
    """No chat with that id is in the archive."""


class Store(PostsMixin, MessagesMixin, PeopleMixin):
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
        return None if row is None else as_bools(row, *CHAT_FLAGS)

    def _require_chat(self, chat_id: int) -> Row:
        chat = self.get_chat(chat_id)
        if chat is None:
            raise UnknownChatError(chat_id)
        return chat

    def active_chats(self) -> list[Row]:
        """Return every chat the bot is still in (paused ones included), by id."""
        rows = self.db.query("SELECT * FROM chats WHERE active ORDER BY id")
        return [as_bools(row, *CHAT_FLAGS) for row in rows]

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

    def store_authored(self, message: Row, *, name: str, username: str | None = None) -> bool:
        """Remember the author's name and store the message, in one transaction; True if new.

        One call per incoming reply, so the event loop waits on the database thread once.
        """
        with self.db.atomic():
            if message.get("sender_chat_id") is not None:
                self.upsert_sender_chat(message["sender_chat_id"], title=name)
            elif message.get("user_id") is not None:
                self.upsert_user(message["user_id"], first_name=name, username=username)
            return self.store_message(message)

    def store_reply(self, message: Row, *, name: str, username: str | None = None) -> bool:
        """Store a reply whose parent is in one of our threads; False if it is not (or known).

        The thread is found from the parent: a stored reply or a passage post, or a member's
        curiosity (answering it joins that day's thread). One call, one trip to this thread.
        """
        chat_id, parent = message["chat_id"], message["reply_to_message_id"]
        root = self.thread_root(chat_id, parent) or self._curiosity_root(chat_id, parent)
        if root is None:
            return False
        row = {**message, "root_message_id": root}
        return self.store_authored(row, name=name, username=username)

    def _curiosity_root(self, chat_id: int, message_id: int) -> int | None:
        curiosity = self.curiosity_by_message(chat_id, message_id)
        if curiosity is None:
            return None
        post = self.get_post(chat_id, curiosity["local_date"], "passage")
        return post["message_id"] if post is not None else None

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
