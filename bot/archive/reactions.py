"""Voices without words: members' reactions to the day's talk, and the day's poll.

A reaction is kept only where the bot keeps talk: on a copy of a passage or on a stored message
of a thread. Each person's current reactions replace their earlier ones on that message; the
anonymous totals Telegram sends replace the message's earlier totals. Nothing of a person who
opted out or was forgotten is kept.

The poll belongs to the passage's day: it is made due when the passage is recorded, taken just
before it is sent, and never sent twice (a crash while Telegram had it leaves it 'lost').
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypedDict

from bot.archive.base import StoreBase
from bot.archive.people import PeopleMixin
from bot.core.updates import Author

# The root of the thread a message belongs to, if the bot keeps its talk: a passage copy's
# post, or a stored message's root.
ROOT_OF = """
SELECT root_message_id FROM post_messages WHERE chat_id = :chat AND message_id = :message
UNION ALL
SELECT root_message_id FROM messages WHERE chat_id = :chat AND message_id = :message
LIMIT 1
"""


class Reaction(TypedDict):
    """One person's reaction to one message of a day's thread."""

    message_id: int
    reaction: str
    user_id: int
    author: str


class ReactionCount(TypedDict):
    """Telegram's anonymous total of one reaction on one message."""

    message_id: int
    reaction: str
    total: int


class Poll(TypedDict):
    """A day's poll: where it stands, and the last totals seen, one per option."""

    chat_id: int
    local_date: str
    status: str  # 'due', 'sending', 'open', 'closed' or 'lost'
    poll_id: str | None
    message_id: int | None
    totals: list[int]
    changed_at: int


