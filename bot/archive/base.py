"""What every part of the archive shares: the connection, row helpers and common SQL.

``bot.archive.store.Store`` combines the mixins built on ``StoreBase``; nothing else uses them.
``Row`` is what sqlite-utils returns; the methods the rest of the bot calls give typed rows
(``bot.archive.rows``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database
from sqlite_utils.utils import dedupe_keys

Row = dict[str, Any]

POST_COLUMNS = (
    "chat_id, local_date, kind, passage_id, message_id, thread_id, status, claimed_at, "
    "sent_at, error"
)
AUTHOR = "COALESCE(NULLIF(u.first_name, ''), s.title, '')"
MESSAGE_COLUMNS = f"""m.chat_id, m.message_id, m.root_message_id, m.reply_to_message_id,
    m.user_id, m.sender_chat_id, {AUTHOR} AS author, COALESCE(u.opted_out, 0) AS opted_out,
    m.kind, m.text, m.date, m.edited_at"""
MESSAGE_FROM = """FROM messages m
LEFT JOIN users u ON u.id = m.user_id
LEFT JOIN sender_chats s ON s.id = m.sender_chat_id
"""
MESSAGE_SELECT = f"SELECT {MESSAGE_COLUMNS}\n{MESSAGE_FROM}"
# A thread's messages, as digests read them: with the words kept beside each (which an export
# leaves out, being its text again).
THREAD_SELECT = f"SELECT {MESSAGE_COLUMNS}, m.words\n{MESSAGE_FROM}"


def _columns(cursor: sqlite3.Cursor) -> list[str]:
    """Return a cursor's column names, as sqlite-utils names them."""
    return list(dedupe_keys(column[0] for column in cursor.description))


def as_bools(row: Row, *keys: str) -> Row:
    """Return the row with those columns as True and False (SQLite keeps 0 and 1)."""
    for key in keys:
        row[key] = bool(row[key])
    return row


def as_authored(row: Row) -> Row:
    """Return a message, curiosity or search hit with its author's opted_out as a bool."""
    return as_bools(row, "opted_out")


class StoreBase:
    """The connection and the small queries every part of the archive uses."""

    db: Database

    def _one(self, sql: str, params: Any = ()) -> Row | None:
        """Return the first row a query (or a write ... RETURNING) gives, or None.

        On the connection itself: sqlite-utils' query wraps each statement in a savepoint of
        its own (two more statements), and the writer looks up a thread per reply stored.
        """
        connection = self.db.conn
        in_transaction = connection.in_transaction
        cursor = connection.execute(sql, params)
        try:
            row = cursor.fetchone()
            return None if row is None else dict(zip(_columns(cursor), row, strict=True))
        finally:
            cursor.close()  # a RETURNING write is done at its first row: nothing is left
            if connection.in_transaction and not in_transaction:
                connection.commit()  # a write on its own, committed as sqlite-utils does

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block in a transaction: its own, or the one already open (a batch's).

        Unlike sqlite-utils' atomic, no savepoint inside one already open (each a random name,
        so two statements prepared anew): nothing here catches a failure midway, so a failure
        rolls the whole transaction back either way.
        """
        if self.db.conn.in_transaction:
            yield
        else:
            with self.db.atomic():
                yield

    def _ensure_author(self, user_id: int | None, sender_chat_id: int | None) -> None:
        # A row to point at, even if the name was never seen; the name fills in later.
        if user_id is not None:
            self.db.execute("INSERT OR IGNORE INTO users (id) VALUES (?)", (user_id,))
        if sender_chat_id is not None:
            self.db.execute(
                "INSERT OR IGNORE INTO sender_chats (id) VALUES (?)", (sender_chat_id,)
            )
