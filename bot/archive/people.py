"""The archive's people: names, curiosities, and the privacy operations that leave no trace.

Opting out, forgetting, purging a chat, retention and export live here. Forgetting and opting
out act on a person and retention on age, in every chat at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import cast

from bot.archive.base import MESSAGE_SELECT, POST_COLUMNS, Row, as_authored, as_bools
from bot.archive.chats import ChatsMixin
from bot.archive.rows import Curiosity, Export, Person
from bot.archive.schema import FTS_TABLES
from bot.core.updates import Author

# A person who opted out or was forgotten keeps no new name: Telegram sends their current one
# with every message, and it would otherwise be stored again.
UPSERT_USER = """INSERT INTO users (id, first_name, username) VALUES (?, ?, ?)
ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, username = excluded.username
WHERE NOT opted_out AND NOT forgotten"""
UPSERT_SENDER_CHAT = """INSERT INTO sender_chats (id, title) VALUES (?, ?)
ON CONFLICT (id) DO UPDATE SET title = excluded.title"""

USER_FLAGS = ("opted_out", "forgotten")
# How an export lists a member who opted out (or was forgotten): data, not a message, so it is
# the same in every chat's language, like the export's field names.
OPTED_OUT_MEMBER = "a member who opted out"
CHAT_TABLES = (
    "messages", "curiosities", "post_messages", "posts", "reactions", "reaction_counts", "polls",
    "suggestions", "skipped_dates",
)  # fmt: skip
DAY_SECONDS = 86_400

CURIOSITY_SELECT = """
SELECT c.id, c.chat_id, c.user_id, COALESCE(u.first_name, '') AS author,
    COALESCE(u.opted_out, 0) AS opted_out, c.local_date, c.text, c.message_id, c.created_at
FROM curiosities c
LEFT JOIN users u ON u.id = c.user_id
"""
# Names are kept only while something refers to them, or while they hold a privacy choice.
DROP_ORPHAN_PEOPLE = """
DELETE FROM users WHERE NOT opted_out AND NOT forgotten
    AND NOT EXISTS (SELECT 1 FROM messages WHERE user_id = users.id)
    AND NOT EXISTS (SELECT 1 FROM curiosities WHERE user_id = users.id)
    AND NOT EXISTS (SELECT 1 FROM reactions WHERE user_id = users.id);
DELETE FROM sender_chats
    WHERE NOT EXISTS (SELECT 1 FROM messages WHERE sender_chat_id = sender_chats.id);
