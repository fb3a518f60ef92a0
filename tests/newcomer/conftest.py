"""The real bot, its sandbox and the web chat on one movable clock, as a newcomer runs them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from tests.newcomer.run import MONDAY, PASSAGE, Run
from tests.webchat.site import open_web_chat, rehearsal

SandboxFactory = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
async def run(sandbox: SandboxFactory, tmp_path: Path) -> AsyncIterator[Run]:
    async with rehearsal(sandbox, tmp_path / "c.db", MONDAY) as r:
        sb, web = r.sandbox, r.web
        # The bot joins the demo group, greets it and posts the day's passage.
        await sb.wait_for(
            lambda: any(PASSAGE in (s["text"] or "") for s in sb.sent_messages(web.chat_id)),
            timeout=10,
        )
        async with open_web_chat(web.url, timeout=30) as client:
            yield Run(sb, web, r.app, client)
