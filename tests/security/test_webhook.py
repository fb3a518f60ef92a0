"""The webhook in public: only Telegram, proven by the secret, can hand the bot an update.

Each test runs the real bot in webhook mode against the sandbox and posts to its listener as
anyone on the internet could.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from bot.archive.store import Store
from bot.handlers import build_application
from bot.handlers.app import running
from bot.handlers.webhook import MAX_BODY_BYTES, SECRET_HEADER, webhook_for
from tests.harness import BotWorld
from tests.processes import free_port, start_bot, stop

SECRET = "the-secret-telegram-was-given"


@asynccontextmanager
async def webhook_bot(world: BotWorld) -> AsyncIterator[str]:
    """Run the bot on a webhook at 127.0.0.1; yield the URL Telegram would call."""
    port = free_port()
    config = replace(
        world.config,
        webhook_url="https://bot.example/hook",
        listen="127.0.0.1",
        port=port,
        webhook_secret=SECRET,
    )
    app = build_application(config, clock=world.clock)
    async with running(app, webhook=webhook_for(app, config)) as started:
        world.app = started
        try:
            yield f"http://127.0.0.1:{port}/hook"
        finally:
            world.app = None


async def post(url: str, body: bytes, secret: str | None = SECRET) -> int:
    """POST a body to the webhook as anyone could (with Telegram's secret header, if given)."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=pieces(body), headers=headers) as answer,
    ):
        return answer.status


async def pieces(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """Yield the body a piece at a time, as a client streams a large one."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def an_update(update_id: int, chat: dict[str, Any], user: dict[str, Any], text: str) -> bytes:
    """An update as Telegram sends it: a member's message, a command if it starts with /."""
    message: dict[str, Any] = {
        "message_id": 9_000 + update_id,
        "date": 1_900_000_000,
        "chat": {"id": chat["id"], "type": chat["type"], "title": chat.get("title")},
        "from": {"id": user["id"], "is_bot": False, "first_name": user["first_name"]},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def test_telegram_is_told_the_secret_the_listener_requires(world):
    async with webhook_bot(world):
        pass
    [call] = world.sandbox.calls_to("setWebhook")
    assert call["params"]["secret_token"] == SECRET
    assert call["params"]["url"] == "https://bot.example/hook"


async def test_an_update_without_the_secret_is_refused_and_changes_nothing(world):
    bo = world.members["Bo"]
    private = await world.sandbox.create_private_chat(bo)
    async with webhook_bot(world) as url:
        forged = an_update(77_001, private, bo, "/optout")
        statuses = [
            await post(url, forged, secret=None),
            await post(url, forged, secret="a-guess"),
            await post(url, forged, secret=SECRET + "x"),
        ]
        inbox = await world.archive.run(Store.inbox_counts)
        person = await world.archive.run(Store.get_user, bo["id"])
    assert statuses == [403, 403, 403]
    assert (inbox["unhandled"], person) == (0, None)


async def test_a_forged_update_id_cannot_make_the_real_one_be_skipped(world):
    bo = world.members["Bo"]
    private = await world.sandbox.create_private_chat(bo)
    async with webhook_bot(world) as url:
        await world.sandbox.send_message(private, bo, "/optout")
        real = world.sandbox.pending_updates[-1]
        forged = an_update(real["update_id"], private, bo, "nothing to see")
        refused = await post(url, forged, secret=None)
        taken = await post(url, json.dumps(real).encode())
        person = await opted_out(world, bo["id"])
    assert (refused, taken, person) == (403, 200, True)


async def opted_out(world: BotWorld, user_id: int) -> bool:
    """Return True once the person is opted out, polling until a deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:
        person = await world.archive.run(Store.get_user, user_id)
        if person is not None and person["opted_out"]:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'{"update_id": "a secret word"}', b"null"], ids=str
)
async def test_a_body_that_is_not_an_update_gets_400_and_never_reaches_a_log(world, body, caplog):
    caplog.set_level(logging.DEBUG)
    async with webhook_bot(world) as url:
        status = await post(url, body)
    assert status == 400
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert body.decode() not in logged and "a secret word" not in logged


async def test_a_body_over_one_mebibyte_gets_413(world):
    async with webhook_bot(world) as url:
        status = await post(url, b'{"update_id": 1, "padding": "' + b"x" * MAX_BODY_BYTES + b'"}')
    assert status == 413


async def test_a_run_without_a_secret_setting_makes_one_and_requires_it(sandbox, tmp_path):
    box = await sandbox()
    port = free_port()
    process = await start_bot(
        tmp_path,
        TELEGRAM_BOT_TOKEN=box.token,
        TELEGRAM_BASE_URL=box.base_url,
        COMMONS_WEBHOOK_URL="https://bot.example/hook",
        COMMONS_LISTEN="127.0.0.1",
        COMMONS_PORT=str(port),
    )
    try:
        await box.wait_for(lambda: bool(box.calls_to("setWebhook")), timeout=20)
        [call] = box.calls_to("setWebhook")
        secret = call["params"]["secret_token"]
        url = f"http://127.0.0.1:{port}/hook"
        statuses = (await post(url, b"{}", secret=None), await post(url, b"{}", secret=secret))
    finally:
        output = await stop(process)
    assert len(secret) >= 32 and set(secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert statuses == (403, 400)  # with the secret, {} is refused only for not being an update
    assert secret not in output