"""


class PeopleMixin(ChatsMixin):
    """Who spoke, what they allow, what they asked, and removing or exporting it all."""

    def upsert_user(self, user_id: int, *, first_name: str, username: str | None = None) -> None:
        """Remember a person's current name (nothing is kept for a forgotten person)."""
        self.db.execute(UPSERT_USER, (user_id, first_name or "", username))

    def upsert_sender_chat(self, chat_id: int, *, title: str | None) -> None:
        """Remember the name of a channel or anonymous admin that speaks as a chat."""
        self.db.execute(UPSERT_SENDER_CHAT, (chat_id, title or ""))

    def remember_authors(self, authors: Sequence[Author]) -> None:
        """Remember each author's current name, as upsert_user and upsert_sender_chat do."""
        people = [(a.user_id, a.name, a.username) for a in authors if a.sender_chat_id is None]
        self.db.conn.executemany(UPSERT_USER, [p for p in people if p[0] is not None])
        chats = [(a.sender_chat_id, a.name) for a in authors if a.sender_chat_id is not None]
        self.db.conn.executemany(UPSERT_SENDER_CHAT, chats)

    def silenced_among(self, user_ids: Iterable[int | None]) -> set[int]:
        """Return those of the people who opted out or were forgotten: nothing new of theirs
        is kept (the one place this rule is written)."""
        ids = [user_id for user_id in set(user_ids) if user_id is not None]
        marks = ", ".join("?" for _ in ids)
        rows = self.db.query(
            f"SELECT id FROM users WHERE id IN ({marks}) AND (opted_out OR forgotten)", ids
        )
        return {int(row["id"]) for row in rows}

    def get_user(self, user_id: int) -> Person | None:
        """Return what is kept about a person, or None."""
        row = self._one(
            "SELECT id, first_name, username, opted_out, forgotten FROM users WHERE id = ?",
            (user_id,),
        )
        return None if row is None else cast(Person, as_bools(row, *USER_FLAGS))

    def is_silenced(self, user_id: int | None) -> bool:
        """Return True if the person opted out or was forgotten: store nothing of theirs."""
        return user_id in self.silenced_among([user_id])

    def opt_out(self, user_id: int) -> None:
        """Stop keeping anything new from this person. What they wrote stays, unnamed; their
        reactions go, since a reaction kept would only ever say who they are."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO users (id, opted_out) VALUES (?, 1) "
                "ON CONFLICT (id) DO UPDATE SET opted_out = 1",
                (user_id,),
            )
            self.db.execute("DELETE FROM reactions WHERE user_id = ?", (user_id,))

    def opt_in(self, user_id: int) -> None:
        """Keep this person's replies and curiosities again."""
        self.db.execute("UPDATE users SET opted_out = 0, forgotten = 0 WHERE id = ?", (user_id,))

    def forget_user(self, user_id: int) -> int:
        """Delete a person's messages and curiosities in every chat, their digest and their
        private chat with the bot; return how many messages and curiosities went."""
        with self.db.atomic():
            deleted = self.db.execute(
                "DELETE FROM messages WHERE user_id = ?", (user_id,)
            ).rowcount
            deleted += self.db.execute(
                "DELETE FROM curiosities WHERE user_id = ?", (user_id,)
            ).rowcount
            self.db.execute("DELETE FROM reactions WHERE user_id = ?", (user_id,))
            self.db.execute("DELETE FROM personal_digests WHERE user_id = ?", (user_id,))
            # A suggestion already posted is the group's passage now: only its credit goes.
            deleted += self.db.execute(
                "DELETE FROM suggestions WHERE user_id = ? AND status != 'posted'", (user_id,)
            ).rowcount
            self.db.execute("UPDATE suggestions SET author = '' WHERE user_id = ?", (user_id,))
            # Their private chat has their id, and its row their name: it goes as a purge would.
            removed = self._delete_chat(user_id)
            # The id stays, with no name, so that later updates from them are refused.
            self.db.execute(
                "INSERT INTO users (id, forgotten) VALUES (?, 1) ON CONFLICT (id) DO UPDATE "
                "SET first_name = '', username = NULL, forgotten = 1",
                (user_id,),
            )
        self._scrub(deleted + removed)
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

    def curiosities_between(
        self, chat_id: int, first_date: str, last_date: str
    ) -> list[Curiosity]:
        """Return the chat's curiosities of those local dates (inclusive), by created_at."""
        rows = self.db.query(
            f"{CURIOSITY_SELECT} WHERE c.chat_id = ? AND c.local_date BETWEEN ? AND ? "
            "ORDER BY c.created_at, c.id",
            (chat_id, first_date, last_date),
        )
        return [cast(Curiosity, as_authored(row)) for row in rows]

    def curiosities_said_before(
        self, chat_id: int, first_date: str, before_date: str, per_day: int
    ) -> list[tuple[str, str]]:
        """Return (local date, text) of the chat's curiosities from first_date to the day before
        before_date, at most per_day of each day (its first), none by someone who opted out."""
        rows = self.db.execute(
            "SELECT local_date, text FROM ("
            "  SELECT c.local_date, c.text,"
            "    ROW_NUMBER() OVER (PARTITION BY c.local_date ORDER BY c.created_at, c.id) AS n"
            "  FROM curiosities c LEFT JOIN users u ON u.id = c.user_id"
            "  WHERE c.chat_id = ? AND c.local_date >= ? AND c.local_date < ?"
            "    AND NOT COALESCE(u.opted_out, 0)"
            ") WHERE n <= ? ORDER BY local_date",
            (chat_id, first_date, before_date, per_day),
        ).fetchall()
        return [(str(day), str(text)) for day, text in rows]

    def curiosity_by_message(self, chat_id: int, message_id: int) -> Curiosity | None:
        """Return the curiosity recorded from that message, or None."""
        row = self._one(
            f"{CURIOSITY_SELECT} WHERE c.chat_id = ? AND c.message_id = ?", (chat_id, message_id)
        )
        return None if row is None else cast(Curiosity, as_authored(row))

    def curiosities_answered(self, chat_id: int, message_ids: Sequence[int]) -> list[Curiosity]:
        """Return the chat's curiosities sent as any of those messages (what replies answer)."""
        if not message_ids:
            return []
        marks = ", ".join("?" for _ in message_ids)
        rows = self.db.query(
            f"{CURIOSITY_SELECT} WHERE c.chat_id = ? AND c.message_id IN ({marks}) "
            "ORDER BY c.created_at",
            (chat_id, *message_ids),
        )
        return [cast(Curiosity, as_authored(row)) for row in rows]

    def curiosity_holding(self, chat_id: int, text: str) -> Curiosity | None:
        """Return the chat's newest curiosity whose text contains ``text``, or None."""
        row = self._one(
            f"{CURIOSITY_SELECT} WHERE c.chat_id = ? AND instr(c.text, ?) > 0 "
            "ORDER BY c.id DESC LIMIT 1",
            (chat_id, text),
        )
        return None if row is None else cast(Curiosity, as_authored(row))

    # privacy, export

    def purge_chat(self, chat_id: int) -> None:
        """Delete the chat and everything stored from it."""
        with self.db.atomic():
            deleted = self._delete_chat(chat_id)
            self.db.executescript(DROP_ORPHAN_PEOPLE)
        self._scrub(deleted)

    def _delete_chat(self, chat_id: int) -> int:
        """Delete a chat's row and every row stored from it; return how many rows went."""
        deleted = 0
        for table in CHAT_TABLES:
            deleted += self.db.execute(
                f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,)
            ).rowcount
        self.db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))
        return deleted

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
            for table in ("reactions", "reaction_counts"):
                self.db.execute(f"DELETE FROM {table} WHERE date < ?", (cutoff,))
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

    def export_chat(self, chat_id: int) -> Export:
        """Return the chat's whole archive as plain JSON-serialisable data.

        Nothing of a member who opted out (or was forgotten) is in it, as digests name nothing
        of theirs: their messages and curiosities are left out, not kept with blank text (whose
        dates, replies and ids would still say who spoke when), and they are listed as
        OPTED_OUT_MEMBER, with no id, name or username.
        """
        people = (
            "SELECT id, first_name, username, opted_out, forgotten FROM users WHERE id IN "
            "(SELECT user_id FROM messages WHERE chat_id = :chat "
            "UNION SELECT user_id FROM curiosities WHERE chat_id = :chat "
            "UNION SELECT user_id FROM reactions WHERE chat_id = :chat) "
            "ORDER BY opted_out OR forgotten, id"
        )
        speakers = (
            "SELECT id, title FROM sender_chats WHERE id IN "
            "(SELECT sender_chat_id FROM messages WHERE chat_id = :chat) ORDER BY id"
        )
        posts = f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = :chat ORDER BY local_date, kind"
        messages = (
            f"{MESSAGE_SELECT} WHERE m.chat_id = :chat "
            "AND NOT COALESCE(u.opted_out OR u.forgotten, 0) ORDER BY m.date, m.message_id"
        )
        # Kept reactions are never a silenced person's: opting out and forgetting delete them.
        reactions = (
            "SELECT message_id, user_id, reaction, date FROM reactions WHERE chat_id = :chat "
            "ORDER BY date, message_id, user_id"
        )
        counts = (
            "SELECT message_id, reaction, total FROM reaction_counts WHERE chat_id = :chat "
            "ORDER BY message_id, reaction"
        )
        polls = (
            "SELECT local_date, status, message_id, totals FROM polls WHERE chat_id = :chat "
            "ORDER BY local_date"
        )
        chat = {"chat": chat_id}
        curiosities = self.curiosities_between(chat_id, "0000-00-00", "9999-99-99")
        # A posted suggestion is the group's passage; of a member who opted out, it stays
        # without their name, and nothing else of theirs is listed.
        silenced = "COALESCE(u.opted_out OR u.forgotten, 0)"
        suggestions = (
            "SELECT s.number, s.status, s.passage, s.counterpoint, s.posted_on, "
            f"CASE WHEN {silenced} THEN '' ELSE s.author END AS author "
            "FROM suggestions s LEFT JOIN users u ON u.id = s.user_id WHERE s.chat_id = :chat "
            f"AND (s.status = 'posted' OR NOT {silenced}) ORDER BY s.number"
        )
        return {
            "chat": self.get_chat(chat_id),
            "posts": list(self.db.query(posts, chat)),
            "messages": [as_authored(row) for row in self.db.query(messages, chat)],
            "curiosities": [c for c in curiosities if not c["opted_out"]],
            "users": [_exported_person(user) for user in self.db.query(people, chat)],
            "sender_chats": list(self.db.query(speakers, chat)),
            "suggestions": list(self.db.query(suggestions, chat)),
            "reactions": list(self.db.query(reactions, chat)),
            "reaction_counts": list(self.db.query(counts, chat)),
            "polls": [
                {**p, "totals": json.loads(p["totals"])} for p in self.db.query(polls, chat)
            ],
        }


def _exported_person(row: Row) -> Row:
    """Return a person as an export shows them: nothing of theirs if they opted out."""
    person = as_bools(row, *USER_FLAGS)
    if person["opted_out"] or person["forgotten"]:
        return {**person, "id": None, "first_name": OPTED_OUT_MEMBER, "username": None}
    return person
