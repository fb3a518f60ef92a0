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
on a connection of its own (``Checkpointer``). A stored reply only queues itself for the search
index: the writer indexes the queue a batch at a time, a moment after writes (``Indexer``). A
reader sees what the writer committed before it was called, as every writer call commits before
it returns. An in-memory archive has one connection, so its reads run on the writer thread too.

The call site says which connection runs a call, as Datasette's ``execute_write_fn`` does:
``await archive.run(Store.get_chat, chat_id)`` on the writer, ``archive.read(Store.search, ...)``
on the reader, ``archive.plan(plan_digest, ...)`` in the planner process. Each takes a function
whose first parameter is the Store (a Store method, a named operation of
``bot.archive.operations``, or a test's own), typed with ParamSpec, so mypy checks the
arguments and go-to-definition lands in the function that runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from bot.archive.backups import held_shared
from bot.archive.planner import Planner
from bot.archive.store import Store

CHECKPOINT_EVERY_SECONDS = 1.0
# How long a write's old pages may stay in the write-ahead log before the log is emptied: a
# raw update, handled and blanked in the archive, is gone from every file within this.
TRUNCATE_AFTER_SECONDS = 30.0

# A stored row is indexed for search by a step on the writer this long after a write; while a
# step leaves rows waiting (a burst), the next follows after a short gap that lets store calls
# through. The slowest step bounds how long a store call can wait behind one.
INDEX_AFTER_SECONDS = 0.2
INDEX_AGAIN_SECONDS = 0.01

T = TypeVar("T")
P = ParamSpec("P")
logger = logging.getLogger(__name__)


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
        self._indexer: Indexer | None = None
        # A shared lock on the archive while it is open: a restore waits for no bot to hold it.
        self._lock = ExitStack()

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
            self._lock.enter_context(held_shared(Path(self.path)))
            # Opened after the writer, which made the file and upgraded its schema.
            self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="commons-read")
            self._reading = await _submit_to(self._reader, Store.open_reader, self.path)
            self._planner = Planner(self.path)
            self._checkpointer = Checkpointer(self.path)
            await self._checkpointer.start()
            await self._submit(self._store.leave_checkpoints_to_another_connection)
        self._indexer = Indexer(self)
        # Rows a crash left queued are indexed at once.
        self._indexer.after_write()

    async def close(self) -> None:
        """Close the connection on its thread, then stop the thread."""
        executor, store = self._executor, self._store
        if executor is None:
            return
        if self._planner is not None:
            await self._planner.close()
        if self._indexer is not None:
            await self._indexer.close()
            self._indexer = None
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
        self._lock.close()

    async def _submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        if self._executor is None:
            raise RuntimeError("the archive is not open: await Archive.start() first")
        return await _submit_to(self._executor, fn, *args, **kwargs)

    async def run(
        self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Return fn(store, *args, **kwargs), run on the worker thread."""
        try:
            return await self.on_writer(fn, *args, **kwargs)
        finally:
            if self._indexer is not None:
                self._indexer.after_write()

    async def on_writer(
        self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Return fn(store, ...) on the worker thread, as ``run``, without asking for an index
        step after it (the index steps themselves)."""
        if self._store is None:
            raise RuntimeError("the archive is not open: await Archive.start() first")
        try:
            return await self._submit(fn, self._store, *args, **kwargs)
        finally:
            if self._checkpointer is not None:
                self._checkpointer.after_write()
                self._checkpointer.truncate_soon()

    async def index_now(self) -> None:
        """Index every row stored so far, a step at a time on the writer (before a search that
        must see them all)."""
        while await self.on_writer(Store.index_pending):
            pass

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


class Indexer:
    """Indexes stored rows for search a moment after writes, in steps on the writer.

    A step is one short writer call: index a batch of queued rows (``Store.index_pending``),
    read the words of a batch of messages that have none kept (``Store.read_missing_words``:
    after the way words are read changed), or merge a few pages of the index
    (``Store.merge_search_index``). Store calls made meanwhile
    wait for at most one step, and run between two. So a reply's own write does no full-text
    work, and a reply is found by search within about INDEX_AFTER_SECONDS of being stored, or
    a little more in a long burst (docs/performance.md).
    """

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._written = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    def after_write(self) -> None:
        """Index what that write stored, a moment from now."""
        self._written.set()

    async def _run(self) -> None:
        while True:
            await self._written.wait()
            # Rows stored meanwhile are indexed in the same step.
            await asyncio.sleep(INDEX_AFTER_SECONDS)
            self._written.clear()
            try:
                await self._catch_up()
            except Exception:
                # The rows stay queued; the next write tries again.
                logger.exception("indexing for search failed")

    async def _catch_up(self) -> None:
        """Step until nothing waits and nothing needs merging, indexing before each merge."""
        while True:
            waiting = await self._archive.on_writer(Store.index_pending)
            waiting += await self._archive.on_writer(Store.read_missing_words)
            merged = await self._archive.on_writer(Store.merge_search_index)
            if not merged and not waiting:
                return
            if not merged:
                # A burst: let its store calls through before the next batch.
                await asyncio.sleep(INDEX_AGAIN_SECONDS)

    async def close(self) -> None:
        """Stop stepping; rows still queued are indexed after the next start."""
        self._task.cancel()
        await asyncio.wait([self._task])


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
        self._truncating: asyncio.TimerHandle | None = None

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

    def truncate_soon(self) -> None:
        """Empty the log within TRUNCATE_AFTER_SECONDS of this write, unless already due to.

        A passive checkpoint copies the log into the file but leaves its bytes in place until
        the log starts over; what a member said that was never kept (chatter, or an opted-out
        member's words, in a raw update) must not stay in a file that long.
        """
        if self._truncating is None and self._store is not None:
            loop = asyncio.get_running_loop()
            self._truncating = loop.call_later(TRUNCATE_AFTER_SECONDS, self._truncate)

    def _truncate(self) -> None:
        self._truncating = None
        if self._store is not None:
            done = self._executor.submit(self._store.truncate_log)
            loop = asyncio.get_running_loop()
            done.add_done_callback(lambda f: loop.call_soon_threadsafe(self._again_if_busy, f))

    def _again_if_busy(self, done: Future[bool]) -> None:
        # A reader held the log (a digest being planned, a backup): try again later.
        if not done.cancelled() and done.exception() is None and not done.result():
            self.truncate_soon()

    async def close(self) -> None:
        """Close the connection on its thread (after any checkpoint running), stop the thread."""
        if self._truncating is not None:
            self._truncating.cancel()
            self._truncating = None
        if self._store is not None:
            await _submit_to(self._executor, self._store.close)
        self._store = None
        self._executor.shutdown(wait=True)


async def _submit_to(
    executor: ThreadPoolExecutor, fn: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(fn, *args, **kwargs))
