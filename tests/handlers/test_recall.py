"""A second round of the rotation: the morning post recalls the passage's earlier thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.core.corpus import Entry
from bot.handlers import build_application
from bot.handlers.app import running
from tests.harness import make_world
from tests.telegram_html import telegram_problems

NAMES = ("Ana", "Bo", "Cy", "Dee", "Eli")
CORPUS = [
    Entry("one", "ch1", "The first passage.", "the first reply", 1),
    Entry("two", "ch1", "The second passage.", "the second reply", 2),
]
LINK = re.compile(r'<a href="https://t\.me/c/(\d+)/(\d+)">')


@pytest.mark.slow
async def test_the_passage_comes_round_again_with_a_link_to_its_first_thread(sandbox, tmp_path):
    world = await make_world(sandbox, tmp_path, NAMES)
    app = build_application(world.config, clock=world.clock, corpus=CORPUS)
    async with running(app, poll_timeout=1):
        world.app = app
        group = await world.group_with_passage()
        first = world.sent(group)[1]["message"]
        for name in ("Cy", "Ana", "Bo", "Dee", "Eli", "Ana"):
            await world.say(group, name, f"{name} on the first", reply_to=first["message_id"])
        await world.command(group, "Dee", "/optout")
        await world.command(group, "Eli", "/forgetme")
        posts = []
        for day in (6, 7):
            world.clock.set(datetime(2030, 3, day, 9, 0, tzinfo=UTC))
            before = len(world.sent(group))
            await world.deliver_due()
            posts.append((await world.sandbox.wait_for_sent(group, before + 1))[before])
        await world.sandbox.wait_until_consumed(timeout=5)
    second_day, round_two = (p["params"]["text"] for p in posts)
    assert "Last time" not in second_day
    assert "The first passage." in round_two
    assert "Last time on this passage</b>, <a" in round_two
    assert round_two.split("</a>: ")[1].startswith("Ana, Bo and Cy spoke.\n")
    assert telegram_problems(round_two) == []
    # The link opens the first day's post in this group.
    internal_id, message_id = LINK.search(round_two).groups()
    assert (int(f"-100{internal_id}"), int(message_id)) == (group["id"], first["message_id"])
    linked = next(m for m in world.sandbox.messages(group) if m["message_id"] == int(message_id))
    assert "The first passage." in linked["text"]
