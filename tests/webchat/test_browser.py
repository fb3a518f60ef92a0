"""The web chat in a real browser, with the real bot: a day in the demo group, end to end.

Needs Playwright (``pip install playwright``) and Debian's Chromium at /usr/bin/chromium; no
browser download. Leaves a screenshot in artifacts/webchat.png.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.config import Config
from bot.sandbox import Sandbox
from bot.webchat import WebChat, start_webchat

if TYPE_CHECKING:
    from playwright.async_api import Page
    from telegram.ext import Application

SandboxFactory = Callable[..., Awaitable[Sandbox]]
# Debian names it chromium, other systems chromium-browser: found on PATH, not at one place.
CHROMIUM = Path(shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "webchat.png"
HAS_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
WAIT_MS = 20_000  # the bot paces group messages (about one every 3 s), as Telegram requires
# A Monday mid-morning, far from the real date: the morning post is due, the evening digest is not,
# and no scheduled job comes due while the test runs.
MORNING = datetime(2030, 6, 3, 10, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not HAS_PLAYWRIGHT, reason="playwright is not installed (pip install playwright)"
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no Chromium on PATH (apt-get install chromium)"
    ),
]


@dataclass
class Day:
    """Everything running for the test: sandbox, web chat, the real bot, and a browser tab."""

    sandbox: Sandbox
    web: WebChat
    app: Application[Any, Any, Any, Any, Any, Any]
    tab: Page


@pytest.fixture
async def day(sandbox: SandboxFactory, tmp_path: Path) -> AsyncIterator[Day]:
    """Yield the sandbox, the web chat, the real bot and Chromium, all running, at MORNING."""
    from playwright.async_api import async_playwright

    from bot.handlers.app import build_application, running

    sb = await sandbox(clock=MORNING.timestamp)
    web = await start_webchat(sb, port=0)
    config = Config(token=sb.token, base_url=sb.base_url, db_path=tmp_path / "c.db")
    app = build_application(config, clock=lambda: MORNING)
    try:
        async with running(app, poll_timeout=1), async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                tab = await browser.new_page(viewport={"width": 1000, "height": 1500})
                tab.set_default_timeout(10_000)
                await tab.goto(web.url)
                yield Day(sb, web, app, tab)
            finally:
                await browser.close()
    finally:
        await web.stop()


async def morning_comes(day: Day) -> None:
    """Run the bot's catch-up sweep now, as its minute timer would, once the bot has joined."""
    from bot.handlers.sweep import deliver_due

    # The bot greets the group once it has registered it; only then is its first passage due.
    # The claim in the archive keeps this exactly-once if the bot already posted it itself.
    await day.sandbox.wait_for_sent(day.web.chat_id, 1, timeout=10)
    await deliver_due(day.app)


async def post(page: Page, member: str, text: str) -> None:
    """Type a message as a member and send it with Enter."""
    # An admin is listed as "Ana (admin)": pick the option by the name it starts with.
    option = page.locator("#member option").filter(has_text=re.compile(rf"^{member}\b"))
    await page.select_option("#member", value=await option.first.get_attribute("value"))
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_a_day_in_the_web_chat(day: Day) -> None:
    from playwright.async_api import expect

    tab = day.tab
    await morning_comes(day)
    # The day's post: a bot message with the passage quoted and its counterpoint.
    morning = tab.locator("article.msg.bot", has=tab.locator("blockquote")).first
    await expect(morning).to_contain_text("Counterpoint", timeout=WAIT_MS)
    morning_id = await morning.get_attribute("data-id")

    await post(tab, "Bo", "Good morning, readers <b>not bold</b>")
    greeting = tab.locator('article[data-author="Bo"]')
    await expect(greeting).to_contain_text("Good morning, readers <b>not bold</b>")
    assert await tab.locator(".messages b", has_text="not bold").count() == 0

    await morning.locator(":scope > .reply-btn").click()
    await expect(tab.locator("#replying-name")).to_have_text("Commons Bot")
    await post(tab, "Cy", "A commons needs caretakers more than rules.")
    thread = tab.locator(f'.node:has(> article[data-id="{morning_id}"]) > .replies')
    await expect(thread.locator('article[data-author="Cy"]')).to_contain_text(
        "A commons needs caretakers"
    )

    await post(tab, "Ana", "/digest")
    answers = tab.locator('.node:has(> article[data-author="Ana"]) > .replies article.msg.bot')
    digest = answers.filter(has_text="A commons needs caretakers").first
    await expect(digest).to_contain_text("Cy", timeout=WAIT_MS)

    SCREENSHOT.parent.mkdir(exist_ok=True)
    await tab.screenshot(path=str(SCREENSHOT), animations="disabled")