class ReactionsMixin(PeopleMixin, StoreBase):
    """Reactions and polls: kept, replaced, read for a day, forgotten with their person."""

    def root_of(self, chat_id: int, message_id: int) -> int | None:
        """Return the thread root a passage copy or stored message belongs to, or None."""
        row = self._one(ROOT_OF, {"chat": chat_id, "message": message_id})
        return None if row is None else int(row["root_message_id"])

    def keep_reactions(
        self, chat_id: int, message_id: int, author: Author, reactions: Sequence[str], *, now: int
    ) -> bool:
        """Replace a person's reactions to a message; False if they are not kept.

        Not kept: on a message outside the day's talk, or by someone silenced (opted out,
        forgotten) or speaking as a chat.
        """
        user_id = author.user_id
        if user_id is None or author.sender_chat_id is not None:
            return False
        with self.db.atomic():
            root = self.root_of(chat_id, message_id)
            if root is None or self.silenced_among([user_id]):
                return False
            self.remember_authors([author])
            self.db.execute(
                "DELETE FROM reactions WHERE chat_id = ? AND message_id = ? AND user_id = ?",
                (chat_id, message_id, user_id),
            )
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO reactions "
                "(chat_id, message_id, root_message_id, user_id, reaction, date) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(chat_id, message_id, root, user_id, r, now) for r in reactions],
            )
        return True

    def keep_reaction_counts(
        self, chat_id: int, message_id: int, counts: Sequence[tuple[str, int]], *, now: int
    ) -> bool:
        """Replace a message's anonymous totals; False if the message is outside the talk."""
        with self.db.atomic():
            root = self.root_of(chat_id, message_id)
            if root is None:
                return False
            self.db.execute(
                "DELETE FROM reaction_counts WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id),
            )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO reaction_counts "
                "(chat_id, message_id, root_message_id, reaction, total, date) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(chat_id, message_id, root, r, n, now) for r, n in counts if n > 0],
            )
        return True

    def reactions_under(self, chat_id: int, root_message_id: int) -> list[Reaction]:
        """Return every kept reaction in a day's thread, in the order they were made."""
        rows = self.db.query(
            "SELECT r.message_id, r.reaction, r.user_id, COALESCE(u.first_name, '') AS author "
            "FROM reactions r JOIN users u ON u.id = r.user_id "
            "WHERE r.chat_id = ? AND r.root_message_id = ? "
            "AND NOT (u.opted_out OR u.forgotten) ORDER BY r.date, r.rowid",
            (chat_id, root_message_id),
        )
        return [Reaction(**row) for row in rows]  # type: ignore[typeddict-item]

    def reaction_counts_under(self, chat_id: int, root_message_id: int) -> list[ReactionCount]:
        """Return the anonymous totals on every message of a day's thread."""
        rows = self.db.query(
            "SELECT message_id, reaction, total FROM reaction_counts "
            "WHERE chat_id = ? AND root_message_id = ? ORDER BY date, rowid",
            (chat_id, root_message_id),
        )
        return [ReactionCount(**row) for row in rows]  # type: ignore[typeddict-item]

    def drop_reactions_of(self, user_id: int) -> int:
        """Delete a person's reactions in every chat; return how many went."""
        return self.db.execute("DELETE FROM reactions WHERE user_id = ?", (user_id,)).rowcount

    def reactions_of_chat(self, chat_id: int) -> list[dict[str, object]]:
        """Return a chat's kept reactions for its export (silenced people have none kept)."""
        return list(
            self.db.query(
                "SELECT message_id, user_id, reaction, date FROM reactions WHERE chat_id = ? "
                "ORDER BY date, message_id",
                (chat_id,),
            )
        )

    # the day's poll

    def make_poll_due(self, chat_id: int, local_date: str, *, now: int) -> bool:
        """Make the day's poll due (with its passage); False if the day has one already."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO polls (chat_id, local_date, changed_at) VALUES (?, ?, ?)",
            (chat_id, local_date, now),
        )
        return cursor.rowcount == 1

    def take_poll(self, chat_id: int, local_date: str, *, now: int) -> bool:
        """Take a due poll for sending; False if it is not due (sent, taken, or none)."""
        cursor = self.db.execute(
            "UPDATE polls SET status = 'sending', changed_at = ? "
            "WHERE chat_id = ? AND local_date = ? AND status = 'due'",
            (now, chat_id, local_date),
        )
        return cursor.rowcount == 1

    def record_poll_sent(
        self, chat_id: int, local_date: str, *, poll_id: str, message_id: int, now: int
    ) -> None:
        """Record the poll Telegram accepted: it is open until the evening digest."""
        self.db.execute(
            "UPDATE polls SET status = 'open', poll_id = ?, message_id = ?, changed_at = ? "
            "WHERE chat_id = ? AND local_date = ?",
            (poll_id, message_id, now, chat_id, local_date),
        )

    def release_poll(self, chat_id: int, local_date: str, *, now: int) -> None:
        """Give a poll Telegram refused back to 'due', for the next try."""
        self.db.execute(
            "UPDATE polls SET status = 'due', changed_at = ? "
            "WHERE chat_id = ? AND local_date = ? AND status = 'sending'",
            (now, chat_id, local_date),
        )

    def lose_polls_in_flight(self) -> int:
        """At start: mark 'lost' the polls an earlier run was sending when it stopped.

        Telegram may have them, so they are never sent again.
        """
        return self.db.execute(
            "UPDATE polls SET status = 'lost' WHERE status = 'sending'"
        ).rowcount

    def give_up_poll(self, chat_id: int, local_date: str) -> None:
        """Drop a due poll whose day has moved on: a poll comes with its morning or not at all."""
        self.db.execute(
            "UPDATE polls SET status = 'lost' WHERE chat_id = ? AND local_date = ? "
            "AND status = 'due'",
            (chat_id, local_date),
        )

    def due_polls(self) -> list[Poll]:
        """Return the polls made due whose sending was cut short (a crash, a refusal)."""
        return self._polls("WHERE status = 'due' ORDER BY chat_id, local_date", ())

    def get_poll(self, chat_id: int, local_date: str) -> Poll | None:
        """Return the day's poll, or None if it had none."""
        polls = self._polls("WHERE chat_id = ? AND local_date = ?", (chat_id, local_date))
        return polls[0] if polls else None

    def note_poll_totals(self, poll_id: str, totals: Sequence[int], *, closed: bool) -> bool:
        """Keep a poll's latest totals (as Telegram sends them); False for a poll not ours."""
        status = ", status = 'closed'" if closed else ""
        cursor = self.db.execute(
            f"UPDATE polls SET totals = ?{status} WHERE poll_id = ?",
            (json.dumps(list(totals)), poll_id),
        )
        return cursor.rowcount == 1

    def close_poll(self, chat_id: int, local_date: str, totals: Sequence[int] | None) -> None:
        """Close the day's poll with its final totals, or its last seen ones (None)."""
        sql = "UPDATE polls SET status = 'closed'"
        params: tuple[object, ...] = ()
        if totals is not None:
            sql += ", totals = ?"
            params = (json.dumps(list(totals)),)
        self.db.execute(
            sql + " WHERE chat_id = ? AND local_date = ?", (*params, chat_id, local_date)
        )

    def _polls(self, where: str, params: tuple[object, ...]) -> list[Poll]:
        rows = self.db.query(
            "SELECT chat_id, local_date, status, poll_id, message_id, totals, changed_at "
            f"FROM polls {where}",
            params,
        )
        return [Poll(**{**row, "totals": json.loads(row["totals"])}) for row in rows]  # type: ignore[typeddict-item]
