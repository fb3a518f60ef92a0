"""Fan-out: how close to Telegram's 30 messages/s the morning posts of many chats go out.

Runs the real bot (PTB Application, its rate limiter, the claim in SQLite) against the sandbox
with Telegram's flood limits on, makes N chats due at the same minute, and prints posts per
second divided by the sandbox's overall limit, with the number of 429s the sandbox answered.

    python bench/bench_fanout.py [--chats 1000] [--scale 1]

--scale multiplies both the sandbox's limits and the bot's pacing (a quicker run, same ratio).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.archive.store import Store
from bot.core.config import Config
from bot.handlers import build_application
from bot.handlers.app import polite_rate_limiter, post_init, post_shutdown
from bot.handlers.sweep import deliver_due
from bot.sandbox import Limits, Sandbox

DUE = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


async def measure(chats: int, scale: float, db_path: Path) -> dict[str, float]:
    """Return delivered, seconds, rate, ratio and 429s for one fan-out."""
    limits = Limits().scaled(scale)
    now = {"t": DUE.replace(minute=0, hour=8)}
    sandbox = Sandbox(limits=limits, clock=lambda: now["t"].timestamp())
    await sandbox.start()
    config = Config(token=sandbox.token, base_url=sandbox.base_url, db_path=db_path)
    app = build_application(
        config, clock=lambda: now["t"], rate_limiter=polite_rate_limiter(29 * scale)
    )
    try:
        async with app:
            await post_init(app)
            owner = await sandbox.create_user("Owner")
            archive = app.bot_data["commons"].archive
            for n in range(chats):
                group = await sandbox.create_group(f"Group {n}", [owner], with_bot=True)
                await archive.run(
                    Store.register_chat, group["id"], type="group", title=group["title"], now=0
                )
            now["t"] = DUE
            started = time.perf_counter()
            outcomes = await deliver_due(app)
            seconds = time.perf_counter() - started
            await post_shutdown(app)
    finally:
        await sandbox.stop()
    sent = Counter(outcomes)["sent"]
    refused = sum(1 for call in sandbox.calls if call["status"] == 429)
    rate = sent / seconds
    overall = limits.global_per_second
    return {"chats": chats, "sent": sent, "seconds": seconds, "rate": rate,
            "limit": overall, "ratio": rate / overall, "429s": refused}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        result = asyncio.run(measure(args.chats, args.scale, Path(scratch) / "fanout.db"))
    print(
        f"fan-out: {result['sent']}/{result['chats']} posts in {result['seconds']:.1f} s = "
        f"{result['rate']:.1f}/s; sandbox limit {result['limit']:.0f}/s; "
        f"ratio {result['ratio']:.2f} (target >= 0.90); 429s: {result['429s']}"
    )


if __name__ == "__main__":
    main()
