"""The durable inbox through the real Application: a crash at any point loses no update and
handles none twice, and nothing is confirmed to Telegram before it is in the archive.

A "killed" bot is a real running Application frozen at one point: from then on it writes
nothing (each write raises ``Killed``), and its Updater is stopped, which confirms exactly what
the dead process had confirmed by then. A second bot then starts on the same archive.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import TypeHandler

from bot.archive import operations
from bot.archive.arrivals import record_answer
from bot.archive.store import Store
from bot.handlers import build_application
from bot.handlers.app import post_init, post_shutdown
from bot.handlers.webhook import WebhookServer
from tests.harness import BotWorld, intercept

NOTED = "Noted for tonight's digest. 🌱"


class Killed(TelegramError):
    """The process is gone: nothing after this point happens."""


class Doom:
    """One point where the bot dies, and the writes a dead bot never makes."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.killed = asyncio.Event()

    async def point(self) -> None:
        self.reached.set()
        await self.killed.wait()
        raise Killed("the bot was killed here")

    def dead_after(self, write: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            if self.killed.is_set():
                raise Killed("the bot is dead")
            return await write(*args, **kwargs)

        return guarded

    def then_die(self, write: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def write_and_die(*args: Any, **kwargs: Any) -> Any:
            result = await write(*args, **kwargs)
            if carries_updates(args[0]):
                await self.point()
            return result

        return write_and_die

    def before(self, write: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def die_first(*args: Any, **kwargs: Any) -> Any:
            if carries_updates(args[0]):
                await self.point()
            return await write(*args, **kwargs)

        return die_first


def carries_updates(answer: Any) -> bool:
    """True for a curiosity being noted, or a getUpdates answer that carries updates."""
    return not isinstance(answer, bytes) or bool(json.loads(answer)["result"])


async def start_doomed(world: BotWorld) -> Any:
    """Start a bot with long polling (as running() does), to be killed rather than stopped."""
    app = build_application(world.config, clock=world.clock)
    await app.initialize()
    await post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    world.app = app
    return app


async def kill(app: Any, doom: Doom, stop: Callable[[], Awaitable[None]] | None = None) -> None:
    """The process dies: no more writes, and what it confirmed stays confirmed.

    ``stop`` stops its listener (a webhook's server); by default its polling.
    """
    doom.killed.set()
    await (stop() if stop is not None else app.updater.stop())
    # A dead process's queue is gone with it.
    while not app.update_queue.empty():
        app.update_queue.get_nowait()
        app.update_queue.task_done()


async def bury(app: Any) -> None:
    """Release what the dead bot still holds (its threads, its connection)."""
    await app.stop()
    await post_shutdown(app)
    await app.shutdown()


def arm(app: Any, doom: Doom, where: str) -> None:
    """Make the bot die at ``where``; every inbox write after the death raises Killed."""
    archive = app.bot_data["commons"].archive
    if where == "after fetch":
        intercept(archive, record_answer, doom.before)
    elif where == "after record":
        intercept(archive, record_answer, doom.then_die)
    elif where == "mid-handle":
        intercept(archive, operations.note_curiosity, doom.then_die)
    intercept(archive, record_answer, doom.dead_after)
    intercept(archive, Store.mark_all_handled, doom.dead_after)


@pytest.mark.parametrize("where", ["after fetch", "after record", "mid-handle"])
async def test_a_crash_loses_no_update_and_handles_none_twice(world, where):
    app = await start_doomed(world)
    group = await world.group_with_passage()
    root = world.passage_post(group)["message"]["message_id"]
    doom = Doom()
    arm(app, doom, where)
    said = [
        await world.sandbox.send_message(group, world.members["Bo"], "first", reply_to=root),
        await world.sandbox.send_message(
            group, world.members["Cy"], "I wonder #curious about seeds", reply_to=root
        ),
        await world.sandbox.send_message(group, world.members["Dee"], "third", reply_to=root),
    ]
    await asyncio.wait_for(doom.reached.wait(), timeout=10)
    await kill(app, doom)
    try:
        async with world.running():
            await world.settle()
            rows = await world.archive.read(Store.thread_messages, group["id"], root)
            curiosities = await world.archive.run(
                operations.curiosities_of_day, group["id"], "2030-03-05"
            )
            inbox = await world.archive.run(Store.inbox_counts)
    finally:
        await bury(app)
    assert [r["message_id"] for r in rows] == [m["message_id"] for m in said]
    assert [c["text"] for c in curiosities] == ["I wonder about seeds"]
    assert world.sent_texts(group).count(NOTED) == 1
    assert (inbox["unhandled"], inbox["with_text"]) == (0, 0)
    assert world.sandbox.pending_updates == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_webhook_update_is_in_the_archive_before_the_200(world):
    async with world.running():
        group = await world.group_with_passage()
    root = world.passage_post(group)["message"]["message_id"]
    port = free_port()
    app = build_application(world.config, clock=world.clock)
    await app.initialize()
    await post_init(app)
    doom = Doom()
    app.add_handler(TypeHandler(Update, lambda *_: doom.point()), group=-100)
    await app.start()
    webhook = WebhookServer(app, secret="s3cret", path="/hook")
    await webhook.start("127.0.0.1", port)
    message = await world.sandbox.send_message(
        group, world.members["Bo"], "said while a webhook ran", reply_to=root
    )
    update = world.sandbox.pending_updates[-1]
    async with aiohttp.ClientSession() as http:
        answer = await http.post(
            f"http://127.0.0.1:{port}/hook",
            data=json.dumps(update),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": "s3cret",
            },
        )
        status = answer.status
    # The 200 is out; the handler has not run (it is stuck), yet the update is kept.
    at_confirmation = await app.bot_data["commons"].archive.run(Store.inbox_counts)
    await asyncio.wait_for(doom.reached.wait(), timeout=10)
    intercept(app.bot_data["commons"].archive, Store.mark_all_handled, doom.dead_after)
    await kill(app, doom, stop=webhook.stop)
    try:
        async with world.running():
            await world.settle()
            stored = await world.archive.run(Store.get_message, group["id"], message["message_id"])
    finally:
        await bury(app)
    assert status == 200
    assert (at_confirmation["unhandled"], at_confirmation["with_text"]) == (1, 1)
    assert stored["text"] == "said while a webhook ran"
