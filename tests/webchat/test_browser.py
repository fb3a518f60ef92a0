"""The web chat in a real browser, with the real bot: a whole week in the demo group, end to end.

Needs Playwright (``pip install playwright``) and Debian's Chromium at /usr/bin/chromium; no
browser download. Leaves a screenshot of each step in the folder ``WEBCHAT_SCREENSHOTS`` names
(default: tests/artifacts/webchat/), for CI to keep, and of the evening at a phone's width
(390 px) and a laptop's (1280 px).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.sandbox import Sandbox
from bot.webchat import WebChat
from tests.webchat.site import rehearsal

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page
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
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(
    os.environ.get("WEBCHAT_SCREENSHOTS") or ROOT / "tests" / "artifacts" / "webchat"
)
HAS_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
WAIT_MS = 30_000  # the bot paces group messages as Telegram requires
# A Monday mid-morning, years ahead of the real date, so no JobQueue timer fires during the test.
MONDAY = datetime(2030, 6, 3, 10, 0, tzinfo=UTC)
POST = "written in the margin by a reader"
VIEWPORT = {"width": 1000, "height": 1400}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.timeout(240),
    pytest.mark.skipif(
        not HAS_PLAYWRIGHT, reason="playwright is not installed (pip install playwright)"
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no Chromium on PATH (apt-get install chromium)"
    ),
]


@dataclass
class Week:
    """Everything running for the test: sandbox, web chat, the real bot, and a browser tab."""

    sandbox: Sandbox
    web: WebChat
    app: Application[Any, Any, Any, Any, Any, Any]
    tab: Page

    async def snap(self, name: str) -> None:
        """Save a screenshot of the page as it is now."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")

    async def snap_at(self, name: str, viewport: dict[str, int]) -> float:
        """Save a screenshot at another size; return the share of its height the conversation
        gets."""
        await self.tab.set_viewport_size(viewport)
        await self.snap(f"{name}-{viewport['width']}px")
        box = await self.tab.locator("#messages").bounding_box()
        await self.tab.set_viewport_size(VIEWPORT)
        assert box is not None
        return float(box["height"]) / viewport["height"]

    def bot_says(self, marker: str) -> Locator:
        """Return the bot's messages holding ``marker``."""
        return self.tab.locator("article.msg.bot", has_text=marker)

    def sent_count(self, marker: str) -> int:
        """Return how many of the bot's messages to the group hold ``marker``."""
        sent = self.sandbox.sent_messages(self.web.chat_id)
        return sum(marker in (s["message"].get("text") or "") for s in sent)


@pytest.fixture
async def week(sandbox: SandboxFactory, tmp_path: Path) -> AsyncIterator[Week]:
    """Yield the sandbox, the web chat, the real bot and Chromium on one clock at MONDAY."""
    from playwright.async_api import async_playwright

    async with rehearsal(sandbox, tmp_path / "c.db", MONDAY) as r, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # An American browser, whose own way with times is 12-hour.
            tab = await browser.new_page(viewport=VIEWPORT, locale="en-US")
            tab.set_default_timeout(10_000)
            await tab.goto(r.web.url)
            yield Week(r.sandbox, r.web, r.app, tab)
        finally:
            await browser.close()


async def choose(page: Page, member: str) -> None:
    """Act as this member from now on (the composer's "as" list)."""
    # An admin is listed as "Ana (admin)": pick the option by the name it starts with.
    option = page.locator("#member option").filter(has_text=re.compile(rf"^{member}\b"))
    await page.select_option("#member", value=await option.first.get_attribute("value"))


async def post(page: Page, member: str, text: str) -> None:
    """Type a message as a member and send it with Enter."""
    await choose(page, member)
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def select_text(page: Page, card: Locator, text: str) -> None:
    """Select ``text`` inside a message's body, as a person dragging the mouse would."""
    await card.locator(":scope > .body").evaluate(
        """(body, wanted) => {
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(wanted);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + wanted.length);
                document.getSelection().removeAllRanges();
                document.getSelection().addRange(range);
                return;
            }
            throw new Error(`no text node holds ${wanted}`);
        }""",
        text,
    )


