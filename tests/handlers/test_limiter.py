"""The bot's rate limiter through the real Application and the sandbox's flood control:
Telegram's limits kept, and a chat's 429 holding up that chat alone."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.handlers.limiter import ChatRateLimiter, is_message
from bot.sandbox import Limits
from tests.harness import BotWorld, make_world

NAMES = ("Ana", "Bo")
MORNING = datetime(2030, 3, 6, 9, 0, tzinfo=UTC)  # the next day's 09:00 slot (UTC chats)
HOLD_SECONDS = 3


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, NAMES)


def sends_since(world: BotWorld, first: int) -> list[tuple[int, int]]:
    """Return (chat id, status) of each sendMessage call from the first-th call on."""
    calls = itertools.islice(world.sandbox.calls, first, None)
    return [
        (int(c["params"]["chat_id"]), c["status"])
        for c in calls
        if c["method"] == "sendMessage" and c["status"] is not None
    ]


def messages_to(world: BotWorld, chat: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every call that sent (or tried to send) a message to the chat."""
    return [
        c
        for c in world.sandbox.calls
        if is_message(c["method"]) and str(c["params"].get("chat_id")) == str(chat["id"])
    ]


async def test_a_flooded_group_holds_up_only_its_own_morning_post(world):
    async with world.running():
        # Others on both sides of it, whichever order the morning's posts go out in.
        groups = [await world.group_with_passage(f"Group {n}") for n in range(5)]
        flooded, others = groups[2], groups[:2] + groups[3:]
        before = {g["id"]: len(world.sent(g)) for g in groups}
        # Telegram refuses every message to the flooded group for a while.
        world.sandbox.hold_chat(flooded, HOLD_SECONDS)
        first = len(world.sandbox.calls)
        loop = asyncio.get_running_loop()
        started = loop.time()
        world.clock.set(MORNING)
        delivering = asyncio.create_task(world.deliver_due())
        # The others' posts go out while the flooded one waits (PTB's limiter would have held
        # every post sent after the 429 for the whole retry_after).
        await world.sandbox.wait_for(
            lambda: all(len(world.sent(g)) > before[g["id"]] for g in others),
            timeout=HOLD_SECONDS,
        )
        others_after = loop.time() - started
        outcomes = await delivering
        flooded_after = loop.time() - started
    assert outcomes == ["sent"] * 5
    assert others_after < HOLD_SECONDS / 2 <= HOLD_SECONDS <= flooded_after
    # Refused once, sent once after its retry_after; the other posts were never refused.
    sends = sends_since(world, first)
    assert [status for chat, status in sends if chat == flooded["id"]] == [429, 200]
    assert sorted(status for chat, status in sends if chat != flooded["id"]) == [200] * 4
    assert [len(world.sent(g)) - before[g["id"]] for g in groups] == [1] * 5


async def test_the_limiter_keeps_each_chats_each_groups_and_the_overall_limits(world):
    # Limits small enough to reach within a test, the bot's limiter set to keep the same ones.
    limits = Limits(
        per_chat_per_second=4, per_chat_burst=2, per_group_per_minute=6, global_per_second=10
    )
    world.rate_limiter = ChatRateLimiter(
        per_second=9, per_group_per_minute=6, per_chat_per_second=4, per_chat_burst=2
    )
    async with world.running():
        # Each with its welcome and today's passage out, so the bot sends nothing else meanwhile.
        groups = [await world.group_with_passage(f"Group {n}") for n in range(12)]
        world.sandbox.set_limits(limits)
        busy, quiet = groups[0], groups[1:]
        bot = world.app.bot
        first = len(world.sandbox.calls)

        async def send(group: dict[str, Any], text: str) -> None:
            await bot.send_message(group["id"], text)

        # Seven messages for the busy group, one for each quiet group, all at once: the busy
        # group's minute holds six at most (fewer if the bot's welcome and passage are in it).
        busy_sends = [asyncio.create_task(send(busy, f"busy {n}")) for n in range(7)]
        quiet_sends = [asyncio.create_task(send(group, "quiet")) for group in quiet]
        await asyncio.gather(*quiet_sends)
        # Time for the busy group's first ones at its four a second; what is left is held by
        # the limiter for the rest of the minute, not sent to be refused.
        await asyncio.sleep(1.5)
        delivered = sum(task.done() for task in busy_sends)
        for task in busy_sends:
            task.cancel()
    sends = sends_since(world, first)
    assert 1 <= delivered <= 6
    assert [status for _, status in sends] == [200] * (delivered + len(quiet))
    busy_texts = [s["message"]["text"] for s in world.sent(busy) if "busy" in s["message"]["text"]]
    assert busy_texts == [f"busy {n}" for n in range(delivered)]
