"""The reading room and the archive's Datasette in a real browser: a day of the demo's week on a
phone (390 px) and a laptop (1280 px), with a screenshot of each in the folder
``SITE_SCREENSHOTS`` names (default: tests/artifacts/site/); and a canned query run in
Datasette, opened as ``python -m bot browse`` opens it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.archive import Store
from bot.site import build_site
from tests.site.conftest import CORPUS, NOW
from tests.webchat.test_browser import CHROMIUM, CHROMIUM_ARGS, HAS_PLAYWRIGHT, LAPTOP, PHONE

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SITE_SCREENSHOTS") or ROOT / "tests" / "artifacts" / "site")
STARTUP_SECONDS = 30

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        not HAS_PLAYWRIGHT, reason="playwright is not installed (pip install playwright)"
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no Chromium on PATH (apt-get install chromium)"
    ),
]


@pytest.fixture
def demo_site(demo_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Return the demo's archive (published) and its site, built."""
    path = tmp_path / "commons.db"
    shutil.copy(demo_db, path)
    store = Store.open(path)
    [chat] = [c for c in store.active_chats() if c["type"] == "supergroup"]
    chat = store.update_chat(chat["id"], published=True)
    build_site(store, chat, CORPUS, tmp_path / "site", NOW)
    store.close()
    return path, tmp_path / "site"


async def test_a_day_of_the_demo_reads_well_on_a_phone_and_a_laptop(
    demo_site: tuple[Path, Path],
) -> None:
    from playwright.async_api import async_playwright, expect

    monday = sorted((demo_site[1] / "days").glob("*.html"))[0]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # No script runs: the page is whole without JavaScript.
            tab = await browser.new_page(viewport=PHONE, java_script_enabled=False)
            await tab.goto(monday.as_uri())
            await expect(tab.locator("section.threads article")).to_have_count(4)
            await expect(tab.locator("blockquote.counterpoint")).to_be_visible()
            for viewport in (PHONE, LAPTOP):
                await tab.set_viewport_size(viewport)
                shot = SCREENSHOTS / f"day-{viewport['width']}px.png"
                await tab.screenshot(path=str(shot), full_page=True, animations="disabled")
                # Nothing runs off the side: no sideways scrolling on a phone.
                width = await browser_width(tab)
                assert width <= viewport["width"], viewport
                text = await tab.locator("main").bounding_box()
                assert text is not None and text["width"] >= min(viewport["width"] - 40, 600)
        finally:
            await browser.close()


async def browser_width(tab: object) -> int:
    """Return how wide the page's content is (more than the window: it scrolls sideways)."""
    return int(await tab.evaluate("document.documentElement.scrollWidth"))  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def datasette(demo_site: tuple[Path, Path]) -> Iterator[str]:
    """Run ``python -m bot browse`` on the demo's archive; yield its address."""
    port = free_port()
    command = [sys.executable, "-m", "bot", "browse", "--db", str(demo_site[0])]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/-/versions.json").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
            time.sleep(0.1)  # polling a server coming up, not waiting out a schedule
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_datasette_opens_the_archive_and_runs_a_canned_query(
    datasette: str, demo_site: tuple[Path, Path]
) -> None:
    from playwright.async_api import async_playwright, expect

    monday = sorted((demo_site[1] / "days").glob("*.html"))[0].stem
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = await browser.new_page(viewport=LAPTOP)
            await tab.goto(f"{datasette}/commons")
            await tab.get_by_role("link", name="A day's threads in order").click()
            chat_id = await chat_of(demo_site[0])
            await tab.fill("input[name=chat_id]", str(chat_id))
            await tab.fill("input[name=local_date]", monday)
            await tab.click("input[type=submit]")
            await expect(tab.locator("table.rows-and-columns tbody tr")).to_have_count(4)
            await expect(tab.locator("table.rows-and-columns")).to_contain_text("Maximum freedom")
            await tab.screenshot(path=str(SCREENSHOTS / "datasette-day-threads.png"))
        finally:
            await browser.close()


async def chat_of(path: Path) -> int:
    store = Store.open_reader(path)
    try:
        return next(c["id"] for c in store.active_chats() if c["type"] == "supergroup")
    finally:
        store.close()
