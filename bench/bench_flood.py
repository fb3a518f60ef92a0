"""Flood isolation: one group over its limit, and how fast the other groups' morning posts go.

Runs the real bot (PTB Application, its rate limiter, the claim in SQLite) against the sandbox
with Telegram's flood limits on, makes N groups due at the same minute, and has the sandbox
refuse one of them for ``--hold`` seconds (a 429 whose retry_after is the time left, as
Telegram answers a chat far over its limit). Prints the other posts per second divided by the
sandbox's overall limit, and when and how often the flooded group's post went out; then the
same with PTB's ``AIORateLimiter`` (paced as the bot paced it before), which pauses every
request after any 429.

    python bench/bench_flood.py [--chats 300] [--hold 30] [--scale 1]

--scale multiplies the sandbox's limits and the bot's pacing (a quicker run, same ratio).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.archive.store import Store
from bot.core.config import Config
from bot.handlers import build_application
from bot.handlers.app import polite_rate_limiter, post_init, post_shutdown
from bot.handlers.sweep import deliver_due
from bot.sandbox import Limits, Sandbox

DUE = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


@dataclass
class Flood:
    """One fan-out with one group held: the others' rate, the held group's fate."""

    limiter: str
    others: int
    others_seconds: float
    limit: float
    flooded_sent: int
    flooded_refused: int
    flooded_seconds: float

    @property
    def ratio(self) -> float:
        return self.others / self.others_seconds / self.limit

    def describe(self) -> str:
        return (
            f"{self.limiter}: {self.others} other posts at "
            f"{self.others / self.others_seconds:.1f}/s ({self.ratio:.2f} of {self.limit:.0f}/s); "
            f"flooded group's post sent {self.flooded_sent}x after {self.flooded_seconds:.1f} s, "
            f"{self.flooded_refused} 429s"
        )


def ptb_limiter(scale: float) -> AIORateLimiter:
    """PTB's limiter, paced as the bot paced it before its own (evenly, 29/s, 20/min a group)."""
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=1 / (29 * scale),
        group_max_rate=20,
        group_time_period=60,
        max_retries=3,
    )


async def measure(
    chats: int, hold: float, scale: float, db_path: Path, limiter: BaseRateLimiter, name: str
) -> Flood:
    """Deliver N groups' morning posts with one group refused for ``hold`` seconds."""
    limits = Limits().scaled(scale)
    now = {"t": DUE.replace(hour=8)}
    sandbox = Sandbox(limits=limits, clock=lambda: now["t"].timestamp())
    await sandbox.start()
    config = Config(token=sandbox.token, base_url=sandbox.base_url, db_path=db_path)
    app = build_application(config, clock=lambda: now["t"], rate_limiter=limiter)
    try:
        async with app:
            await post_init(app)
            owner = await sandbox.create_user("Owner")
            archive = app.bot_data["commons"].archive
            groups = []
            for n in range(chats):
                group = await sandbox.create_group(f"Group {n}", [owner], with_bot=True)
                await archive.run(
                    Store.register_chat, group["id"], type="group", title=group["title"], now=0
                )
                groups.append(group)
            # The middle one, so that posts go out both before and after its first refusal.
            flooded = groups[chats // 2]
            others = [g for g in groups if g is not flooded]
            sandbox.hold_chat(flooded, hold)
            now["t"] = DUE
            started = time.perf_counter()
            delivering = asyncio.create_task(deliver_due(app))
            await sandbox.wait_for(
                lambda: all(sandbox.sent_messages(g) for g in others), timeout=10 * chats + hold
            )
            others_seconds = time.perf_counter() - started
            outcomes = await delivering
            flooded_seconds = time.perf_counter() - started
            await post_shutdown(app)
    finally:
        await sandbox.stop()
    if Counter(outcomes)["sent"] != chats:
        raise RuntimeError(f"not every post went out: {Counter(outcomes)}")
    to_flooded = [
        c for c in sandbox.calls_to("sendMessage") if c["params"].get("chat_id") == flooded["id"]
    ]
    return Flood(
        limiter=name,
        others=len(others),
        others_seconds=others_seconds,
        limit=limits.global_per_second,
        flooded_sent=sum(1 for c in to_flooded if c["status"] == 200),
        flooded_refused=sum(1 for c in to_flooded if c["status"] == 429),
        flooded_seconds=flooded_seconds,
    )


def run(chats: int, hold: float, scale: float) -> tuple[Flood, Flood]:
    """Return the bot's limiter's run and PTB's, each on a fresh archive and sandbox."""
    results = []
    for name, limiter in (
        ("bot's limiter", polite_rate_limiter(29 * scale)),
        ("PTB's AIORateLimiter", ptb_limiter(scale)),
    ):
        with tempfile.TemporaryDirectory() as scratch:
            db_path = Path(scratch) / "flood.db"
            results.append(asyncio.run(measure(chats, hold, scale, db_path, limiter, name)))
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--hold", type=float, default=30)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    ours, ptb = run(args.chats, args.hold, args.scale)
    print(f"{ours.describe()}\n{ptb.describe()}\n(target: the bot's ratio >= 0.90, sent 1x)")


if __name__ == "__main__":
    main()
