"""Backups as the running bot makes them, and the bot after a restore: once a day at its hour,
the newest kept; and a restored archive brings back no post twice."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.archive.backups import backups_in, restore
from bot.handlers import build_application
from bot.handlers.app import running
from bot.handlers.sweep import back_up_if_due
from tests.harness import BotWorld

DAY_ONE = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)


async def test_the_bot_backs_up_once_a_day_at_its_hour_and_keeps_the_newest(world):
    folder = world.db_path.parent / "backups"
    config = replace(world.config, backup_dir=folder, backup_keep=2, backup_at="03:30")
    world.clock.set(datetime(2030, 3, 5, 3, 0, tzinfo=UTC))
    app = build_application(config, clock=world.clock)
    newest = []
    async with running(app, poll_timeout=1):
        for hours in (0, 0.6, 0.7, 24, 24.6, 48.6, 72.6):
            world.clock.set(datetime(2030, 3, 5, 3, 0, tzinfo=UTC) + timedelta(hours=hours))
            await back_up_if_due(app)
            newest.append(newest_backup(folder))
    assert newest == [
        "commons-20300305T030000Z.db",  # the first start: none since yesterday's 03:30
        "commons-20300305T033600Z.db",  # 03:36: the day's backup
        "commons-20300305T033600Z.db",  # 03:42: made already today
        "commons-20300305T033600Z.db",  # the next day at 03:00: not yet
        "commons-20300306T033600Z.db",
        "commons-20300307T033600Z.db",
        "commons-20300308T033600Z.db",
    ]
    assert [p.name for p in backups_in(folder)] == newest[-2:]


def newest_backup(folder: Path) -> str:
    """Return the newest backup's name: the bot's own start-up sweep may have made it a moment
    before the test asked, at the same hour of the same clock."""
    return backups_in(folder)[-1].name


async def test_after_restoring_a_two_day_old_backup_no_recorded_post_is_sent_again(world):
    folder = world.db_path.parent / "backups"
    config = replace(world.config, backup_dir=folder, backup_at="23:00")
    world.clock.set(DAY_ONE)
    async with world.running():
        group = await world.group_with_passage()  # day one's passage
    app = build_application(config, clock=world.clock)
    world.clock.set(DAY_ONE.replace(hour=23, minute=30))
    async with running(app, poll_timeout=1):
        world.app = app
        await world.deliver_due()  # day one's digest
        await back_up_if_due(app)  # the night after day one
        backup = backups_in(folder)[-1]
        for day in (1, 2):  # days two and three, morning and evening
            world.clock.set(DAY_ONE + timedelta(days=day))
            await world.deliver_due()
            world.clock.set(DAY_ONE.replace(hour=21, minute=30) + timedelta(days=day))
            await world.deliver_due()
        world.app = None
    before = sent_per_day(world, group)
    restore(backup, world.db_path, now=DAY_ONE + timedelta(days=3))
    # The morning after day three: the archive remembers day one only.
    world.clock.set(DAY_ONE + timedelta(days=3))
    async with world.running():
        await world.deliver_due()
        await world.deliver_due()
    after = sent_per_day(world, group)
    new = {day: after.get(day, 0) - before.get(day, 0) for day in after}
    # Day one, recorded in the backup, gets nothing again; day four's passage comes once.
    assert new == {"2030-03-05": 0, "2030-03-06": 0, "2030-03-07": 0, "2030-03-08": 1}


def sent_per_day(world: BotWorld, group: dict) -> dict[str, int]:
    """How many passages the group got per UTC day (its zone), by the sandbox's record."""
    days: dict[str, int] = {}
    for sent in world.sent(group):
        if "in the margin" in (sent["message"].get("text") or ""):
            day = datetime.fromtimestamp(sent["message"]["date"], UTC).date().isoformat()
            days[day] = days.get(day, 0) + 1
    return days


async def test_a_backup_restored_the_same_evening_sends_nothing_of_that_day_again(world):
    folder = world.db_path.parent / "backups"
    config = replace(world.config, backup_dir=folder, backup_at="21:30")
    world.clock.set(DAY_ONE)
    async with world.running():
        group = await world.group_with_passage()
    world.clock.set(DAY_ONE.replace(hour=21, minute=40))
    app = build_application(config, clock=world.clock)
    async with running(app, poll_timeout=1):
        world.app = app
        await world.deliver_due()  # the day's digest, then the night's backup
        await back_up_if_due(app)
        backup = backups_in(folder)[-1]
        world.app = None
    sent = len(world.sent(group))
    restore(backup, world.db_path, now=DAY_ONE.replace(hour=21, minute=50))
    world.clock.set(DAY_ONE.replace(hour=21, minute=50))
    async with world.running():
        await world.deliver_due()
    # The passage and the digest of the day are still due today, and recorded: none again.
    assert len(world.sent(group)) == sent


async def test_forget_me_also_forgets_the_person_in_every_backup_kept(world):
    folder = world.db_path.parent / "backups"
    config = replace(world.config, backup_dir=folder)
    world.clock.set(DAY_ONE)
    app = build_application(config, clock=world.clock)
    async with running(app, poll_timeout=1):
        world.app = app
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Bo", "bathyscaphic thoughts on the commons", reply_to=root)
        await world.say(group, "Cy", "Cy stays in the backups", reply_to=root)
        for hours in (0, 24):
            world.clock.set(DAY_ONE + timedelta(hours=hours))
            await back_up_if_due(app)
        answer = await world.command(group, "Bo", "/forgetme")
        world.app = None
    backups = backups_in(folder)
    texts = {path.name: backup_texts(path) for path in backups}
    assert len(backups) == 2 and answer.startswith("Done: 1 stored message")
    assert all(path.read_bytes().count(b"bathyscaphic") == 0 for path in backups)
    assert all(t == ["Cy stays in the backups"] for t in texts.values())
    assert not any(folder.glob("*-wal"))


def backup_texts(path) -> list[str]:
    """The texts of the messages a backup holds (and it is still a sound archive)."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        texts = [text for (text,) in db.execute("SELECT text FROM messages ORDER BY id")]
    db.close()
    return texts


async def test_two_sweeps_finding_the_backup_due_at_once_make_one_sound_copy(world):
    folder = world.db_path.parent / "backups"
    config = replace(world.config, backup_dir=folder)
    world.clock.set(DAY_ONE)
    app = build_application(config, clock=world.clock)
    async with running(app, poll_timeout=1):
        await asyncio.gather(*(back_up_if_due(app) for _ in range(3)))
    [backup] = backups_in(folder)
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
