"""The real bot, its sandbox and the web chat on one movable clock, as a newcomer runs them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.core.config import Config
from bot.demo.clock import MovableClock, TimeTravel
from bot.handlers import build_application
from bot.handlers.app import polite_rate_limiter, running
from bot.sandbox import Limits, Sandbox
from bot.webchat import start_webchat
from tests.newcomer.run import MONDAY, PASSAGE, Run
from tests.webchat.site import open_web_chat

SandboxFactory = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
async def run(sandbox: SandboxFactory, tmp_path: Path) -> AsyncIterator[Run]:
    clock = MovableClock(real=lambda: MONDAY)
    sb = await sandbox(clock=clock.timestamp, limits=Limits.off())
    config = Config(token=sb.token, base_url=sb.base_url, db_path=tmp_path / "c.db")
    limiter = polite_rate_limiter(per_group_per_minute=0, per_chat_per_second=0)
    app = build_application(config, clock=clock, rate_limiter=limiter)
    async with running(app, poll_timeout=1):
        web = await start_webchat(sb, port=0, clock=TimeTravel(app, clock))
        try:
            # The bot joins the demo group, greets it and posts the day's passage.
            await sb.wait_for(
                lambda: any(PASSAGE in (s["text"] or "") for s in sb.sent_messages(web.chat_id)),
                timeout=10,
            )
            async with open_web_chat(web.url, timeout=30) as client:
                yield Run(sb, web, app, client)
        finally:
            await web.stop()
