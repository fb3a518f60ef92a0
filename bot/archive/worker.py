"""The archive for async code: one worker thread opens the SQLite connection and runs every call.

A sqlite3 connection belongs to the thread that made it, and a query on the event loop would hold
every other update until it finished. So, like Datasette's ``execute_fn``, each call is handed
to a single dedicated thread and awaited; the loop only waits for the answer. Calls run one at a
time, in the order they were made.

Reads that can take long run beside the writer on read-only connections of their own (the file
is in WAL mode): search, a thread and an export on a reader thread, and digests, seconds of
pure Python on a busy day, in a planner process (``bot.archive.planner``), so a large digest
never keeps a reply waiting to be stored. Every write, and so every exactly-once claim, stays on
the one writer thread; copying the write-ahead log into the file (a checkpoint) runs beside it,
on a connection of its own (``Checkpointer``). A reader sees what the writer committed before
it was called, as every writer call commits before it returns. An in-memory archive has one
connection, so its reads run on the writer thread too.

Every call the bot makes has its own typed one-line method here, so go-to-definition and mypy
follow it into the Store; ``run`` takes any function of the Store (a named operation from
``bot.archive.operations``, or a test's own).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, Unpack

from bot.archive import operations as ops
from bot.archive.attribution import BotMessage, join_bot_reply
from bot.archive.planner import Planner
from bot.archive.rows import (
    Chat,
    ChatIdentity,
    Curiosity,
    Export,
    Hit,
    Message,
    PersonalDigest,
    Post,
)
from bot.archive.store import Arrival, Store
from bot.compose.digest import Delivery
from bot.compose.passage import Recall
from bot.core.corpus import Entry
from bot.core.schedule import Slot
from bot.core.updates import Author, Incoming, Json, Said

CHECKPOINT_EVERY_SECONDS = 1.0

T = TypeVar("T")
P = ParamSpec("P")


class Archive:
    """A Store on its own thread: ``await archive.get_chat(cid)`` runs Store.get_chat there."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self._executor: ThreadPoolExecutor | None = None
        self._store: Store | None = None  # touched only on the worker thread
        self._reader: ThreadPoolExecutor | None = None
        self._reading: Store | None = None  # touched only on the reader thread
        self._planner: Planner | None = None
        self._checkpointer: Checkpointer | None = None

    async def start(self) -> None:
        """Start the worker thread and open (and upgrade) the archive on it."""
        if self._executor is not None:
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commons-store")
        try:
            self._store = await self._submit(Store.open, self.path)
        except BaseException:
            self._executor.shutdown(wait=False)
            self._executor = None
            raise
        if str(self.path) != ":memory:":
            # Opened after the writer, which made the file and upgraded its schema.
            self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commons-read")
            self._reading = await _submit_to(self._reader, Store.open_reader, self.path)
            self._planner = Planner(self.path)
            self._checkpointer = Checkpointer(self.path)
            await self._checkpointer.start()
            await self._submit(self._store.leave_checkpoints_to_another_connection)

    async def close(self) -> None:
        """Close the connection on its thread, then stop the thread."""
        executor, store = self._executor, self._store
        if executor is None:
            return
        if self._planner is not None:
            await self._planner.close()
        if self._checkpointer is not None:
            await self._checkpointer.close()
            self._checkpointer = None
        reader, reading = self._reader, self._reading
        if reader is not None and reading is not None:
            await _submit_to(reader, reading.close)
        if reader is not None:
            reader.shutdown(wait=True)
        self._reader, self._reading, self._planner = None, None, None
        if store is not None:
            await self._submit(store.close)
        self._executor, self._store = None, None
        # The worker is idle now, so this returns at once.
        executor.shutdown(wait=True)

    async def _submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        if self._executor is None:
            raise RuntimeError("the archive is not open: await Archive.start() first")
        return await _submit_to(self._executor, fn, *args, **kwargs)

    async def run(
        self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Return fn(store, *args, **kwargs), run on the worker thread."""
        if self._store is None:
            raise RuntimeError("the archive is not open: await Archive.start() first")
        try:
            return await self._submit(fn, self._store, *args, **kwargs)
        finally:
            if self._checkpointer is not None:
                self._checkpointer.after_write()

    async def read(
        self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Return fn(store, *args, **kwargs) on the read-only connection's thread.

        fn must only read; a write raises ``sqlite3.OperationalError`` there.
        """
        if self._reader is None or self._reading is None:
            return await self.run(fn, *args, **kwargs)
        return await _submit_to(self._reader, fn, self._reading, *args, **kwargs)

    async def plan(
        self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Return fn(store, *args, **kwargs) from the planner process (fn must only read)."""
        if self._planner is None:
            return await self.read(fn, *args, **kwargs)
        return await self._planner.run(fn, *args, **kwargs)

    # chats

    async def get_chat(self, chat_id: int) -> Chat | None:
        return await self.run(Store.get_chat, chat_id)

    async def active_chats(self, *, after: int | None = None, limit: int = -1) -> list[Chat]:
        return await self.run(Store.active_chats, after=after, limit=limit)

    async def register_chat(
        self,
        chat_id: int,
        *,
        type: str,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
        now: int,
    ) -> Chat:
        return await self.run(
            Store.register_chat,
            chat_id,
            type=type,
            title=title,
            username=username,
            is_forum=is_forum,
            now=now,
        )

    async def ensure_chat(
        self, chat_id: int, *, now: int, **identity: Unpack[ChatIdentity]
    ) -> Chat:
        return await self.run(ops.ensure_chat, chat_id, now=now, **identity)

    async def update_chat(self, chat_id: int, **settings: Any) -> Chat:
        return await self.run(Store.update_chat, chat_id, **settings)

    async def change_settings(self, chat_id: int, *, now: int, **settings: Any) -> Chat:
        return await self.run(ops.change_settings, chat_id, now=now, **settings)

    async def set_active(self, chat_id: int, active: bool) -> None:
        await self.run(Store.set_active, chat_id, active)

    async def advance_corpus(self, chat_id: int, steps: int = 1) -> int:
        return await self.run(Store.advance_corpus, chat_id, steps)

    async def move_chat(self, old_id: int, new_id: int, *, now: int) -> Chat | None:
        return await self.run(ops.move_chat, old_id, new_id, now=now)

    # posts and the schedule

    async def due_slots(self, now: datetime) -> list[Slot]:
        return await self.run(ops.due_slots, now)

    async def claim_slot(self, slot: Slot, *, now_ts: int) -> bool:
        return await self.run(ops.claim_slot, slot, now_ts=now_ts)

    async def skip_slots(
        self, chat_id: int, slots: Sequence[tuple[str, str]], *, now: int
    ) -> None:
        await self.run(ops.skip_slots, chat_id, slots, now=now)

    async def get_post(self, chat_id: int, local_date: str, kind: str) -> Post | None:
        return await self.run(Store.get_post, chat_id, local_date, kind)

    async def last_post(self, chat_id: int, kind: str) -> Post | None:
        return await self.run(Store.last_post, chat_id, kind)

    async def last_sent_at(self, chat_id: int, kind: str) -> int | None:
        return await self.run(Store.last_sent_at, chat_id, kind)

    async def latest_passage_in_topic(self, chat_id: int, thread_id: int) -> Post | None:
        return await self.run(Store.latest_passage_in_topic, chat_id, thread_id)

    async def record_passage_sent(
        self,
        chat_id: int,
        local_date: str,
        *,
        message_id: int,
        sent_at: int,
        thread_id: int | None = None,
        passage_id: str | None = None,
    ) -> None:
        await self.run(
            Store.record_passage_sent,
            chat_id,
            local_date,
            message_id=message_id,
            sent_at=sent_at,
            thread_id=thread_id,
            passage_id=passage_id,
        )

    async def recall_passage(self, chat: Chat, passage_id: str, local_date: str) -> Recall | None:
        return await self.run(ops.recall_passage, chat, passage_id, local_date)

    async def mark_post_sent(
        self, chat_id: int, local_date: str, kind: str, *, message_id: int, sent_at: int
    ) -> None:
        await self.run(
            Store.mark_post_sent, chat_id, local_date, kind, message_id=message_id, sent_at=sent_at
        )

    async def mark_post_failed(
        self, chat_id: int, local_date: str, kind: str, *, error: str
    ) -> None:
        await self.run(Store.mark_post_failed, chat_id, local_date, kind, error=error)

    async def mark_post_skipped(self, chat_id: int, local_date: str, kind: str) -> None:
        await self.run(Store.mark_post_skipped, chat_id, local_date, kind)

    async def plan_digest(
        self, chat: Chat, day: date, corpus: Sequence[Entry], *, weekly: bool
    ) -> Delivery:
        return await self.plan(ops.plan_digest, chat, day, corpus, weekly=weekly)

    # personal digests

    async def set_personal_digest(
        self,
        user_id: int,
        chat_id: int,
        *,
        now: int,
        timezone: str | None = None,
        digest_time: str | None = None,
    ) -> PersonalDigest:
        return await self.run(
            Store.set_personal_digest,
            user_id,
            chat_id,
            now=now,
            timezone=timezone,
            digest_time=digest_time,
        )

    async def stop_personal_digest(self, user_id: int, chat_id: int | None = None) -> bool:
        return await self.run(Store.stop_personal_digest, user_id, chat_id)

    async def get_personal_digest(self, user_id: int) -> PersonalDigest | None:
        return await self.run(Store.get_personal_digest, user_id)

    async def personal_chats(self, user_id: int) -> list[Chat]:
        return await self.run(Store.personal_chats, user_id)

    async def refuse_personal_digest(self, user_id: int, *, now: int) -> None:
        await self.run(Store.refuse_personal_digest, user_id, now=now)

    async def resume_personal_digest(self, user_id: int) -> PersonalDigest | None:
        return await self.run(Store.resume_personal_digest, user_id)

    async def plan_personal_digests(
        self, chats: Sequence[Chat], now: datetime, corpus: Sequence[Entry]
    ) -> list[tuple[Chat, date, Delivery]]:
        return await self.plan(ops.plan_personal_digests, chats, now, corpus)

    # threads

    async def join_bot_reply(
        self,
        message: Incoming,
        parent: BotMessage,
        corpus: Sequence[Entry],
        *,
        name: str,
        username: str | None = None,
    ) -> str:
        return await self.run(
            join_bot_reply, message, parent, corpus, name=name, username=username
        )

    async def record_post_copy(
        self, chat_id: int, message_id: int, *, root_message_id: int, how: str
    ) -> bool:
        return await self.run(
            Store.record_post_copy, chat_id, message_id, root_message_id=root_message_id, how=how
        )

    async def post_copies(self, chat_id: int) -> dict[str, int]:
        return await self.run(Store.post_copies, chat_id)

    async def store_message(self, message: Incoming) -> bool:
        return await self.run(Store.store_message, message)

    async def edit_message(
        self, chat_id: int, message_id: int, *, text: str, edited_at: int
    ) -> bool:
        return await self.run(
            Store.edit_message, chat_id, message_id, text=text, edited_at=edited_at
        )

    async def get_message(self, chat_id: int, message_id: int) -> Message | None:
        return await self.run(Store.get_message, chat_id, message_id)

    async def thread_messages(self, chat_id: int, root_message_id: int) -> list[Message]:
        return await self.read(Store.thread_messages, chat_id, root_message_id)

    async def thread_of(self, chat_id: int, message_id: int) -> list[Message]:
        return await self.read(Store.thread_of, chat_id, message_id)

    async def search(self, chat_id: int, query: str, limit: int = 20) -> list[Hit]:
        return await self.read(Store.search, chat_id, query, limit)

    # curiosities and people

    async def note_curiosity(
        self,
        chat_id: int,
        *,
        author: Author,
        local_date: str,
        text: str,
        message_id: int | None,
        now: int,
    ) -> int | None:
        return await self.run(
            ops.note_curiosity,
            chat_id,
            author=author,
            local_date=local_date,
            text=text,
            message_id=message_id,
            now=now,
        )

    async def curiosities_of_day(self, chat_id: int, local_date: str) -> list[Curiosity]:
        return await self.run(ops.curiosities_of_day, chat_id, local_date)

    async def curiosities_answered(
        self, chat_id: int, message_ids: Sequence[int]
    ) -> list[Curiosity]:
        return await self.run(Store.curiosities_answered, chat_id, message_ids)

    async def opt_out(self, user_id: int) -> None:
        await self.run(Store.opt_out, user_id)

    async def opt_in(self, user_id: int) -> None:
        await self.run(Store.opt_in, user_id)

    async def forget_user(self, user_id: int) -> int:
        return await self.run(Store.forget_user, user_id)

    async def purge_chat(self, chat_id: int) -> None:
        await self.run(Store.purge_chat, chat_id)

    async def apply_retention(self, days: int, *, now: int) -> int:
        return await self.run(Store.apply_retention, days, now=now)

    async def export_chat(self, chat_id: int) -> Export:
        return await self.read(Store.export_chat, chat_id)

    # the inbox

    async def record_updates(self, updates: Sequence[tuple[int, str]], *, now: int) -> list[int]:
        return await self.run(Store.record_updates, updates, now=now)

    async def record_answer(
        self, answer: bytes, *, now: int, handled: Sequence[int] = ()
    ) -> Arrival:
        return await self.run(Store.record_answer, answer, now=now, handled=handled)

    async def record_arrivals(self, updates: Sequence[Json], *, now: int) -> Arrival:
        return await self.run(Store.record_arrivals, updates, now=now)

    async def store_said(self, said: Said) -> bool:
        return await self.run(Store.store_said, said)

    async def mark_all_handled(self, update_ids: Sequence[int], *, now: int) -> None:
        await self.run(Store.mark_all_handled, update_ids, now=now)

    async def unhandled_updates(self) -> list[str]:
        return await self.run(Store.unhandled_updates)

    async def inbox_counts(self) -> dict[str, int]:
        return await self.run(Store.inbox_counts)


class Checkpointer:
    """Copies the write-ahead log into the archive file on a connection of its own.

    Left to itself, SQLite does it inside whichever commit takes the log past 1,000 pages, and
    that commit (a member's reply being stored) waits tens of milliseconds for it. Here it runs
    beside the writer, at most once a second and only after a write: a passive checkpoint
    neither waits for readers nor holds the writer up.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commons-log")
        self._store: Store | None = None
        self._running: Future[None] | None = None
        self._next = 0.0

    async def start(self) -> None:
        # It reads log frames and writes them to the file once: a cache would only hold memory.
        self._store = await _submit_to(self._executor, Store.open_reader, self.path, cache_kib=64)

    def after_write(self) -> None:
        """Start a checkpoint unless one is running or the last began under a second ago."""
        now = time.monotonic()
        if self._store is None or now < self._next:
            return
        if self._running is not None and not self._running.done():
            return
        self._next = now + CHECKPOINT_EVERY_SECONDS
        self._running = self._executor.submit(self._store.checkpoint)

    async def close(self) -> None:
        """Close the connection on its thread (after any checkpoint running), stop the thread."""
        if self._store is not None:
            await _submit_to(self._executor, self._store.close)
        self._store = None
        self._executor.shutdown(wait=True)


async def _submit_to(
    executor: ThreadPoolExecutor, fn: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(fn, *args, **kwargs))
