"""The web chat's clock: the real bot, its sandbox and the page share one clock the page moves.

Moving it runs what falls due through the bot's own delivery (claims in the archive first), so
each post comes once, ``/status`` agrees, and a second press posts nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.archive.store import Store
from bot.demo.clock import MovableClock
from bot.handlers.app import App
from bot.sandbox import Fault, Sandbox
from bot.webchat import WebChat, start_webchat
from tests.processes import start_bot, stop, web_chat_url
from tests.webchat.site import open_web_chat, rehearsal

SandboxFactory = Callable[..., Awaitable[Sandbox]]
# A Monday mid-morning years ahead of the real clock, so the JobQueue's own timers stay quiet.
MONDAY = datetime(2030, 6, 3, 10, 0, tzinfo=UTC)
PASSAGE = "written in the margin by a reader"
pytestmark = pytest.mark.timeout(120)


@dataclass
class Week:
    """The real bot, its sandbox and the web chat on one movable clock, and a client."""

    sandbox: Sandbox
    web: WebChat
    app: App
    clock: MovableClock
    client: httpx.AsyncClient

    @staticmethod
    def texts_of(sandbox: Sandbox, web: WebChat) -> list[str]:
        return [s["text"] or "" for s in sandbox.sent_messages(web.chat_id)]

    def texts(self) -> list[str]:
        return self.texts_of(self.sandbox, self.web)

    def count(self, marker: str) -> int:
        return sum(marker in text for text in self.texts())

    def admin(self) -> int:
        state = self.sandbox.world.find_chat(self.web.chat_id)
        return next(uid for uid, status in state.members.items() if status == "creator")

    async def move(self, to: str) -> httpx.Response:
        return await self.client.post("/api/clock", json={"chat_id": self.web.chat_id, "to": to})

    async def reply_to_morning(self, text: str) -> None:
        """A member answers the latest morning post, and the bot has stored it."""
        post = next(
            s
            for s in reversed(self.sandbox.sent_messages(self.web.chat_id))
            if PASSAGE in (s["text"] or "")
        )
        await self.sandbox.send_message(
            self.web.chat_id, self.admin(), text, reply_to=post["message_id"]
        )
        await self.command("/curiosities")  # answered after the reply is handled, in order

    async def command(self, text: str) -> str:
        """The group's admin sends a command; return the bot's answer."""
        before = len(self.texts())
        await self.sandbox.send_message(self.web.chat_id, self.admin(), text)
        sent = await self.sandbox.wait_for_sent(self.web.chat_id, before + 1, timeout=10)
        return str(sent[before]["message"]["text"])


@pytest.fixture
async def week(sandbox: SandboxFactory, tmp_path: Path) -> AsyncIterator[Week]:
    async with rehearsal(sandbox, tmp_path / "c.db", MONDAY) as r:
        # The bot joins the demo group, greets it and posts the day's passage.
        await r.sandbox.wait_for(
            lambda: any(PASSAGE in s for s in Week.texts_of(r.sandbox, r.web)), timeout=10
        )
        async with open_web_chat(r.web.url, timeout=60) as client:
            yield Week(r.sandbox, r.web, r.app, r.clock, client)


async def test_the_clock_reads_in_the_groups_zone_with_where_each_button_goes(week: Week) -> None:
    response = await week.client.get("/api/clock", params={"chat_id": week.web.chat_id})
    clock = response.json()["clock"]
    assert (clock["local"], clock["timezone"], clock["today"]) == (
        "Mon 3 Jun 10:00",
        "UTC",
        "2030-06-03",
    )
    assert clock["targets"] == {
        "evening": "Mon 3 Jun 21:00",
        "morning": "Tue 4 Jun 09:00",
        "week": "Sun 9 Jun 18:00",
    }


@pytest.mark.slow
async def test_evening_posts_the_digest_once_and_status_agrees(week: Week) -> None:
    await week.reply_to_morning("Freedom first, then the network.")
    first = await week.move("evening")
    again = await week.move("evening")
    assert (first.json()["clock"]["local"], first.json()["clock"]["sent"]) == (
        "Mon 3 Jun 21:00",
        1,
    )
    assert (again.json()["clock"]["local"], again.json()["clock"]["sent"]) == (
        "Mon 3 Jun 21:00",
        0,
    )
    assert week.count("Evening digest · Monday 3 June") == 1
    assert week.count("Freedom first, then the network.") == 1
    status = await week.command("/status")
    assert "Last evening digest: sent Mon 3 Jun 21:00 (UTC)" in status
    assert "Evening digest: next Tue 4 Jun 21:00 (UTC)" in status


async def test_next_morning_brings_the_next_passage_once_after_the_evening(week: Week) -> None:
    monday_post = week.texts()[-1]
    response = await week.move("morning")
    assert response.json()["clock"]["local"] == "Tue 4 Jun 09:00"
    texts = week.texts()
    # Passing Monday evening on the way, its digest went out first, then Tuesday's passage.
    assert texts[-2].startswith("<b>Monday 3 June</b>: a quiet day")
    assert "Commons, Tuesday 4 June" in texts[-1]
    assert texts[-1] != monday_post
    assert week.count(PASSAGE) == 2


@pytest.mark.slow
async def test_end_of_week_runs_every_day_between_and_ends_on_the_weekly_digest(
    week: Week,
) -> None:
    await week.reply_to_morning("Freedom first, then the network.")
    response = await week.move("week")
    again = await week.move("week")
    assert response.json()["clock"]["local"] == "Sun 9 Jun 18:00"
    assert again.json()["clock"]["sent"] == 0
    assert week.count(PASSAGE) == 7  # Monday to Sunday, one each
    assert week.count("<b>Evening digest · Monday 3 June</b>") == 1
    # Nobody spoke after Monday: each evening to Saturday is the quiet day's one line.
    days = ["Tuesday 4", "Wednesday 5", "Thursday 6", "Friday 7", "Saturday 8"]
    assert [week.count(f"<b>{day} June</b>: a quiet day") for day in days] == [1] * 5
    assert week.count("Weekly digest ·") == 1
    assert "Weekly digest ·" in week.texts()[-1]


async def test_a_silent_group_gets_no_quiet_day_digests_on_the_way(week: Week) -> None:
    await week.command("/quietday silent")
    await week.move("2030-06-06")  # Thursday morning
    assert (week.count("a quiet day, no replies"), week.count("<b>Evening digest")) == (0, 0)
    assert week.count(PASSAGE) == 4
    status = await week.command("/status")
    assert "Last evening digest: nothing to post (Wed 5 Jun)" in status


async def test_a_day_picked_ahead_lands_on_its_morning(week: Week) -> None:
    response = await week.move("2030-06-05")
    assert response.json()["clock"]["local"] == "Wed 5 Jun 09:00"
    assert "Commons, Wednesday 5 June" in week.texts()[-1]


@pytest.mark.parametrize(
    ("to", "error"),
    [
        ("2030-06-02", "time only moves forward: pick today or a day ahead"),
        ("2030-08-01", "pick a day at most 28 days ahead"),
        ("tomorrow", "move the clock to evening, morning, week or a YYYY-MM-DD date"),
    ],
)
async def test_the_clock_refuses_what_it_cannot_do(week: Week, to: str, error: str) -> None:
    before = week.clock()
    response = await week.move(to)
    assert (response.status_code, response.json(), week.clock()) == (400, {"error": error}, before)


async def test_without_a_bot_the_page_has_no_clock(sandbox: SandboxFactory) -> None:
    sb = await sandbox()
    web = await start_webchat(sb, port=0)
    try:
        async with open_web_chat(web.url) as client:
            read = await client.get("/api/clock")
            move = await client.post("/api/clock", json={"to": "evening"})
    finally:
        await web.stop()
    assert read.json() == {"clock": None}
    assert move.status_code == 400


async def test_the_no_token_run_gives_the_page_the_bots_clock(tmp_path: Path) -> None:
    process = await start_bot(tmp_path, COMMONS_WEB_PORT="0")
    try:
        async with open_web_chat(await web_chat_url(process)) as client:
            # The bot meets the demo group as it starts; then the page can move its clock.
            for _ in range(100):
                clock = (await client.get("/api/clock")).json()["clock"]
                if clock["local"] is not None:
                    break
                await asyncio.sleep(0.1)
    finally:
        await stop(process)
    assert (clock["timezone"], sorted(clock["targets"])) == ("UTC", ["evening", "morning", "week"])


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; poll it (it may watch no event) until the deadline."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the condition did not hold in time")
        await asyncio.sleep(0.01)


async def test_a_move_cut_by_a_reload_still_posts_the_digest_once(week: Week) -> None:
    await week.reply_to_morning("Freedom first, then the network.")
    # The digest's send is slow, so the page can go away between its claim and its send.
    week.sandbox.faults.script("sendMessage", [Fault.slow(1.0)])
    async with open_web_chat(week.web.url, timeout=60) as page:
        body = {"chat_id": week.web.chat_id, "to": "evening"}
        pressed = asyncio.create_task(page.post("/api/clock", json=body))
        await until(
            lambda: any(c["fault"] == "slow" for c in week.sandbox.calls_to("sendMessage"))
        )
        pressed.cancel()  # the reload: the browser drops the request
        with pytest.raises(asyncio.CancelledError):
            await pressed
    # Pressed again after the reload: it waits for the first move, whose digest came.
    again = await week.move("evening")
    post = await week.app.bot_data["commons"].archive.run(
        Store.get_post, week.web.chat_id, "2030-06-03", "digest"
    )
    assert (again.json()["clock"]["local"], post and post["status"]) == ("Mon 3 Jun 21:00", "sent")
    assert week.count("Evening digest · Monday 3 June") == 1
    status = await week.command("/status")
    assert "Last evening digest: sent Mon 3 Jun 21:00 (UTC)" in status


async def test_the_line_after_a_move_speaks_the_chats_language_and_counts_its_posts(
    week: Week,
) -> None:
    await week.command("/setlang es")
    # Another group, whose posts the page's count must leave out.
    people = [await week.sandbox.create_user(name) for name in ("Flo", "Gus")]
    other = await week.sandbox.create_supergroup("Another Group", people)
    await week.sandbox.add_bot(other, by=people[0], admin=True)
    await week.sandbox.wait_for(
        lambda: any(PASSAGE in (s["text"] or "") for s in week.sandbox.sent_messages(other)),
        timeout=10,
    )
    clock = (await week.move("evening")).json()["clock"]
    others = [s["text"] or "" for s in week.sandbox.sent_messages(other)]
    assert sum("<b>Monday 3 June</b>" in text for text in others) == 1  # its digest came too
    assert (clock["sent"], clock["summary"]) == (
        1,
        "Ahora es lun, 3 jun 21:00: mientras tanto, el bot envió 1 publicación aquí.",
    )
