"""The inbox: every update from Telegram, kept raw until it is handled.

A fetched batch is written in one transaction before Telegram is told it arrived, so a crash
between fetching and handling loses nothing. Handling an update drops its text at once; the
bare id stays a while longer, so that Telegram delivering it again is recognised and ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from bot.archive.base import StoreBase

# Telegram keeps an unconfirmed update for 24 hours; an id is remembered for twice that.
HANDLED_KEPT_SECONDS = 2 * 24 * 3600


class InboxMixin(StoreBase):
    """Raw updates on their way in: recorded, handled, pruned."""

    def record_updates(self, updates: Sequence[tuple[int, str]], *, now: int) -> list[int]:
        """Record (update_id, JSON) pairs in one transaction; return the ids already handled."""
        if not updates:
            return []
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                [(update_id, payload, now) for update_id, payload in updates],
            )
            return self._handled_before([update_id for update_id, _ in updates], now=now)

    def record_answer_updates(
        self, answer: str, update_ids: Sequence[int], *, now: int
    ) -> list[int]:
        """Record each update of a raw getUpdates answer (its ``result``, holding update_ids)
        as its own JSON text, as record_updates does; return the ids already handled.

        SQLite takes each update's text out of the answer, in one statement: no update is
        written as JSON again, one by one, on the writer thread.
        """
        if not update_ids:
            return []
        with self.transaction():
            self.db.conn.execute(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) "
                "SELECT json_extract(value, '$.update_id'), value, ? "
                "FROM json_each(?, '$.result')",
                (now, answer),
            )
            return self._handled_before(update_ids, now=now)

    def _handled_before(self, update_ids: Sequence[int], *, now: int) -> list[int]:
        """Return those of the updates just recorded that were handled before, and prune."""
        handled = [
            int(update_id)
            for (update_id,) in self.db.conn.execute(
                "SELECT update_id FROM inbox WHERE update_id IN (SELECT value FROM json_each(?)) "
                "AND handled_at IS NOT NULL",
                (json.dumps(list(update_ids)),),
            )
        ]
        # Pruning rides on a write that happens anyway, and walks the index only.
        self.db.conn.execute(
            "DELETE FROM inbox WHERE handled_at < ?", (now - HANDLED_KEPT_SECONDS,)
        )
        return handled

    def mark_handled(self, update_id: int, *, now: int) -> None:
        """Record that an update was handled, and forget what it said."""
        self.db.execute(
            "UPDATE inbox SET payload = NULL, handled_at = ? WHERE update_id = ?",
            (now, update_id),
        )

    def mark_all_handled(self, update_ids: Iterable[int], *, now: int) -> None:
        """Mark many updates handled in one statement (see mark_handled)."""
        ids = list(update_ids)
        if not ids:
            return
        with self.transaction():
            self.db.conn.execute(
                "UPDATE inbox SET payload = NULL, handled_at = ? "
                "WHERE update_id IN (SELECT value FROM json_each(?))",
                (now, json.dumps(ids)),
            )

    def unhandled_updates(self) -> list[str]:
        """Return the JSON of every recorded update not handled yet, oldest first."""
        return [
            str(row["payload"])
            for row in self.db.query(
                "SELECT payload FROM inbox WHERE handled_at IS NULL ORDER BY update_id"
            )
        ]

    def inbox_counts(self) -> dict[str, int]:
        """Return how many recorded updates are handled and unhandled, and how many hold text."""
        row = self._one(
            """SELECT COUNT(handled_at) AS handled, COUNT(*) - COUNT(handled_at) AS unhandled,
                COUNT(payload) AS with_text FROM inbox"""
        )
        assert row is not None
        return {key: int(value) for key, value in row.items()}