async def test_a_week_in_the_web_chat(week: Week) -> None:
    from playwright.async_api import expect

    tab = week.tab
    # Monday: the bot joins, greets the group and posts the day's passage.
    monday = week.bot_says("Commons, Monday 3 June")
    await expect(monday).to_contain_text("Counterpoint", timeout=WAIT_MS)
    await expect(tab.locator("#now")).to_have_text("Mon 3 Jun 10:00 (UTC)")
    # Opened at the printed address; the key went on in a cookie, out of the address bar.
    assert tab.url == f"http://127.0.0.1:{week.web.port}/"
    await week.snap("01-monday-morning")

    # What a person types is shown as typed, never as markup.
    await post(tab, "Bo", "Good morning, readers <b>not bold</b>")
    greeting = tab.locator('article[data-author="Bo"]')
    await expect(greeting).to_contain_text("Good morning, readers <b>not bold</b>")
    assert await tab.locator(".messages b", has_text="not bold").count() == 0

    # Ana, the group's admin, asks for a poll with each morning passage, from tomorrow.
    await post(tab, "Ana", "/setpoll on")
    await expect(week.bot_says("/setpoll): on")).to_have_count(1, timeout=WAIT_MS)

    # A reply to the post, and a reply to that reply.
    await monday.locator(":scope > .reply-btn").first.click()
    await post(tab, "Cy", "A commons needs caretakers more than rules.")
    cy = tab.locator('article[data-author="Cy"]')
    await expect(cy).to_contain_text("caretakers")
    await cy.locator(":scope > .reply-btn").first.click()
    await post(tab, "Dee", "Caretakers are free people too.")
    thread = tab.locator(f'.node:has(> article[data-id="{await cy.get_attribute("data-id")}"])')
    await expect(thread.locator('.replies article[data-author="Dee"]')).to_be_visible()
    await week.snap("02-replies")

    # Evening, pressed and the page reloaded at once: the move runs to its end anyway, and
    # its digest comes, once, with both replies and the day's counterpoint.
    async with tab.expect_request(lambda r: r.url.endswith("/api/clock") and r.method == "POST"):
        await tab.click("#to-evening")
    await tab.reload()
    digest = week.bot_says("Evening digest · Monday 3 June")
    await expect(digest).to_contain_text("Dee: Caretakers are free people too.", timeout=WAIT_MS)
    await expect(digest).to_contain_text("Cy: A commons needs caretakers")
    await expect(digest).to_contain_text("Counterpoint")
    await expect(digest).to_have_count(1)
    await expect(tab.locator("#now")).to_have_text("Mon 3 Jun 21:00 (UTC)")
    # Times in 24-hour format, in the group's zone, as the clock bar and the bot write them.
    await expect(digest.locator(":scope > .meta .time")).to_have_text("Mon 21:00")
    # Pressed again: nothing more is due, and nothing is sent twice.
    await tab.click("#to-evening")
    await expect(tab.locator("#status")).to_have_text(
        "It is now Mon 3 Jun 21:00: the bot sent 0 posts here on the way."
    )
    assert week.sent_count("Evening digest · Monday") == 1
    await post(tab, "Ana", "/status")
    status = week.bot_says("Last evening digest")
    await expect(status).to_contain_text(
        "Last evening digest: sent Mon 3 Jun 21:00", timeout=WAIT_MS
    )
    await week.snap("03-evening-digest")
    # On a phone the conversation gets most of the screen; a laptop shows it as it is.
    assert await week.snap_at("03-evening-digest", PHONE) > 2 / 3
    assert await week.snap_at("03-evening-digest", LAPTOP) > 2 / 3

    # Every ↗ in the digest lands on its message in the page.
    await digest.locator("a.msg-link").nth(1).click()  # the first is the morning post's
    await expect(cy).to_have_class(re.compile(r"\bhighlight\b"))
    await expect(cy).to_be_in_viewport()

    # Quote a line of the digest in a reply.
    await select_text(tab, digest, "Caretakers are free people too.")
    await digest.locator(":scope > .quote-btn").click()
    await expect(tab.locator("#replying-how")).to_have_text("Quoting")
    await post(tab, "Eli", "Free, and tired. Both.")
    eli = tab.locator('article[data-author="Eli"]')
    await expect(eli.locator(".quoted")).to_have_text("Caretakers are free people too.")
    sent = week.sandbox.messages(week.web.chat_id)
    quoted = next(m for m in reversed(sent) if m.get("text") == "Free, and tired. Both.")
    digest_text = quoted["reply_to_message"]["text"]
    assert quoted["quote"] == {
        "text": "Caretakers are free people too.",
        "position": len(digest_text[: digest_text.index("Caretakers")].encode("utf-16-le")) // 2,
        "is_manual": True,
    }
    await week.snap("04-quoted-reply")

    # Next morning: Tuesday's passage, once.
    await tab.click("#to-morning")
    tuesday = week.bot_says("Commons, Tuesday 4 June")
    await expect(tuesday).to_have_count(1, timeout=WAIT_MS)
    await expect(tab.locator("#now")).to_have_text("Tue 4 Jun 09:00 (UTC)")
    assert (week.sent_count(POST), week.sent_count("Evening digest · Monday")) == (2, 1)
    await week.snap("05-next-morning")

    # The day's poll came with it: Bo votes, Cy reacts to the passage with the picker.
    poll = week.bot_says("Where do you stand today?")
    await expect(poll).to_have_count(1, timeout=WAIT_MS)
    await choose(tab, "Bo")
    await poll.locator(".answer", has_text="With the counterpoint").click()
    await expect(poll.locator(".answer").nth(1)).to_have_text("With the counterpoint · 1")
    await choose(tab, "Cy")
    await tuesday.locator(":scope > .react-btn").click()
    await tuesday.locator(".picker .pick", has_text="🔥").click()
    await expect(tuesday.locator(":scope > .reactions")).to_have_text("🔥 1")
    await week.snap("05b-reaction-and-poll")
    # The evening digest closes the poll and shows both; Cy, who wrote nothing, is named.
    await tab.click("#to-evening")
    tuesday_digest = week.bot_says("Evening digest · Tuesday 4 June")
    await expect(tuesday_digest).to_contain_text("· 🔥 1", timeout=WAIT_MS)
    await expect(tuesday_digest).to_contain_text(
        "Where we stood: with the passage 0 · with the counterpoint 1 · between 0 · not sure 0"
    )
    await expect(tuesday_digest).to_contain_text("Also with us today: Cy.")
    await expect(poll.locator(".question")).to_have_text("Where do you stand today? (closed)")
    await week.snap("05c-digest-with-reactions-and-poll")

    # End of week: every day on the way, once each, and the weekly digest last.
    await tab.click("#to-week")
    weekly = week.bot_says("Weekly digest ·")
    await expect(weekly).to_have_count(1, timeout=WAIT_MS)
    await expect(tab.locator("#now")).to_have_text("Sun 9 Jun 18:00 (UTC)")
    await expect(weekly).to_contain_text("Cy: A commons needs caretakers more than rules.")
    # Eli's reply quoting Dee's line in the digest joined Dee's thread.
    await expect(weekly).to_contain_text("2 replies, with Dee and Eli")
    assert week.sent_count(POST) == 7
    await weekly.scroll_into_view_if_needed()
    await week.snap("06-end-of-week")

    # One click to a member's private chat with the bot.
    await tab.select_option("#member", label="Bo")
    await tab.click("#private")
    await expect(tab.locator("#chat-title")).to_have_text("Bo ↔ Commons Bot")
    # The bot answers the member's /start there.
    await expect(tab.locator("article.msg.bot").first).to_contain_text("/privacy", timeout=WAIT_MS)
    await week.snap("07-private-chat")


