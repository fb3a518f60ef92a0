"""The archive's posts: one passage, digest and weekly digest per chat and local day, sent once.

A slot is claimed by ``INSERT OR IGNORE`` against UNIQUE(chat_id, local_date, kind), so two
processes racing for it cannot both win; a sent post is never claimed, failed or skipped again.
"""

from __future__ import annotations

from typing import cast

from bot.archive.base import POST_COLUMNS, Row
from bot.archive.chats import ChatsMixin
from bot.archive.rows import Post
from bot.core.agenda import suggestion_number
from bot.core.text import CLAIM_KINDS

POST_KEY = "chat_id = :chat_id AND local_date = :local_date AND kind = :kind"


class PostsMixin(ChatsMixin):
    """The exactly-once claims and what became of each post."""

    def claim_post(
        self, chat_id: int, local_date: str, kind: str, *, now: int, passage_id: str | None = None
    ) -> bool:
        """Return True if this call won the (chat, day, kind) slot; False if it was taken."""
        if kind not in CLAIM_KINDS:
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
                self._move_on(chat_id, local_date, passage_id)
            # Sent again after a crash, the passage has a second copy: both lead to one thread.
            post = self.get_post(chat_id, local_date, "passage")
            root = post["message_id"] if post and post["message_id"] else message_id
            how = "post" if root == message_id else "resend"
            self.record_post_copy(chat_id, message_id, root_message_id=root, how=how)

    def _move_on(self, chat_id: int, local_date: str, passage_id: str | None) -> None:
        """After a post: a suggestion is posted (the book keeps its place), else the book
        moves on."""
        number = suggestion_number(passage_id)
        if number is None:
            self.advance_corpus(chat_id)
            return
        self.db.execute(
            "UPDATE suggestions SET status = 'posted', posted_on = ? "
            "WHERE chat_id = ? AND number = ? AND status = 'approved'",
            (local_date, chat_id, number),
        )

    def record_post_copy(
        self, chat_id: int, message_id: int, *, root_message_id: int, how: str
    ) -> bool:
        """Record that a passage also went out as ``message_id``; True if that is news.

        ``how`` says which road: 'post', 'resend', 'today' (a /today copy), or 'recognised'
        (a copy whose id was never recorded, found from a reply to it).
        """
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO post_messages (chat_id, message_id, root_message_id, how) "
            "VALUES (?, ?, ?, ?)",
            (chat_id, message_id, root_message_id, how),
        )
        return cursor.rowcount == 1

    def copies_of(self, chat_id: int, root_message_id: int) -> list[int]:
        """Return the message ids a day's passage went out as (its post, resends, /today)."""
        rows = self.db.query(
            "SELECT message_id FROM post_messages WHERE chat_id = ? AND root_message_id = ?",
            (chat_id, root_message_id),
        )
        return [int(row["message_id"]) for row in rows]

    def post_copies(self, chat_id: int) -> dict[str, int]:
        """Return how many passage copies the chat has, by road."""
        rows = self.db.query(
            "SELECT how, COUNT(*) AS n FROM post_messages WHERE chat_id = ? GROUP BY how",
            (chat_id,),
        )
        return {str(row["how"]): int(row["n"]) for row in rows}

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

    def get_post(self, chat_id: int, local_date: str, kind: str) -> Post | None:
        """Return the post of that chat, day and kind, or None."""
        key = self._key(chat_id, local_date, kind)
        return self._post(f"SELECT {POST_COLUMNS} FROM posts WHERE {POST_KEY}", key)

    def _post(self, sql: str, params: Row | tuple[object, ...]) -> Post | None:
        return cast(Post | None, self._one(sql, params))

    def last_sent_at(self, chat_id: int, kind: str, *, other_than: str = "") -> int | None:
        """Return when the chat's latest post of that kind went out (for another local date
        than ``other_than``, if given); None if none has."""
        row = self._one(
            "SELECT MAX(sent_at) AS sent_at FROM posts WHERE chat_id = ? AND kind = ? "
            "AND status = 'sent' AND local_date != ?",
            (chat_id, kind, other_than),
        )
        return int(row["sent_at"]) if row and row["sent_at"] is not None else None

    def sent_since(self, chat_id: int, since: int) -> list[Post]:
        """Return the chat's posts sent at or after unix time ``since``, oldest first."""
        return cast(
            list[Post],
            list(
                self.db.query(
                    f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND status = 'sent' "
                    "AND sent_at >= ? ORDER BY sent_at",
                    (chat_id, since),
                )
            ),
        )

    def redate_post(self, chat_id: int, kind: str, old_date: str, new_date: str) -> bool:
        """Move a post to another local date; False (and no change) if that date has one."""
        cursor = self.db.execute(
            "UPDATE OR IGNORE posts SET local_date = ? "
            "WHERE chat_id = ? AND kind = ? AND local_date = ?",
            (new_date, chat_id, kind, old_date),
        )
        return cursor.rowcount == 1

    def post_by_message(self, chat_id: int, message_id: int) -> Post | None:
        """Return the passage post sent as that message, or None."""
        return self._post(
            f"SELECT {POST_COLUMNS} FROM posts "
            "WHERE chat_id = ? AND message_id = ? AND kind = 'passage'",
            (chat_id, message_id),
        )

    def digest_by_message(self, chat_id: int, message_id: int) -> Post | None:
        """Return the daily or weekly digest whose first part was that message, or None."""
        return self._post(
            f"SELECT {POST_COLUMNS} FROM posts "
            "WHERE chat_id = ? AND message_id = ? AND kind IN ('digest', 'weekly')",
            (chat_id, message_id),
        )

    def last_post(self, chat_id: int, kind: str) -> Post | None:
        """Return the chat's latest post of that kind, whatever its status, or None."""
        return self._post(
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND kind = ? "
            "ORDER BY local_date DESC LIMIT 1",
            (chat_id, kind),
        )

    def latest_passage_in_topic(self, chat_id: int, thread_id: int) -> Post | None:
        """Return the latest passage sent into that forum topic, or None."""
        return self._post(
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND thread_id = ? "
            "AND kind = 'passage' AND status = 'sent' ORDER BY local_date DESC LIMIT 1",
            (chat_id, thread_id),
        )

    def posts_between(
        self, chat_id: int, first_date: str, last_date: str, kind: str = "passage"
    ) -> list[Post]:
        """Return the chat's posts of that kind from first_date to last_date inclusive, by date."""
        return cast(
            list[Post],
            list(
                self.db.query(
                    f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND kind = ? "
                    "AND local_date BETWEEN ? AND ? ORDER BY local_date",
                    (chat_id, kind, first_date, last_date),
                )
            ),
        )

    def earlier_passage(self, chat_id: int, passage_id: str, before: str) -> Post | None:
        """Return the chat's latest sent post of that passage before a local date, or None."""
        return self._post(
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND kind = 'passage' "
            "AND passage_id = ? AND status = 'sent' AND message_id IS NOT NULL "
            "AND local_date < ? ORDER BY local_date DESC LIMIT 1",
            (chat_id, passage_id, before),
        )
