"""The web chat under test: a sandbox, the web chat over it, and an HTTP client for the page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bot.core.config import Config
from bot.sandbox import Limits, Sandbox
from bot.webchat import WebChat


@dataclass
class Site:
    """A sandbox, the web chat over it, and an HTTP client pointed at the web chat."""

    sandbox: Sandbox
    web: WebChat
    client: httpx.AsyncClient

    @property
    def chat_id(self) -> int:
        return self.web.chat_id

    def member(self, name: str) -> int:
        """Return the user id of a demo member by name."""
        state = self.sandbox.world.find_chat(self.chat_id)
        return next(u for u in state.members if self.sandbox.world.users[u]["first_name"] == name)

    async def state(self) -> dict[str, Any]:
        response = await self.client.get("/api/state")
        assert response.status_code == 200
        result: dict[str, Any] = response.json()
        return result

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, json=body)

    async def bot_api(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """Call the Bot API as the bot would, over HTTP; return the result."""
        url = f"{self.sandbox.base_url}{self.sandbox.token}/{method}"
        async with httpx.AsyncClient() as bot:
            response = await bot.post(url, **kwargs)
        assert response.json()["ok"] is True, response.text
        result: dict[str, Any] = response.json()["result"]
        return result

    async def bot_says(self, chat_id: int, text: str) -> dict[str, Any]:
        """Send HTML as the bot, over the Bot API; return the message."""
        return await self.bot_api(
            "sendMessage", json={"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
        )

    async def view_of(self, message_id: int, chat_id: int | None = None) -> dict[str, Any]:
        """Return how the page shows one message."""
        state = await self.client.get("/api/state", params={"chat_id": chat_id or self.chat_id})
        view: dict[str, Any] = next(
            m for m in state.json()["messages"] if m["message_id"] == message_id
        )
        return view


@dataclass
class Rehearsal:
    """The real bot, its sandbox and the web chat over them, on one movable clock."""

    sandbox: Sandbox
    web: WebChat
    app: Any
    clock: Any


@asynccontextmanager
async def rehearsal(
    sandbox_factory: Callable[..., Awaitable[Sandbox]], db_path: Path, start: datetime
) -> AsyncIterator[Rehearsal]:
    """Run the bot against a sandbox and the web chat, as ``python -m bot`` without a token
    does, on a clock that stands at ``start`` until its buttons move it.

    Days pass in seconds here, so Telegram's per-minute and per-second pacing is off (in the
    sandbox and the bot alike); exactly-once is not.
    """
    from bot.demo.clock import MovableClock, TimeTravel
    from bot.handlers.app import build_application, polite_rate_limiter, running
    from bot.webchat import start_webchat

    clock = MovableClock(real=lambda: start)
    sb = await sandbox_factory(clock=clock.timestamp, limits=Limits.off())
    config = Config(token=sb.token, base_url=sb.base_url, db_path=db_path)
    limiter = polite_rate_limiter(per_group_per_minute=0, per_chat_per_second=0)
    app = build_application(config, clock=clock, rate_limiter=limiter)
    async with running(app, poll_timeout=1):
        web = await start_webchat(sb, port=0, clock=TimeTravel(app, clock))
        try:
            yield Rehearsal(sb, web, app, clock)
        finally:
            await web.stop()


@asynccontextmanager
async def open_web_chat(url: str, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Yield a client that opened the printed ``url`` as a person would, and so holds its key.

    Its base URL is the page's, without the key: later requests carry the cookie only.
    """
    async with httpx.AsyncClient(base_url=origin_of(url), **options) as client:
        page = await client.get(url)
        assert page.status_code == 200, page.text
        yield client


def origin_of(url: str) -> str:
    """Return the web chat's address without its key: ``http://127.0.0.1:PORT/``."""
    return str(httpx.URL(url).copy_with(query=None))
