"""The words after a command in the chat's language: day names from CLDR, the rest from the
catalogs, English still understood, and the usage lines showing the chat's own words."""

from __future__ import annotations

import pytest

from bot.archive.store import Store
from tests.handlers.suggesting import quick_world
from tests.harness import BotWorld


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await quick_world(sandbox, tmp_path)


@pytest.mark.parametrize(
    ("language", "command", "usage_shows"),
    [
        ("es", "/setweekly domingo 18:00", "/setweekly domingo 18:00"),
        ("fr", "/setweekly dimanche 18:00", "/setweekly dimanche 18:00"),
        ("de", "/setweekly So 18:00", "/setweekly sonntag 18:00"),
        ("ru", "/setweekly воскресенье 18:00", "/setweekly воскресенье 18:00"),
        ("pt", "/setweekly sunday 18:00", "/setweekly domingo 18:00"),  # English still works
    ],
)
async def test_setweekly_takes_the_chats_day_names(world, language, command, usage_shows):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Ana", f"/setlang {language}")
        await world.command(group, "Ana", "/setweekly wednesday 10:00")
        before = await world.archive.read(Store.get_chat, group["id"])
        await world.command(group, "Ana", command)
        after = await world.archive.read(Store.get_chat, group["id"])
        usage = await world.command(group, "Ana", "/setweekly")
    assert (before["weekly_day"], before["weekly_time"]) == (2, "10:00")
    assert (after["weekly_day"], after["weekly_time"]) == (6, "18:00")
    assert usage_shows in usage


async def test_another_languages_day_name_is_not_this_chats(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Ana", "/setlang fr")
        answer = await world.command(group, "Ana", "/setweekly domingo 18:00")
        chat = await world.archive.read(Store.get_chat, group["id"])
    assert "domingo" in answer and "/setweekly dimanche 18:00" in answer
    assert chat["weekly_day"] == 6 and chat["weekly_time"] == "18:00"  # unchanged defaults


async def test_a_spanish_chat_says_quietday_and_purge_in_spanish(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Ana", "/setlang es")
        usage = await world.command(group, "Ana", "/quietday")
        await world.command(group, "Ana", "/quietday silencio")
        silent = (await world.archive.read(Store.get_chat, group["id"]))["quiet_day"]
        await world.command(group, "Ana", "/quietday línea")
        line = (await world.archive.read(Store.get_chat, group["id"]))["quiet_day"]
        warning = await world.command(group, "Ana", "/purge")
        await world.command(group, "Ana", "/purge confirmar")
        purged = await world.archive.read(Store.get_chat, group["id"])
    assert "/quietday línea" in usage and "/quietday silencio" in usage
    assert (silent, line) == ("silent", "line")
    assert "/purge confirmar" in warning
    assert purged is None


async def test_mydigest_takes_the_chats_on_and_off(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Ana", "/setlang de")
        bo = await world.sandbox.create_private_chat(world.members["Bo"])
        await world.command(bo, "Bo", "/start")
        await world.command(group, "Bo", "/mydigest an")
        on = await world.archive.read(Store.personal_chats, world.members["Bo"]["id"])
        await world.command(group, "Bo", "/mydigest aus")
        off = await world.archive.read(Store.personal_chats, world.members["Bo"]["id"])
    assert [c["id"] for c in on] == [group["id"]]
    assert off == []
