"""Start-up against a flaky network: retries with backoff, a log line each; a bad token stops."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram.error import BadRequest, InvalidToken, RetryAfter, TimedOut

from bot.handlers import build_application, network
from bot.handlers.app import running
from bot.handlers.network import MAX_DELAY, TokenRejected, next_delay
from bot.sandbox import Fault
from tests.harness import make_world


async def test_telegram_unreachable_at_start_is_waited_out(sandbox, tmp_path, caplog):
    world = await make_world(sandbox, tmp_path, ("Ana",))
    world.sandbox.faults.script("getMe", [Fault.drop(), Fault.server_error(502), None])
    world.sandbox.faults.script("setMyCommands", [Fault.drop(), None])
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    app = build_application(world.config, clock=world.clock)
    with caplog.at_level(logging.WARNING, logger="bot.handlers.network"):
        async with running(app, poll_timeout=1, pause=pause):
            ready = app.bot.bot.id
    tries = [r.getMessage() for r in caplog.records if r.name == "bot.handlers.network"]
    assert ready == world.sandbox.bot_user["id"]
    assert pauses == [1.0, 2.0, 1.0]
    assert [t.split(":")[0] for t in tries] == ["starting", "starting", "publishing the commands"]
    assert all("Telegram unreachable" in t and world.sandbox.token not in t for t in tries)


async def test_a_rejected_token_stops_at_once(sandbox, tmp_path):
    world = await make_world(sandbox, tmp_path, ())
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    wrong = world.config.with_(token="123456:" + "x" * 35)
    app = build_application(wrong, clock=world.clock)
    with pytest.raises(TokenRejected) as raised:
        async with running(app, pause=pause):
            pass
    assert (str(raised.value), pauses) == (
        "Telegram rejected the bot token (401 Unauthorized)",
        [],
    )


@pytest.mark.parametrize(("delay", "after"), [(1, 2), (16, 32), (40, MAX_DELAY), (60, MAX_DELAY)])
def test_the_pause_doubles_up_to_a_minute(delay, after):
    assert next_delay(delay) == after


def test_the_wait_doubles_up_to_a_minute() -> None:
    waits = [network.FIRST_DELAY]
    for _ in range(8):
        waits.append(network.next_delay(waits[-1]))
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]


async def test_network_failures_are_retried_with_growing_pauses(caplog) -> None:
    failures: list[Exception] = [
        TimedOut(),
        TimedOut(),
        RetryAfter(timedelta(seconds=5)),
        RetryAfter(7),
        TimedOut(),
    ]
    pauses: list[float] = []

    async def call() -> str:
        if failures:
            raise failures.pop(0)
        return "me"

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    assert await network.patiently(call, "getMe", sleep=sleep) == "me"
    assert pauses == [1.0, 2.0, 5.0, 7.0, 4.0]
    logged = [r.getMessage() for r in caplog.records]
    assert logged[0] == "getMe: Telegram unreachable (TimedOut), try 1; again in 1 s"
    assert logged[2] == "getMe: Telegram asks to wait, try 3; again in 5 s"
    assert logged[4] == "getMe: Telegram unreachable (TimedOut), try 5; again in 4 s"


async def test_a_rejected_token_or_a_bad_request_is_not_retried() -> None:
    async def refused() -> None:
        raise InvalidToken()

    async def mistaken() -> None:
        raise BadRequest("chat not found")

    async def never(_: float) -> None:
        raise AssertionError("no retry")

    with pytest.raises(network.TokenRejected, match="rejected the bot token"):
        await network.patiently(refused, "getMe", sleep=never)
    with pytest.raises(BadRequest, match="chat not found"):
        await network.patiently(mistaken, "getMe", sleep=never)
