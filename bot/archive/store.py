"""The archive: chats, exactly-once posts, reply threads, curiosities, in one SQLite file.

Synchronous, sqlite-utils 4, no Telegram. Every query names one chat, except the privacy
operations that act on a person (forget, opt out) or on age (retention) across the archive.
The connection belongs to the thread that opened it; the async bot reaches it through
``bot.archive.worker.Archive``, which gives it one worker thread.

``Store`` is one class built from a mixin per part of the archive: chats
(``bot.archive.chats``), posts (``bot.archive.posts``), reply threads and search
(``bot.archive.messages``), and people and privacy (``bot.archive.people``). This module opens
the database and holds what spans those parts: storing a reply into its thread, and moving a
chat to a new id.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.archive.chats import CHAT_IDENTITY, UnknownChatError
from bot.archive.inbox import InboxMixin
from bot.archive.messages import MessagesMixin, fts_query
from bot.archive.people import PeopleMixin
from bot.archive.personal import PersonalMixin
from bot.archive.posts import PostsMixin
from bot.archive.schema import apply_migrations
from bot.core.updates import Incoming, Json, Said, passes_by, said_on_arrival

__all__ = ["Store", "UnknownChatError", "fts_query"]

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
WAL_RETRY_SECONDS = 0.01
# SQLite's own checkpoint runs in the commit that takes the log past 1,000 pages; a writer that
# hands checkpoints to another connection keeps it for a log sixteen times that size.
WRITER_CHECKPOINT_PAGES = 16_000


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


@dataclass(frozen=True)
class Arrival:
    """What recording a batch of updates did: the ids recorded, those Telegram delivered again
    after they were handled, and those whose message was stored in its thread as it arrived."""

    recorded: list[int]
    again: list[int]
    stored: list[int]


class Store(PostsMixin, MessagesMixin, PeopleMixin, PersonalMixin, InboxMixin):
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
        apply_migrations(db)

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

    def checkpoint(self) -> None:
        """Copy what the write-ahead log holds into the archive file, without waiting for
        readers or blocking the writer (a passive checkpoint)."""
        self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def store_authored(self, message: Incoming, *, name: str, username: str | None = None) -> bool:
        """Remember the author's name and store the message, in one transaction; True if new.

        One call per incoming reply, so the event loop waits on the database thread once.
        """
        with self.db.atomic():
            sender_chat_id, user_id = message.get("sender_chat_id"), message.get("user_id")
            if sender_chat_id is not None:
                self.upsert_sender_chat(sender_chat_id, title=name)
            elif user_id is not None:
                self.upsert_user(user_id, first_name=name, username=username)
            return self.store_message(message)

    def record_answer(self, answer: bytes, *, now: int, handled: Iterable[int] = ()) -> Arrival:
        """Record the updates of a raw getUpdates answer, and mark ``handled`` ones, at once."""
        updates = json.loads(answer).get("result") or []
        return self.record_arrivals(updates, now=now, handled=handled)

    def record_arrivals(
        self, updates: Sequence[Json], *, now: int, handled: Iterable[int] = ()
    ) -> Arrival:
        """Record a batch of updates in one transaction, with the members' messages it opens with.

        The messages are stored in their threads here rather than one trip each from their
        handler: a busy group's batch is a hundred replies, and this is one transaction. The
        first update whose handlers may change what is kept (``/optout``, a member leaving...)
        ends that: it and the rest are stored by their handlers, in order.
        """
        rows = [(int(u["update_id"]), json.dumps(u, ensure_ascii=False)) for u in updates]
        with self.db.atomic():
            self.mark_all_handled(handled, now=now)
            again = self.record_updates(rows, now=now)
            stored = self._store_on_arrival(updates, skip=set(again))
        return Arrival([update_id for update_id, _ in rows], again, stored)

    def _store_on_arrival(self, updates: Sequence[Json], *, skip: set[int]) -> list[int]:
        arrived: list[tuple[int, Said]] = []
        for update in updates:
            update_id = int(update["update_id"])
            if update_id in skip or passes_by(update):
                continue
            said = said_on_arrival(update)
            if said is None:
                break
            arrived.append((update_id, said))
        placed = self.store_all_said([said for _, said in arrived])
        return [update_id for (update_id, _), ok in zip(arrived, placed, strict=True) if ok]

    def store_said(self, said: Said) -> bool:
        """Store what a member said if it belongs to one of our threads (see store_all_said)."""
        return self.store_all_said([said])[0]

    def store_all_said(self, saids: Sequence[Said]) -> list[bool]:
        """Store, in one transaction, each message that belongs to one of our threads; return
        for each whether it does (stored now, known already, or its author silenced).

        A reply joins its parent's thread; a message that answers nothing joins the latest
        passage of its forum topic, or in a private chat the latest passage there. A message
        may answer one before it in the same batch, so threads are found in order.
        """
        with self.db.atomic():
            silenced = self.silenced_among(said.author.user_id for said in saids)
            roots: dict[tuple[int, int], int] = {}  # the batch's own messages, as placed
            rows = [self._placed(said, roots, silenced) for said in saids]
            authors = [s.author for s, row in zip(saids, rows, strict=True) if row is not None]
            self.remember_authors(authors)
            self.store_messages([row for row in rows if row is not None])
        return [row is not None for row in rows]

    def _placed(
        self, said: Said, roots: dict[tuple[int, int], int], silenced: set[int]
    ) -> Incoming | None:
        """Return the message's row with its thread, or None if it is in none of ours.

        ``roots`` gains the message, unless its author is silenced: nothing of theirs is
        stored, so nothing can answer into a thread through it.
        """
        message = said.message
        chat_id, parent = message["chat_id"], message["reply_to_message_id"]
        row: Incoming | None = None
        if parent is None:
            root = self._unanswered_root(said)
            if root is not None:
                row = {**message, "root_message_id": root, "reply_to_message_id": root}
        else:
            root = (
                roots.get((chat_id, parent))
                or self.thread_root(chat_id, parent)
                or self._curiosity_root(chat_id, parent)
            )
            if root is not None:
                row = {**message, "root_message_id": root}
        if row is not None and said.author.user_id not in silenced:
            roots[chat_id, message["message_id"]] = row["root_message_id"]
        return row

    def _unanswered_root(self, said: Said) -> int | None:
        chat_id = said.message["chat_id"]
        if said.topic is not None:
            post = self.latest_passage_in_topic(chat_id, said.topic)
        elif said.private:
            post = self.last_post(chat_id, "passage")
        else:
            return None  # group chatter is never stored
        return post["message_id"] if post is not None else None

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
            for table in ("posts", "post_messages", "messages", "curiosities"):
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
