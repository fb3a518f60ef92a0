"""The archive's suggestions and skipped dates: what members propose, what admins decide.

A suggestion is numbered in its chat (#1, #2, ...) and goes pending -> approved -> posted, or
pending -> declined. A decision is a compare-and-swap on the status, so a second press of a
button, or two admins at once, change nothing. Posting is recorded with the passage post, in
one transaction (``PostsMixin.record_passage_sent``), so it happens once.
"""

from __future__ import annotations

from typing import Literal, TypedDict, cast

from bot.archive.base import StoreBase

SuggestionStatus = Literal["pending", "approved", "declined", "posted"]
OPEN_STATUSES = ("pending", "approved")
SUGGESTION_COLUMNS = (
    "chat_id, number, user_id, author, passage, counterpoint, status, close_to, reason, "
    "created_at, decided_at, decided_by, turn, posted_on, prompt_message_id"
)


class Suggestion(TypedDict):
    """A passage a member suggested, with what became of it."""

    chat_id: int
    number: int
    user_id: int | None
    author: str
    passage: str
    counterpoint: str
    status: SuggestionStatus
    close_to: str | None  # the passage id of the book, or 'suggestion:N', it is close to
    reason: str | None
    created_at: int
    decided_at: int | None
    decided_by: int | None
    turn: int | None  # approved ones go out in this order
    posted_on: str | None
    prompt_message_id: int | None


class SuggestionsMixin(StoreBase):
    """Suggestions in a chat, their decisions, and the chat's skipped dates."""

    def add_suggestion(
        self,
        chat_id: int,
        *,
        user_id: int | None,
        author: str,
        passage: str,
        counterpoint: str = "",
        close_to: str | None = None,
        now: int,
    ) -> Suggestion:
        """Return the new suggestion, numbered after the chat's last one."""
        with self.db.atomic():
            row = self._one(
                "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM suggestions WHERE chat_id = ?",
                (chat_id,),
            )
            number = int(row["next"]) if row else 1
            self.db.execute(
                "INSERT INTO suggestions (chat_id, number, user_id, author, passage, "
                "counterpoint, close_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (chat_id, number, user_id, author, passage, counterpoint, close_to, now),
            )
        found = self.get_suggestion(chat_id, number)
        assert found is not None
        return found

    def get_suggestion(self, chat_id: int, number: int) -> Suggestion | None:
        """Return the chat's suggestion of that number, or None."""
        return cast(
            Suggestion | None,
            self._one(
                f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE chat_id = ? AND number = ?",
                (chat_id, number),
            ),
        )

    def suggestions_with(self, chat_id: int, *statuses: SuggestionStatus) -> list[Suggestion]:
        """Return the chat's suggestions of those statuses: the approved ones in their turn,
        then the others by number."""
        marks = ", ".join("?" for _ in statuses)
        return cast(
            list[Suggestion],
            list(
                self.db.query(
                    f"SELECT {SUGGESTION_COLUMNS} FROM suggestions "
                    f"WHERE chat_id = ? AND status IN ({marks}) "
                    "ORDER BY COALESCE(turn, number + 1e9), number",
                    (chat_id, *statuses),
                )
            ),
        )

    def approved_queue(self, chat_id: int) -> list[Suggestion]:
        """Return the approved suggestions not yet posted, in the order they go out."""
        return self.suggestions_with(chat_id, "approved")

    def add_counterpoint(self, chat_id: int, number: int, text: str) -> Suggestion | None:
        """Set the counterpoint of a suggestion not yet posted or declined; None if none such."""
        self.db.execute(
            "UPDATE suggestions SET counterpoint = ? WHERE chat_id = ? AND number = ? "
            "AND status IN ('pending', 'approved')",
            (text, chat_id, number),
        )
        found = self.get_suggestion(chat_id, number)
        return found if found is not None and found["counterpoint"] == text else None

    def decide_suggestion(
        self, chat_id: int, number: int, status: SuggestionStatus, *, by: int | None, now: int
    ) -> bool:
        """Approve or decline a pending suggestion; True only for the call that decided it."""
        if status not in ("approved", "declined"):
            raise ValueError(f"a decision approves or declines, not {status!r}")
        # An approved one takes the next turn: the order they were approved in, to the press.
        cursor = self.db.execute(
            "UPDATE suggestions SET status = :status, decided_at = :now, decided_by = :by, "
            "turn = CASE WHEN :status = 'approved' THEN (SELECT COALESCE(MAX(turn), 0) + 1 "
            "FROM suggestions WHERE chat_id = :chat_id) END "
            "WHERE chat_id = :chat_id AND number = :number AND status = 'pending'",
            {"status": status, "now": now, "by": by, "chat_id": chat_id, "number": number},
        )
        return cursor.rowcount == 1

    def give_reason(self, chat_id: int, number: int, reason: str) -> bool:
        """Record why a declined suggestion was declined; True only if it had no reason yet."""
        cursor = self.db.execute(
            "UPDATE suggestions SET reason = ? WHERE chat_id = ? AND number = ? "
            "AND status = 'declined' AND reason IS NULL",
            (reason, chat_id, number),
        )
        return cursor.rowcount == 1

    def note_prompt(self, chat_id: int, number: int, message_id: int) -> None:
        """Remember the bot's message asking why a suggestion was declined."""
        self.db.execute(
            "UPDATE suggestions SET prompt_message_id = ? WHERE chat_id = ? AND number = ?",
            (message_id, chat_id, number),
        )

    def suggestion_prompted_by(self, chat_id: int, message_id: int) -> Suggestion | None:
        """Return the suggestion whose decline prompt is that message, or None."""
        return cast(
            Suggestion | None,
            self._one(
                f"SELECT {SUGGESTION_COLUMNS} FROM suggestions "
                "WHERE chat_id = ? AND prompt_message_id = ?",
                (chat_id, message_id),
            ),
        )

    # skipped dates

    def skip_date(self, chat_id: int, local_date: str, *, now: int) -> bool:
        """Mark a local date skipped; True if it was not already."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO skipped_dates (chat_id, local_date, created_at) "
            "VALUES (?, ?, ?)",
            (chat_id, local_date, now),
        )
        return cursor.rowcount == 1

    def unskip_date(self, chat_id: int, local_date: str) -> bool:
        """Let a skipped date bring its post again; True if it was skipped."""
        cursor = self.db.execute(
            "DELETE FROM skipped_dates WHERE chat_id = ? AND local_date = ?",
            (chat_id, local_date),
        )
        return cursor.rowcount == 1

    def skipped_dates(self, chat_id: int, since: str) -> list[str]:
        """Return the chat's skipped local dates from ``since`` on, in order."""
        rows = self.db.query(
            "SELECT local_date FROM skipped_dates WHERE chat_id = ? AND local_date >= ? "
            "ORDER BY local_date",
            (chat_id, since),
        )
        return [str(row["local_date"]) for row in rows]
