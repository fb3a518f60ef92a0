"""The web chat over a fresh sandbox, for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.sandbox import Sandbox
from bot.webchat import start_webchat
from tests.webchat.site import Site, open_web_chat


@pytest.fixture
async def site(sandbox: Callable[..., Awaitable[Sandbox]]) -> AsyncIterator[Site]:
    sb = await sandbox()
    web = await start_webchat(sb, port=0)
    async with open_web_chat(web.url, timeout=5) as client:
        yield Site(sb, web, client)
    await web.stop()
