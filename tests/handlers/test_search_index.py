"""Search through the real bot while replies are indexed beside the writer, not in their write."""

from __future__ import annotations

import asyncio

import pytest

from bot.archive import Store
from tests.harness import BotWorld, make_world

NAMES = ("Ana", "Bo")
# The promise: a stored reply is found by search within this many seconds, with or without a
# search asking for it.
FOUND_WITHIN_SECONDS = 2.0


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, NAMES)


async def found_by_the_index(world: BotWorld, chat_id: int, word: str) -> list[int]:
    """Wait until the index (read as a search reads it, no index step asked) finds the word."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FOUND_WITHIN_SECONDS
    while True:
        hits = await world.archive.read(Store.search, chat_id, word)
        if hits or loop.time() > deadline:
            return [hit["message_id"] for hit in hits]
        await asyncio.sleep(0.02)


async def test_a_reply_is_indexed_a_moment_after_it_is_stored_with_no_search_asking(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.sent(group)[-1]["message"]["message_id"]
        reply = await world.say(group, "Bo", "quokkas mind the orchard", reply_to=root)
        stored = await world.archive.run(Store.get_message, group["id"], reply["message_id"])
        indexed = await found_by_the_index(world, group["id"], "quokkas")
        waiting = await world.archive.run(Store.waiting_for_index)
        answer = await world.command(group, "Ana", "/search quokkas")
    assert stored is not None
    assert (indexed, waiting) == ([reply["message_id"]], 0)
    assert "quokkas mind the orchard" in answer


async def test_a_search_right_after_a_reply_finds_it(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.sent(group)[-1]["message"]["message_id"]
        await world.say(group, "Bo", "walruses keep the seed library", reply_to=root)
        answer = await world.command(group, "Ana", "/search walruses seed")
    assert "walruses keep the seed library" in answer
