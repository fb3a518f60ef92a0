"""The archive's chats: who the bot is in, their admins' settings, and each one's corpus place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from bot.archive.base import StoreBase, as_bools
from bot.archive.rows import Chat

CHAT_SETTINGS = frozenset(
    {
        "timezone", "post_time", "digest_time", "weekly_day", "weekly_time",
        "topic_thread_id", "paused", "quiet_day", "title", "is_forum", "language", "passages",
        "poll", "published",
    }
)  # fmt: skip
# A chat's identity comes from Telegram; everything else is what its admins chose, and moves
# with it when a group becomes a supergroup.
CHAT_IDENTITY = ("id", "type", "title", "username", "is_forum", "active", "topic_thread_id")
CHAT_FLAGS = ("is_forum", "paused", "active")
# Read by the store only: an archive inspected before its upgrade has no such column yet.
STORE_FLAGS = (*CHAT_FLAGS, "passages", "poll", "published")
FIRST_ID = -(2**63)  # below every chat id
CHATS_PAGE = 500


class UnknownChatError(LookupError):
    """No chat with that id is in the archive."""


class ChatsMixin(StoreBase):
    """Registering, reading and changing chats."""

    def register_chat(
        self,
        chat_id: int,
        *,
        type: str,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
        now: int,
    ) -> Chat:
        """Return the chat, created with default settings or updated from Telegram and active."""
        self.db.execute(
            """INSERT INTO chats (id, type, title, username, is_forum, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,
                username = excluded.username, is_forum = excluded.is_forum, active = 1""",
            (chat_id, type, title, username, int(is_forum), now),
        )
        return self._require_chat(chat_id)

    def get_chat(self, chat_id: int) -> Chat | None:
        """Return the chat with its settings, or None."""
        row = self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return None if row is None else cast(Chat, as_bools(row, *STORE_FLAGS))

    def _require_chat(self, chat_id: int) -> Chat:
        chat = self.get_chat(chat_id)
        if chat is None:
            raise UnknownChatError(chat_id)
        return chat

    def active_chats(self, *, after: int | None = None, limit: int = -1) -> list[Chat]:
        """Return the chats the bot is still in (paused ones included), by id: all of them, or
        a page of ``limit`` after the id ``after``."""
        rows = self.db.query(
            "SELECT * FROM chats WHERE active AND id > ? ORDER BY id LIMIT ?",
            (FIRST_ID if after is None else after, limit),
        )
        return [cast(Chat, as_bools(row, *STORE_FLAGS)) for row in rows]

    def each_active_chat(self, page: int = CHATS_PAGE) -> Iterator[Chat]:
        """Yield every active chat, by id, reading them a page at a time.

        Ten thousand chats' rows at once take some 10 MB, which Python keeps once it has them.
        """
        after = None
        while chats := self.active_chats(after=after, limit=page):
            yield from chats
            after = chats[-1]["id"]

    def update_chat(self, chat_id: int, **settings: Any) -> Chat:
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
