"""Schedules end to end on a frozen clock: local times, daylight saving, restarts, fan-out."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.archive.store import Store
from bot.handlers import build_application, sweep
from bot.handlers.app import polite_rate_limiter, post_init, post_shutdown
from bot.handlers.sweep import deliver_due, next_runs, run_slot
from bot.sandbox import Limits
from tests.harness import BotWorld, make_world


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, ("Ana", "Bo"))


async def private_chat(world: BotWorld, name: str, timezone: str, **settings) -> dict:
    """A private chat with a member, registered with the given zone and settings."""
    chat = await world.sandbox.create_private_chat(world.members[name])
    await world.archive.run(Store.register_chat, chat["id"], type="private", title=name, now=0)
    await world.archive.run(Store.update_chat, chat["id"], timezone=timezone, **settings)
    return chat


def passages(world: BotWorld, chat: dict) -> list[dict]:
    return [s for s in world.sent(chat) if "written in the margin" in (s["text"] or "")]


async def run_hourly(world: BotWorld, until: datetime, step=timedelta(minutes=30)) -> None:
    """Move the clock forward step by step, running the sweep each time."""
    while world.clock() < until:
        world.clock.advance(seconds=step.total_seconds())
        await world.deliver_due()


@pytest.mark.parametrize(
    ("timezone", "utc_post"),
    [("Asia/Kathmandu", datetime(2030, 3, 6, 3, 15, tzinfo=UTC)),
     ("America/Los_Angeles", datetime(2030, 3, 6, 17, 0, tzinfo=UTC))],
)  # fmt: skip
async def test_each_chat_gets_its_post_at_its_own_nine(world, timezone, utc_post):
    world.clock.set(datetime(2030, 3, 5, 23, 0, tzinfo=UTC))
    async with world.running():
        # Registered yesterday, so nothing of today was missed on joining.
        world.clock.set(utc_post - timedelta(hours=12))
        chat = await private_chat(world, "Ana", timezone, digest_time="23:59")
        world.clock.set(utc_post - timedelta(minutes=1))
        await world.deliver_due()
        before = len(passages(world, chat))
        world.clock.set(utc_post)
        await world.deliver_due()
        await world.deliver_due()
    assert (before, len(passages(world, chat))) == (0, 1)


@pytest.mark.parametrize(
    ("post_time", "first_day", "expected_utc"),
    [
        ("09:00", datetime(2030, 3, 30, tzinfo=UTC), ["2030-03-30 08:00", "2030-03-31 07:00"]),
        ("02:30", datetime(2030, 3, 30, tzinfo=UTC), ["2030-03-30 01:30", "2030-03-31 01:00"]),
        ("09:00", datetime(2030, 10, 26, tzinfo=UTC), ["2030-10-26 07:00", "2030-10-27 08:00"]),
        ("02:30", datetime(2030, 10, 26, tzinfo=UTC), ["2030-10-26 00:30", "2030-10-27 00:30"]),
    ],
    ids=["spring-09:00", "spring-gap", "autumn-09:00", "autumn-fold"],
)
async def test_berlin_daylight_saving_days_post_once_at_local_time(
    world, post_time, first_day, expected_utc
):
    world.clock.set(first_day)
    async with world.running():
        chat = await private_chat(world, "Ana", "Europe/Berlin", post_time=post_time)
        await run_hourly(world, first_day + timedelta(days=2), step=timedelta(minutes=15))
    dates = [
        datetime.fromtimestamp(p["date"], UTC).strftime("%Y-%m-%d %H:%M")
        for p in passages(world, chat)
    ]
    assert dates == expected_utc


async def test_restart_mid_day_sends_nothing_twice(world):
    world.clock.set(datetime(2030, 3, 5, 10, 0, tzinfo=UTC))
    async with world.running():
        chat = await private_chat(world, "Ana", "UTC")
        await world.deliver_due()
    for _ in range(3):
        world.clock.advance(minutes=5)
        async with world.running():
            await world.deliver_due()
    assert len(passages(world, chat)) == 1


async def test_restart_after_post_time_catches_up_once(world):
    world.clock.set(datetime(2030, 3, 4, 20, 0, tzinfo=UTC))
    async with world.running():
        chat = await private_chat(world, "Ana", "UTC")
    # The first start may catch up the 4th's passage (Ana joined after 09:00), if its sweep
    # comes before it stops: a day of its own, as the 5th is.
    before = len(passages(world, chat))
    world.clock.set(datetime(2030, 3, 5, 13, 0, tzinfo=UTC))  # down through 09:00
    async with world.running():
        await world.sandbox.wait_for(lambda: len(passages(world, chat)) == before + 1, timeout=10)
        await world.deliver_due()
    days = [datetime.fromtimestamp(p["date"], UTC).date() for p in passages(world, chat)]
    assert (days[before:], len(set(days))) == ([date(2030, 3, 5)], len(days))


async def test_two_processes_on_one_archive_post_once(world):
    world.clock.set(datetime(2030, 3, 5, 10, 0, tzinfo=UTC))
    async with world.running() as first:
        chats = [await private_chat(world, n, "UTC") for n in ("Ana", "Bo")]
        second = build_application(world.config, clock=world.clock)
        async with second:
            await post_init(second)
            await asyncio.gather(deliver_due(first), deliver_due(second), deliver_due(first))
            await post_shutdown(second)
    assert [len(passages(world, c)) for c in chats] == [1, 1]


async def test_settings_changes_reschedule_at_once(world):
    world.clock.set(datetime(2030, 3, 5, 10, 0, tzinfo=UTC))
    async with world.running() as app:
        group = await world.group_with_bot("G", ["Ana"])
        before = next_runs(app, group["id"])["passage"]
        await world.command(group, "Ana", "/settz Asia/Kathmandu")
        await world.command(group, "Ana", "/settime 07:30")
        after = next_runs(app, group["id"])["passage"]
        await world.command(group, "Ana", "/pause")
        paused = next_runs(app, group["id"])
    assert before == datetime(2030, 3, 6, 9, 0, tzinfo=UTC)
    assert after == datetime(2030, 3, 6, 1, 45, tzinfo=UTC)  # 07:30 at +05:45
    assert paused == {"passage": None, "digest": None, "weekly": None}


async def test_paused_days_are_not_caught_up(world):
    world.clock.set(datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    async with world.running():
        chat = await private_chat(world, "Ana", "UTC", paused=True)
        world.clock.set(datetime(2030, 3, 5, 12, 0, tzinfo=UTC))
        await world.deliver_due()
        await world.command(chat, "Ana", "/resume")
        await world.deliver_due()
        world.clock.set(datetime(2030, 3, 6, 9, 0, tzinfo=UTC))
        await world.deliver_due()
    days = [
        datetime.fromtimestamp(p["date"], UTC).date().isoformat() for p in passages(world, chat)
    ]
    assert days == ["2030-03-06"]


# A test of pacing: coverage's tracing would slow the in-process sandbox and skew it.
@pytest.mark.slow
@pytest.mark.no_cover
async def test_a_thousand_chats_due_at_once_each_get_one_post_without_429s(
    sandbox, tmp_path, caplog
):
    # Limits scaled ten times (300/s) so the suite stays quick; the pacing logic is the same.
    world = await make_world(sandbox, tmp_path, ())
    world.sandbox.set_limits(Limits().scaled(10))
    world.clock.set(datetime(2030, 3, 5, 8, 59, tzinfo=UTC))
    app = build_application(world.config, clock=world.clock, rate_limiter=polite_rate_limiter(290))
    async with app:
        await post_init(app)
        owner = await world.sandbox.create_user("Owner")
        groups = [
            await world.sandbox.create_group(f"G{i}", [owner], with_bot=True) for i in range(1000)
        ]
        archive = app.bot_data["commons"].archive
        for group in groups:
            await archive.run(
                Store.register_chat, group["id"], type="group", title=group["title"], now=0
            )
        world.clock.set(datetime(2030, 3, 5, 9, 0, tzinfo=UTC))
        with caplog.at_level(logging.WARNING):
            outcomes = await deliver_due(app)
            # On a starved machine a send can time out before it leaves; the sweep tries it
            # again a minute later, as it would for any passing trouble.
            for _ in range(3):
                if "failed" not in outcomes:
                    break
                world.clock.advance(seconds=61)
                outcomes = [o for o in outcomes if o != "failed"] + await deliver_due(app)
        await post_shutdown(app)
    per_chat = Counter(s["chat_id"] for g in groups for s in world.sandbox.sent_messages(g))
    refused = [c for c in world.sandbox.calls if c["status"] == 429]
    assert Counter(outcomes) == Counter({"sent": 1000})
    assert set(per_chat.values()) == {1} and len(per_chat) == 1000
    assert (refused, [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]) == (
        [],
        [],
    )


@pytest.mark.slow
async def test_the_evening_digest_of_a_scripted_day_arrives_as_valid_telegram_html(world):
    world.clock.set(datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    async with world.running():
        group = await world.sandbox.create_supergroup(
            "Readers", [world.members["Ana"], world.members["Bo"]]
        )
        await world.sandbox.add_bot(group, by=world.members["Ana"], admin=True)
        await world.sandbox.wait_for_sent(group, 1)
        world.clock.set(datetime(2030, 3, 5, 9, 0, tzinfo=UTC))
        await world.deliver_due()
        post = passages(world, group)[0]
        ana = await world.say(
            group, "Ana", "Is <care> & noticing a kind of measure?", reply_to=post["message_id"]
        )
        await world.say(group, "Bo", "Only if someone writes it down.", reply_to=ana["message_id"])
        await world.command(group, "Bo", "/curious what stays when nobody counts?")
        world.clock.set(datetime(2030, 3, 5, 21, 0, tzinfo=UTC))
        await world.deliver_due()
        await world.deliver_due()
    digests = [s for s in world.sent(group) if "Evening digest" in (s["text"] or "")]
    assert len(digests) == 1
    text = digests[0]["message"]["text"]  # the sandbox parsed the HTML as Telegram does
    assert "Ana: Is <care> & noticing a kind of measure?" in text
    assert "Bo: Only if someone writes it down." in text
    assert "Bo: what stays when nobody counts?" in text


@pytest.mark.parametrize(("choice", "expected"), [("line", 1), ("silent", 0)])
async def test_a_quiet_day_gets_one_short_line_or_nothing(world, choice, expected):
    world.clock.set(datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    async with world.running():
        group = await world.group_with_bot("Readers", ["Ana"])
        answer = await world.command(group, "Ana", f"/quietday {choice}")
        world.clock.set(datetime(2030, 3, 5, 21, 0, tzinfo=UTC))
        await world.deliver_due()
        await world.deliver_due()
        post = await world.archive.run(Store.get_post, group["id"], "2030-03-05", "digest")
    digests = [s["text"] for s in world.sent(group) if "no replies and no" in (s["text"] or "")]
    assert "On a quiet day the evening digest is" in answer
    assert (len(digests), post["status"]) == (expected, "sent" if expected else "skipped")
    assert all(len(text) < 300 for text in digests)


async def test_every_chat_is_scheduled_at_start_when_read_a_page_at_a_time(world, monkeypatch):
    monkeypatch.setattr(sweep, "CHATS_PAGE", 2)
    world.clock.set(datetime(2030, 3, 5, 10, 0, tzinfo=UTC))
    async with world.running():
        chats = [await private_chat(world, name, "UTC") for name in ("Ana", "Bo")]
        for n in range(3):
            group = await world.sandbox.create_group(f"Group {n}", [world.members["Ana"]])
            await world.archive.run(
                Store.register_chat, group["id"], type="group", title="g", now=0
            )
            chats.append(group)
    async with world.running() as app:
        scheduled = {job.chat_id for job in app.job_queue.jobs() if job.callback is run_slot}
    assert scheduled == {chat["id"] for chat in chats}


async def test_the_sweep_says_in_one_log_line_how_its_due_slots_went(world, caplog):
    world.clock.set(datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    async with world.running():
        chat = await private_chat(world, "Ana", "UTC")
        world.clock.set(datetime(2030, 3, 5, 21, 30, tzinfo=UTC))  # the passage and digest due
        with caplog.at_level(logging.INFO, logger="bot.handlers.sweep"):
            await world.deliver_due()
            await world.deliver_due()  # nothing left to do: no line
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.handlers.sweep"]
    assert lines == ["sweep: 2 due slots: sent=2"]
    assert len(passages(world, chat)) == 1


async def test_a_chats_job_posts_its_passage_once_at_its_time_and_schedules_the_next(world):
    world.clock.set(datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    async with world.running() as app:
        chat = await private_chat(world, "Ana", "UTC")
        sweep.schedule_chat(app, await world.archive.run(Store.get_chat, chat["id"]))
        job = app.job_queue.get_jobs_by_name(f"passage:{chat['id']}")[0]
        first = job.next_t
        world.clock.set(datetime(2030, 3, 5, 9, 0, tzinfo=UTC))  # its time comes: the job runs
        await job.run(app)
        await job.run(app)  # fired twice (a restart's catch-up and the job): posted once
        after = next_runs(app, chat["id"])["passage"]
    assert first == datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
    assert len(passages(world, chat)) == 1
    assert after == datetime(2030, 3, 6, 9, 0, tzinfo=UTC)
