"""Bounded echoes: what the bot repeats of a member's text is a short excerpt, and every answer
is one Telegram accepts, however long or strange the input."""

from __future__ import annotations

import pytest

from tests.harness import BotWorld, make_world
from tests.telegram_html import telegram_problems

HUGE = "<i>&" + "x" * 5000


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, ("Ana", "Bo"))


async def join(world: BotWorld) -> dict:
    return await world.group_with_passage()


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (f"/settime {HUGE}", "invalid time '<i>&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
        (f"/setdigest {HUGE}", "invalid time '<i>&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
        (f"/settz {HUGE}", "unknown timezone '<i>&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
        (f"/setweekly {HUGE} 18:00", "unknown weekday '<i>&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
        (f"/search {HUGE[:4000]}", "Nothing found for <i>&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…."),
    ],
    ids=["settime", "setdigest", "settz", "setweekly", "search"],
)
async def test_a_huge_argument_is_echoed_as_a_short_excerpt(world, command, expected):
    async with world.running():
        group = await join(world)
        answer = await world.command(group, "Ana", command)
    assert expected in answer
    assert len(answer) < 600


async def test_search_hits_in_huge_replies_fit_one_valid_message(world):
    async with world.running():
        group = await join(world)
        post = next(s for s in world.sent(group) if "written in the margin" in (s["text"] or ""))
        for n in range(30):
            text = f"commons {n} <b>&amp; " + "😀" * 1500
            await world.sandbox.send_message(
                group, world.members["Bo"], text, reply_to=post["message_id"]
            )
        await world.settle()
        await world.command(group, "Ana", "/search commons")
    answer = world.sent(group)[-1]
    assert telegram_problems(answer["text"]) == []
    assert answer["message"]["text"].startswith("Found for commons:\n• Bo said")
