"""The README's promises, each through the real bot and the sandbox, as a member would see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.archive import operations
from bot.archive.store import Store
from bot.core.schedule import Slot
from bot.sandbox import Fault
from tests.harness import BotWorld, make_world
from tests.telegram_html import telegram_problems

# The README promises these: a lost claim is taken again after two minutes, a failed send is
# tried again a minute later.
STALE_CLAIM_SECONDS = 120
RETRY_FAILED_SECONDS = 60

NAMES = ("Ana", "Bo", "Cy")
MORNING = datetime(2030, 3, 6, 9, 0, tzinfo=UTC)  # the next day's 09:00 slot (UTC chats)


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, NAMES)


async def join_group(world: BotWorld) -> dict:
    """A supergroup with the bot added by Ana (an admin); its first passage is out."""
    return await world.group_with_passage()


def passages(world: BotWorld, chat: dict) -> list[dict]:
    return [s for s in world.sent(chat) if "written in the margin" in (s["text"] or "")]


async def at(world: BotWorld, moment: datetime) -> None:
    world.clock.set(moment)
    await world.deliver_due()


async def test_a_claim_left_by_a_crash_is_taken_again_after_two_minutes_and_sent_once(world):
    async with world.running():
        group = await join_group(world)
        # A process claimed tomorrow's post and died before sending it.
        slot = Slot(group["id"], "passage", MORNING.date().isoformat())
        assert (
            await world.archive.run(operations.claim_slot, slot, now_ts=int(MORNING.timestamp()))
            is True
        )
        counts = []
        for seconds in (0, 60, STALE_CLAIM_SECONDS - 1, STALE_CLAIM_SECONDS, 600):
            await at(world, MORNING + timedelta(seconds=seconds))
            await world.settle()
            counts.append(len(passages(world, group)))
    assert counts == [1, 1, 1, 2, 2]


async def test_a_send_that_failed_for_a_passing_reason_is_tried_again_a_minute_later(world):
    async with world.running():
        group = await join_group(world)
        world.sandbox.faults.script("sendMessage", [Fault.server_error(502)])
        counts = []
        for seconds in (0, RETRY_FAILED_SECONDS - 1, RETRY_FAILED_SECONDS, 300):
            await at(world, MORNING + timedelta(seconds=seconds))
            await world.settle()
            counts.append(len(passages(world, group)))
        status = await world.command(group, "Ana", "/status")
    assert counts == [1, 1, 2, 2]
    assert "Last morning passage: sent" in status


async def test_a_long_day_reaches_the_group_whole_in_parts_then_as_a_file(world):
    async with world.running():
        group = await join_group(world)
        root = passages(world, group)[0]["message"]["message_id"]
        texts = [f"reply {n:03d} " + "commons and care " * 20 for n in range(60)]
        for n, text in enumerate(texts):
            who = world.members[NAMES[n % 3]]
            await world.sandbox.send_message(group, who, text, reply_to=root)
        await world.settle()
        before = len(world.sent(group))
        await at(world, datetime(2030, 3, 5, 21, 0, tzinfo=UTC))
        await world.sandbox.wait_for(lambda: any(s.get("document") for s in world.sent(group)))
    digest = world.sent(group)[before:]
    document = next(s["document"] for s in digest if s.get("document"))
    page = document["data"].decode()
    assert [f"reply {n:03d}" in page for n in range(60)] == [True] * 60
    assert "attached below as a file" in digest[0]["text"]
    assert [telegram_problems(s["text"]) for s in digest if s.get("text")] == [[]]


@pytest.mark.slow
async def test_a_day_of_two_parts_sends_both_and_every_reply(world):
    async with world.running():
        group = await join_group(world)
        root = passages(world, group)[0]["message"]["message_id"]
        for n in range(24):
            text = f"voice {n:02d} " + "a reader's reply " * 15
            await world.sandbox.send_message(
                group, world.members[NAMES[n % 3]], text, reply_to=root
            )
        await world.settle()
        before = len(world.sent(group))
        await at(world, datetime(2030, 3, 5, 21, 0, tzinfo=UTC))
        await world.settle()
    parts = [s["message"]["text"] for s in world.sent(group)[before:]]
    assert len(parts) >= 2
    assert [any(f"voice {n:02d}" in p for p in parts) for n in range(24)] == [True] * 24


async def test_optout_and_optin_as_commands_stop_and_resume_keeping_replies(world):
    async with world.running():
        group = await join_group(world)
        root = passages(world, group)[0]["message"]["message_id"]
        await world.command(group, "Bo", "/optout")
        hidden = await world.say(group, "Bo", "not kept", reply_to=root)
        await world.command(group, "Bo", "/optin")
        kept = await world.say(group, "Bo", "kept again", reply_to=root)
        stored = [
            await world.archive.run(Store.get_message, group["id"], m["message_id"])
            for m in (hidden, kept)
        ]
    assert [row["text"] if row else None for row in stored] == [None, "kept again"]


async def test_an_anonymous_admin_may_change_settings(world):
    async with world.running():
        group = await join_group(world)
        answer = await world.command(group, "Ana", "/settime 08:15", sender_chat=group)
        refused = await world.command(group, "Bo", "/settime 07:00")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert "only this chat's admins" in refused
    assert ("Morning passage: next" in answer, chat["post_time"]) == (True, "08:15")


@pytest.mark.slow
async def test_search_and_curiosities_echo_member_text_escaped(world):
    hostile = "<i>&lt;oops</b>"
    async with world.running():
        group = await join_group(world)
        root = passages(world, group)[0]["message"]["message_id"]
        await world.say(group, "Bo", f"unusualword {hostile}", reply_to=root)
        await world.command(group, "Cy", f"/curious {hostile} unusualword")
        found = await world.command(group, "Ana", "/search unusualword")
        listed = await world.command(group, "Ana", "/curiosities")
        nothing = await world.command(group, "Ana", f"/search {hostile}zzz")
    assert (found.count(hostile), listed.count(hostile), nothing.count(hostile)) == (2, 1, 1)
    assert [telegram_problems(s["text"] or "") for s in world.sent(group)] == [
        [] for _ in world.sent(group)
    ]
