"""Digests are planned in a process of their own, on a read-only connection of its own.

A busy day's digest is seconds of pure Python. On a thread of the bot's process it would hold
the GIL, which CPython hands to a waiting thread only every few milliseconds, and its full
garbage collections (a heap of a hundred thousand rows and lines) would stop every thread for
tens of milliseconds: a reply's store call and the event loop would wait behind it. A process of
its own runs beside them on another core, and its heap is not the bot's.

The process is started at the first digest (a fresh interpreter, as starting one beside the
bot's threads by forking them is not safe) and kept until the archive closes, so the corpus's
lexicon it builds for resonances is built once. Until then the bot runs in one process. It
reads the archive file the writer has committed to, as a second connection does in WAL mode,
and runs at a lower priority: a digest can wait a little, a reply being stored should not.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from bot.archive.store import Store

T = TypeVar("T")
P = ParamSpec("P")

NICENESS = 10


class _Opened:
    """The planner process's own store (one per process; None in the bot's process)."""

    store: Store | None = None


def _open(path: str) -> None:
    """Lower the planner process's priority and open its read-only store (the initializer)."""
    os.nice(NICENESS)
    _Opened.store = Store.open_reader(path)


def _call(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Return fn(store, *args, **kwargs) on the planner process's store."""
    if _Opened.store is None:
        raise RuntimeError("the planner process has no archive open")
    with collection_paused():
        return fn(_Opened.store, *args, **kwargs)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector off, and collect once after it.

    A digest makes millions of short-lived rows, lines and strings, hardly any of them in a
    cycle (reference counting frees them), and the collector would walk the whole growing heap
    again and again: a 100,000-message day took 14 times as long as 10,000, not 10. The planner
    process does nothing else meanwhile, so nothing else waits for the one collection after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def _ready() -> bool:
    """Return True (a first call that makes the pool start its process)."""
    return _Opened.store is not None


class Planner:
    """A process, started on first use, that runs read-only functions of a Store file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._pool: ProcessPoolExecutor | None = None
        # Ten thousand chats' digests may fall due in the same minute: the first of them
        # starts the process, and the others wait for it rather than start one each.
        self._starting = asyncio.Lock()

    async def run(
        self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Return fn(store, *args, **kwargs) from the planner process (all of it pickled)."""
        pool = self._pool or await self._started()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, functools.partial(_call, fn, *args, **kwargs))

    async def _started(self) -> ProcessPoolExecutor:
        """Return the pool, started by the first caller while the others wait for it."""
        async with self._starting:
            if self._pool is None:
                # Starting the process takes a moment: not on the event loop.
                self._pool = await asyncio.to_thread(self._start)
            return self._pool

    def _start(self) -> ProcessPoolExecutor:
        """Return a pool of one process, started and holding its store."""
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_open, initargs=(self.path,)
        )
        pool.submit(_ready).result()
        return pool

    async def close(self) -> None:
        """Stop the process, if it was started (without blocking the event loop)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True)
