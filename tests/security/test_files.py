"""What never reaches the archive does not stay in its files either: a raw update the bot
recorded, handled and blanked (chatter outside any thread, an opted-out member's words) is gone
from the archive, its write-ahead log and its index within a minute, while the bot runs."""

from __future__ import annotations

import asyncio

from bot.archive import worker
from tests.archive.support import bytes_on_disk
from tests.harness import BotWorld


async def gone_from_every_file(world: BotWorld, word: str, timeout: float = 10) -> bool:
    """Return True once no file of the archive holds the word (polled until a deadline)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while bytes_on_disk(world.db_path, word) or any(
        word.encode() in path.read_bytes()
        for path in world.db_path.parent.glob(world.db_path.name + "*")
    ):
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


async def test_words_never_kept_leave_no_bytes_in_any_file_of_the_archive(world, monkeypatch):
    # Within the minute promised; shortened here so the test does not wait for it.
    monkeypatch.setattr(worker, "TRUNCATE_AFTER_SECONDS", 0.5)
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.command(group, "Cy", "/optout")
        await world.say(group, "Bo", "zanzibarish chatter beside the threads")
        await world.say(group, "Cy", "quixotical words after opting out", reply_to=root)
        await world.say(group, "Ana", "kept in the thread", reply_to=root)
        chatter = await gone_from_every_file(world, "zanzibarish")
        opted_out = await gone_from_every_file(world, "quixotical")
        kept = bytes_on_disk(world.db_path, "kept in the thread")
    assert (chatter, opted_out) == (True, True)
    assert kept > 0  # what belongs to a thread is still there