async def test_a_suggestion_approved_with_its_button_is_posted_next_morning(week: Week) -> None:
    from playwright.async_api import expect

    tab = week.tab
    await expect(week.bot_says("Commons, Monday 3 June")).to_have_count(1, timeout=WAIT_MS)

    # Bo suggests a passage; Ana opens the queue.
    await post(tab, "Bo", "/suggest Shared tools outlast their owners. // but who oils them?")
    await expect(week.bot_says("Suggestion #1 is in the admins' queue")).to_have_count(
        1, timeout=WAIT_MS
    )
    await post(tab, "Ana", "/suggestions")
    queue = week.bot_says("1 suggestion waiting")
    approve = queue.locator(".inline-btn", has_text="Approve #1")
    await expect(approve).to_be_visible(timeout=WAIT_MS)
    await week.snap("08-suggestion-queue")

    # Cy is no admin: the press is refused, in the bot's popup.
    await tab.select_option("#member", label="Cy")
    await approve.click()
    await expect(tab.locator("#status")).to_have_text(
        "Commons Bot: Sorry, only this chat's admins can change that."
    )
    # Ana's press counts: the popup says when it comes, and the buttons leave the queue.
    option = tab.locator("#member option").filter(has_text=re.compile(r"^Ana\b"))
    await tab.select_option("#member", value=await option.first.get_attribute("value"))
    await approve.click()
    await expect(tab.locator("#status")).to_have_text(
        "Commons Bot: Approved #1: it comes on Tuesday 4 June."
    )
    await expect(queue.locator(".inline-btn")).to_have_count(0)
    await expect(week.bot_says("Bo: your suggestion #1 was approved")).to_have_count(1)

    # Next morning: the suggestion, credited to Bo, before the book goes on.
    await tab.click("#to-morning")
    tuesday = week.bot_says("Commons, Tuesday 4 June")
    await expect(tuesday).to_have_count(1, timeout=WAIT_MS)
    await expect(tuesday).to_contain_text("suggested by Bo")
    await expect(tuesday).to_contain_text("Shared tools outlast their owners.")
    await expect(tuesday).to_contain_text("but who oils them?")
    await week.snap("09-suggestion-posted")
