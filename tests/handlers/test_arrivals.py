"""Replies stored as their batch arrives, through the real Application: the same threads as
when each is handled alone, and a command inside the batch still takes effect in order."""

from __future__ import annotations

import json
import sqlite3

from telegram import Message

from bot.archive.arrivals import record_answer
from bot.archive.store import Store
from bot.core.updates import said_in
from tests.harness import intercept


async def test_a_batch_keeps_every_thread_and_an_optout_inside_it_holds(world):
    async with world.running():
        group = await world.group_with_passage()
    root = world.passage_post(group)["message"]["message_id"]
    send, members = world.sandbox.send_message, world.members
    # Said while the bot was down: it fetches them as one batch when it starts.
    first = await send(group, members["Bo"], "seeds need a commons", reply_to=root)
    answer = await send(group, members["Cy"], "and a gardener", reply_to=first["message_id"])
    await send(group, members["Bo"], "/optout")
    await send(group, members["Bo"], "said after opting out", reply_to=root)
    await send(group, members["Dee"], "gardeners, plural", reply_to=answer["message_id"])
    async with world.running():
        await world.settle()
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
    assert [(r["text"], r["reply_to_message_id"]) for r in rows] == [
        ("seeds need a commons", root),
        ("and a gardener", first["message_id"]),
        ("gardeners, plural", answer["message_id"]),
    ]


async def test_a_handler_reads_a_parsed_message_as_the_archive_reads_the_raw_one(world):
    async with world.running():
        group = await world.group_with_passage()
    root = world.passage_post(group)["message"]["message_id"]
    sticker = {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "emoji": "🌱"}
    sticker.update(width=512, height=512, is_animated=False, is_video=False)
    await world.sandbox.send_message(group, world.members["Eli"], "a reply", reply_to=root)
    await world.sandbox.send_message(group, world.members["Eli"], None, sticker=sticker)
    raws = [update["message"] for update in world.sandbox.pending_updates[-2:]]
    for raw in raws:
        assert said_in(Message.de_json(raw, None).to_dict()) == said_in(raw)


async def test_a_batch_the_archive_could_not_record_is_fetched_again_and_polling_goes_on(
    world, caplog
):
    async with world.running() as app:
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        failures = []

        def fails_once(record):
            async def call(answer: bytes, **kwargs):
                if not failures and json.loads(answer)["result"]:
                    failures.append(answer)
                    raise sqlite3.OperationalError("disk I/O error")
                return await record(answer, **kwargs)

            return call

        intercept(app.bot_data["commons"].archive, record_answer, fails_once)
        await world.say(group, "Bo", "kept despite the disk", reply_to=root)
        await world.say(group, "Cy", "and polling goes on", reply_to=root)
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
    assert len(failures) == 1
    assert [r["text"] for r in rows] == ["kept despite the disk", "and polling goes on"]
    assert "the updates could not be recorded" in caplog.text
