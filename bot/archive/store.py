"""The archive: chats, exactly-once posts, reply threads, curiosities, in one SQLite file.

Synchronous, sqlite-utils 4, no Telegram. Every query names one chat, except the privacy
operations that act on a person (forget, opt out) or on age (retention) across the archive.
The connection belongs to the thread that opened it; the async bot reaches it through
``bot.archive.worker.Archive``, which gives it one worker thread.

``Store`` is one class built from a mixin per part of the archive: chats
(``bot.archive.chats``), posts (``bot.archive.posts``), reply threads and search
(``bot.archive.messages``), and people and privacy (``bot.archive.people``). This module opens
the database and holds what spans those parts: moving a chat to a new id. Which thread a
member's message joins is ``bot.archive.replies``'s.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from sqlite_utils import Database

from bot.archive.chats import CHAT_IDENTITY, UnknownChatError
from bot.archive.inbox import InboxMixin
from bot.archive.messages import MessagesMixin, fts_query
from bot.archive.people import PeopleMixin
from bot.archive.personal import PersonalMixin
from bot.archive.posts import PostsMixin
from bot.archive.reactions import ReactionsMixin
from bot.archive.schema import apply_migrations
from bot.archive.suggestions import SuggestionsMixin

__all__ = ["Store", "UnknownChatError", "fts_query"]

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
WAL_RETRY_SECONDS = 0.01
# SQLite's own checkpoint runs in the commit that takes the log past 1,000 pages; a writer that
# hands checkpoints to another connection keeps it for a log sixteen times that size.
WRITER_CHECKPOINT_PAGES = 16_000
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024
# What moves with a group when it becomes a supergroup.
CHAT_ROWS = (
    "posts", "post_messages", "messages", "curiosities", "reactions", "reaction_counts", "polls",
    "suggestions", "skipped_dates",
)  # fmt: skip


def enable_wal(db: Database) -> None:
    """Switch the file to write-ahead logging, waiting out another connection opening it.

    The switch needs the file to itself, and SQLite answers "database is locked" at once
    rather than waiting the busy timeout: two processes opening one new file would fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)


class Store(
    PostsMixin,
    MessagesMixin,
    ReactionsMixin,
    PeopleMixin,
    PersonalMixin,
    InboxMixin,
    SuggestionsMixin,
):
    """The archive behind one sqlite-utils Database; every method is one short transaction."""

    def __init__(self, db: Database, *, read_only: bool = False) -> None:
        self.db = db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if read_only:
            # A reader beside the writer's connection: WAL lets it read while the writer
            # writes, and query_only makes any write on it an error instead of a second writer.
            db.execute("PRAGMA query_only = ON")
            return
        db.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, so forgotten words leave no bytes behind.
        db.execute("PRAGMA secure_delete = ON")
        if not db.memory:
            enable_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            # Each time the log starts over it is cut back to this size, so a burst of writes
            # does not leave a large log file (and what it held) behind.
            db.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        apply_migrations(db)
        self.read_words_again()

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Return a store on that file (created and upgraded as needed) or on ':memory:'."""
        if str(path) == ":memory:":
            return cls(Database(memory=True))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)))

    @classmethod
    def open_reader(cls, path: str | Path, *, cache_kib: int | None = None) -> Store:
        """Return a read-only store on an archive file that a writing Store has opened.

        ``cache_kib`` bounds its page cache (SQLite's default is 2 MiB a connection).
        """
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        if cache_kib is not None:
            connection.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        return cls(Database(connection), read_only=True)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def leave_checkpoints_to_another_connection(self) -> None:
        """Let this (writing) connection copy the log into the file in its commits only when
        another connection's checkpoints have fallen far behind (a long burst of writes)."""
        self.db.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")

    def truncate_log(self) -> bool:
        """Copy the whole write-ahead log into the file and empty the log file (0 bytes);
        False if a reader (a digest, a backup) still needs the log, so nothing was done.

        Such a checkpoint holds new writes back while it waits for readers: it does not wait.
        """
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            busy, _, _ = next(self.db.query("PRAGMA wal_checkpoint(TRUNCATE)")).values()
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return not busy

    def claim_owner(self, bot_id: int) -> int:
        """Record the archive as this bot's unless it already belongs to one; return its bot."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO archive_info (key, value) VALUES ('bot_id', ?)",
                (str(bot_id),),
            )
            row = self._one("SELECT value FROM archive_info WHERE key = 'bot_id'")
        assert row is not None
        return int(row["value"])

    def checkpoint(self) -> None:
        """Copy what the write-ahead log holds into the archive file, without waiting for
        readers or blocking the writer (a passive checkpoint)."""
        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")

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
            for table in CHAT_ROWS:
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
