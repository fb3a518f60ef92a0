"""The archive for async code: one worker thread opens the SQLite connection and runs every call.

A sqlite3 connection belongs to the thread that made it, and a query on the event loop would hold
every other update until it finished. So, like Datasette's ``execute_write_fn``, each call is
handed to a single dedicated thread and awaited; the loop only waits for the answer. Calls run
one at a time, in the order they were made.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.store import Store

T = TypeVar("T")


class AsyncStore:
    """A Store on its own thread: ``await store.get_chat(cid)`` runs Store.get_chat there."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self._executor: ThreadPoolExecutor | None = None
        self._store: Store | None = None  # touched only on the worker thread

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

    async def close(self) -> None:
        """Close the connection on its thread, then stop the thread."""
        executor, store = self._executor, self._store
        if executor is None:
            return
        if store is not None:
            await self._submit(store.close)
        self._executor, self._store = None, None
        # The worker is idle now, so this returns at once.
        executor.shutdown(wait=True)

    async def _submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        if self._executor is None:
            raise RuntimeError("the archive is not open: await AsyncStore.start() first")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def _require_store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the archive is not open: await AsyncStore.start() first")
        return self._store

    async def call(self, fn_name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Return the result of Store.<fn_name>(*args, **kwargs), run on the worker thread."""
        method = getattr(self._require_store(), fn_name)
        return await self._submit(method, *args, **kwargs)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Return fn(store, *args, **kwargs), run on the worker thread (for multi-call work)."""
        return await self._submit(fn, self._require_store(), *args, **kwargs)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        """Return an async version of Store.<name> that runs on the worker thread."""
        if name.startswith("_") or not callable(getattr(Store, name, None)):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        async def proxy(*args: Any, **kwargs: Any) -> Any:
            return await self.call(name, *args, **kwargs)

        proxy.__name__ = proxy.__qualname__ = name
        return proxy
