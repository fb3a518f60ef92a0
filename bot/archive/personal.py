"""The archive's personal digests: who asked for which group's digest, when, and refusals.

A person has one time and zone for all their personal digests, and a list of groups. When
Telegram refuses to write to them (they never started a private chat with the bot, or blocked
it), ``refused_at`` is set and nothing is tried until they start it again.
"""

from __future__ import annotations

from typing import cast

from bot.archive.chats import ChatsMixin
from bot.archive.rows import Chat, PersonalDigest

READER_COLUMNS = "user_id, timezone, digest_time, since, refused_at"


class PersonalMixin(ChatsMixin):
    """Personal digest settings, their groups, and the private chat their claims live under."""

    def set_personal_digest(
        self,
        user_id: int,
        chat_id: int,
        *,
        now: int,
        timezone: str | None = None,
        digest_time: str | None = None,
    ) -> PersonalDigest:
        """Add the group to the person's digest, with a new time or zone if given."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO personal_digests (user_id, timezone, digest_time, since) "
                "VALUES (?, ?, ?, ?)",
                (user_id, timezone or "UTC", digest_time or "21:00", now),
            )
            # Asking again is a fresh start: a refusal is tried once more.
            self.db.execute(
                """UPDATE personal_digests SET timezone = COALESCE(:timezone, timezone),
                    digest_time = COALESCE(:digest_time, digest_time), refused_at = NULL,
                    since = CASE WHEN :timezone IS NULL AND :digest_time IS NULL
                        THEN since ELSE :now END
                WHERE user_id = :user_id""",
                {"user_id": user_id, "timezone": timezone, "digest_time": digest_time, "now": now},
            )
            self.add_personal_chat(user_id, chat_id)
        found = self.get_personal_digest(user_id)
        assert found is not None
        return found

    def add_personal_chat(self, user_id: int, chat_id: int) -> None:
        """Add a group to a person's existing digest (no-op if it is there already)."""
        self.db.execute(
            "INSERT OR IGNORE INTO personal_digest_chats (user_id, chat_id) VALUES (?, ?)",
            (user_id, chat_id),
        )

    def stop_personal_digest(self, user_id: int, chat_id: int | None = None) -> bool:
        """Drop one group (or all) from the person's digest; True if there was one to drop.

        A person left with no group is deleted: nothing is kept about them for nothing.
        """
        with self.db.atomic():
            where, params = "user_id = ?", [user_id]
            if chat_id is not None:
                where, params = f"{where} AND chat_id = ?", [user_id, chat_id]
            dropped = self.db.execute(
                f"DELETE FROM personal_digest_chats WHERE {where}", params
            ).rowcount
            self.db.execute(
                "DELETE FROM personal_digests WHERE user_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM personal_digest_chats WHERE user_id = ?)",
                (user_id, user_id),
            )
        return dropped > 0

    def get_personal_digest(self, user_id: int) -> PersonalDigest | None:
        """Return the person's digest settings and groups, or None if they asked for none."""
        row = self._one(
            f"SELECT {READER_COLUMNS} FROM personal_digests WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        chats = self.db.query(
            "SELECT chat_id FROM personal_digest_chats WHERE user_id = ? ORDER BY chat_id",
            (user_id,),
        )
        return cast(PersonalDigest, {**row, "chat_ids": [r["chat_id"] for r in chats]})

    def personal_readers(self) -> list[PersonalDigest]:
        """Return every person with a digest to send: a group to send, and no refusal."""
        rows = self.db.query(
            f"SELECT {READER_COLUMNS} FROM personal_digests p WHERE refused_at IS NULL "
            "AND EXISTS (SELECT 1 FROM personal_digest_chats c WHERE c.user_id = p.user_id) "
            "ORDER BY user_id"
        )
        return [cast(PersonalDigest, {**row, "chat_ids": []}) for row in rows]

    def personal_readers_of(self, chat_id: int) -> list[int]:
        """Return the ids of people who get this group's digest in private."""
        rows = self.db.query(
            "SELECT user_id FROM personal_digest_chats WHERE chat_id = ? ORDER BY user_id",
            (chat_id,),
        )
        return [row["user_id"] for row in rows]

    def personal_chats(self, user_id: int) -> list[Chat]:
        """Return the groups whose digest the person gets that the bot is still in."""
        found = self.get_personal_digest(user_id)
        chats = [self.get_chat(chat_id) for chat_id in found["chat_ids"]] if found else []
        return [chat for chat in chats if chat is not None and chat["active"]]

    def refuse_personal_digest(self, user_id: int, *, now: int) -> None:
        """Record that Telegram refused to write to the person: stop trying until /start."""
        self.db.execute(
            "UPDATE personal_digests SET refused_at = ? WHERE user_id = ?", (now, user_id)
        )

    def resume_personal_digest(self, user_id: int) -> PersonalDigest | None:
        """Clear a refusal (the person started a private chat); return their digest, if any."""
        self.db.execute(
            "UPDATE personal_digests SET refused_at = NULL WHERE user_id = ?", (user_id,)
        )
        return self.get_personal_digest(user_id)

    def ensure_private_chat(self, user_id: int, *, now: int, language: str | None = None) -> None:
        """Make sure the person's private chat has a row for their claims and their language.

        A row made here is inactive and asks for no passage: asking for a digest does not sign
        anyone up for the morning passages in private. A private chat the person already uses
        keeps its settings, and takes ``language`` only if it has none yet.
        """
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO chats "
                "(id, type, active, passages, quiet_day, language, created_at) "
                "VALUES (?, 'private', 0, 0, 'silent', ?, ?)",
                (user_id, language, now),
            )
            if language is not None:
                self.db.execute(
                    "UPDATE chats SET language = ? WHERE id = ? AND language IS NULL",
                    (language, user_id),
                )

    def claim_greeting(self, user_id: int, *, now: int) -> bool:
        """Record that the person was greeted in private; True if they never were before.

        The one hello is remembered here, not in memory, so a restart never says it twice.
        """
        cursor = self.db.execute(
            "UPDATE chats SET greeted_at = ? WHERE id = ? AND greeted_at IS NULL",
            (now, user_id),
        )
        return cursor.rowcount == 1

    def forget_greeting(self, user_id: int) -> None:
        """Take back a greeting Telegram refused: the person never saw it."""
        self.db.execute("UPDATE chats SET greeted_at = NULL WHERE id = ?", (user_id,))
