"""A busy day at DEBUG leaves no member's words, name, token or webhook secret in the logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.cli.logs import CHATTY_LIBRARIES, QUIET_LIBRARIES, configure_logging
from bot.handlers import build_application
from tests.harness import BotWorld, make_world

SECRET = "webhook-secret-kTq93Zp"
WORDS = "Quillwort murmurs beside the ferry"  # a member's words, found nowhere else
CURIOUS = "saltmarsh commons bookkeeping"
NAMES = ("Zephyrine", "Octavian")


@pytest.fixture
def debug_log(world: BotWorld) -> Iterator[io.StringIO]:
    """The bot's own logging set-up at DEBUG, writing to a buffer; undone afterwards."""
    names = ("", *CHATTY_LIBRARIES, *QUIET_LIBRARIES)
    levels = {name: logging.getLogger(name).level for name in names}
    buffer = io.StringIO()
    handler = configure_logging("DEBUG", secrets=(world.sandbox.token, SECRET), stream=buffer)
    yield buffer
    logging.getLogger().removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, NAMES)


@pytest.mark.slow
async def test_a_busy_day_at_debug_logs_ids_only(world, debug_log):
    zeph, octa = NAMES
    # The webhook is registered as run_webhook does it; PTB logs the call with its parameters.
    app = build_application(world.config, clock=world.clock)
    async with app:
        await app.bot.set_webhook("https://example.org/hook", secret_token=SECRET)
        await app.bot.delete_webhook()
    async with world.running():
        group = await world.group_with_bot("Harbour readers", by=zeph)
        await world.deliver_due()
        post = next(s for s in world.sent(group) if "written in the margin" in (s["text"] or ""))
        reply = await world.say(group, octa, WORDS, reply_to=post["message_id"])
        await world.sandbox.edit_message(group, reply["message_id"], WORDS + " again")
        await world.say(group, zeph, f"{WORDS}, yes", reply_to=reply["message_id"])
        await world.command(group, zeph, f"/curious {CURIOUS}")
        found = await world.command(group, zeph, "/search Quillwort")
        await world.command(group, zeph, "/settz Nowhere/Quillwort")
        await world.command(group, zeph, "/digest")
        await world.command(group, octa, "/forgetme")
        world.clock.advance(hours=12)
        await world.deliver_due()
    log = debug_log.getvalue()
    assert "Quillwort" in found  # the words did pass through the bot
    assert "DEBUG" in log and "chat" in log  # the bot logged at DEBUG: ids, not words
    leaks = [
        needle
        for needle in ("Quillwort", "saltmarsh", *NAMES, "Harbour", world.sandbox.token, SECRET)
        if needle.lower() in log.lower()
    ]
    assert leaks == []
