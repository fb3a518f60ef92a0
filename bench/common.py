"""Shared pieces of the benchmarks: a sandbox in a process of its own, a loop probe, archive reads.

A sandbox in the benchmark's own process shares the bot's event loop and heap: its JSON work and
its garbage-collection pauses would be counted as the bot's. ``SandboxProcess`` runs it apart, as
Telegram is apart, and drives it through its control API over HTTP.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import sqlite3
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from aiohttp import web

from bot.sandbox import Limits, Sandbox
from bot.sandbox.remote import add_control_routes

PROBE_SLEEP = 0.001
WORDS = ("commons", "peer", "value", "care", "share", "land", "code", "seed", "river", "rent")


class LoopProbe:
    """Sleeps 1 ms again and again on the running loop; ``worst`` is the latest wake-up (ms)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(PROBE_SLEEP)
            late = (time.perf_counter() - before - PROBE_SLEEP) * 1000
            self.worst = max(self.worst, late)
            self.samples += 1

    async def __aenter__(self) -> LoopProbe:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(
        self,
        _: type[BaseException] | None,
        __: BaseException | None,
        ___: TracebackType | None,
    ) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def read_only(db_path: Path) -> sqlite3.Connection:
    """Return a read-only connection to an archive another process (or thread) writes."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    connection.row_factory = sqlite3.Row
    return connection


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Return the rows of one read-only query, as dicts (opens and closes its own connection)."""
    connection = read_only(db_path)
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def reply_text(rng: random.Random) -> str:
    """Return a few words of small talk (never a command, a tag or a digest's heading)."""
    return " ".join(rng.choices(WORDS, k=rng.randint(3, 20)))


async def inject_replies(
    sandbox: Sandbox, chat: int, users: list[int], root: int, count: int, seed: int
) -> list[int]:
    """Post count replies, each to the root or to an earlier one; return their message ids."""
    rng = random.Random(seed)
    ids = [root]
    for i in range(count):
        parent = root if i < 10 or rng.random() < 0.2 else rng.choice(ids)
        message = await sandbox.send_message(
            chat, rng.choice(users), reply_text(rng), reply_to=parent
        )
        ids.append(message["message_id"])
    return ids[1:]


def _bench_routes(sandbox: Sandbox) -> None:
    """Add /bench/replies (a burst injected in one go) and /bench/pending (unconfirmed count)."""

    async def replies(request: web.Request) -> web.Response:
        body = await request.json()
        ids = await inject_replies(sandbox, **body)
        return web.json_response({"ok": True, "result": ids})

    async def pending(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": len(sandbox.pending_updates)})

    async def groups(request: web.Request) -> web.Response:
        body = await request.json()
        ids = await make_groups(sandbox, body["count"])
        return web.json_response({"ok": True, "result": ids})

    async def polls(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": len(sandbox.calls_to("getUpdates"))})

    sandbox.app.router.add_post("/bench/replies", replies)
    sandbox.app.router.add_get("/bench/pending", pending)
    sandbox.app.router.add_post("/bench/groups", groups)
    sandbox.app.router.add_get("/bench/polls", polls)


async def make_groups(sandbox: Sandbox, count: int) -> list[int]:
    """Create count groups with the bot in each, its join already confirmed; return their ids."""
    owner = await sandbox.create_user("Owner", "owner")
    ids = [
        (await sandbox.create_group(f"Group {n}", [owner], with_bot=True))["id"]
        for n in range(count)
    ]
    # The bot is taken to have seen these joins long ago: a bot starting now has none to fetch.
    sandbox.world.confirm(sandbox.world.last_update_id + 1)
    return ids


def _serve(conn: Connection, limits: Limits) -> None:
    async def serve() -> None:
        sandbox = Sandbox(limits=limits)
        add_control_routes(sandbox)
        _bench_routes(sandbox)
        await sandbox.start()
        conn.send((sandbox.base_url, sandbox.token))
        await asyncio.Event().wait()

    asyncio.run(serve())


class SandboxProcess:
    """A sandbox in a child process: ``base_url``/``token`` for the bot, ``act`` to drive it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.base_url = ""
        self.token = ""
        self._process: multiprocessing.process.BaseProcess | None = None
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> SandboxProcess:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, self.limits), daemon=True)
        self._process.start()
        self.base_url, self.token = await asyncio.to_thread(ours.recv)
        root = self.base_url.removesuffix("/bot")
        self._client = httpx.AsyncClient(base_url=root, timeout=60)
        return self

    async def __aexit__(
        self,
        _: type[BaseException] | None,
        __: BaseException | None,
        ___: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._process is not None:
            self._process.terminate()
            await asyncio.to_thread(self._process.join, 10)

    async def _post(self, path: str, **body: Any) -> Any:
        assert self._client is not None
        answer = (await self._client.post(path, json=body)).json()
        if not answer.get("ok"):
            raise RuntimeError(f"{path}: {answer.get('description')}")
        return answer["result"]

    async def act(self, action: str, **kwargs: Any) -> Any:
        """Run a control action (create_user, add_bot, send_message ...); return its result."""
        return await self._post(f"/sandbox/{action}", **kwargs)

    async def inject_replies(
        self, chat: int, users: list[int], root: int, count: int, seed: int
    ) -> list[int]:
        """Post a burst of replies inside the sandbox process; return their message ids."""
        return await self._post(
            "/bench/replies", chat=chat, users=users, root=root, count=count, seed=seed
        )

    async def make_groups(self, count: int) -> list[int]:
        """Create count groups the bot is in (their joins confirmed); return their ids."""
        return await self._post("/bench/groups", count=count)

    async def polls(self) -> int:
        """Return how many getUpdates calls the sandbox has answered or is holding."""
        assert self._client is not None
        return (await self._client.get("/bench/polls")).json()["result"]

    async def sent(self, chat: int) -> list[dict[str, Any]]:
        """Return what the bot sent to a chat."""
        assert self._client is not None
        return (await self._client.get(f"/sandbox/chats/{chat}/sent")).json()

    async def wait_until_consumed(self, timeout: float = 10) -> None:
        """Return once the bot has confirmed every update."""
        assert self._client is not None
        deadline = time.monotonic() + timeout
        while (await self._client.get("/bench/pending")).json()["result"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"updates still unconfirmed after {timeout} s")
            await asyncio.sleep(0.02)
