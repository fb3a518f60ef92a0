"""Ingest: how fast the real bot takes in replies, against a bare PTB bot on the same updates.

Each bot runs in this process with long polling and PTB's defaults (100 updates per getUpdates,
one update at a time) against a sandbox in a child process (as Telegram is apart; flood control
off). N group messages, each a reply to the morning post or to an earlier reply, are queued in
the sandbox in one go, and a bot's rate is N divided by the time from the first injection until
it has handled them all:

  (a) a bare PTB Application whose only handler counts messages;
  (b) Commons Bot (``build_application``), admin in the group, its passage posted by
      ``deliver_due``; a reply is handled once it is in the archive (read-only connection).

It prints both rates, their ratio (target >= 0.90), and the longest the event loop was held
while each bot ingested, from a probe that sleeps 1 ms again and again (target < 10 ms), with
the generation-2 garbage collections seen meanwhile (they hold the loop too).

    python bench/bench_ingest.py [--messages 5000] [--rounds 3]

Each round measures both bots; the medians give the ratio, and the worst stall of any round is
the event-loop hold printed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import LoopProbe, SandboxProcess, query
from bot.core.config import Config
from bot.handlers import build_application
from bot.handlers.app import running
from bot.handlers.sweep import deliver_due
from bot.sandbox import Limits

MEMBERS = 20
SEED = 1
POLL = 0.01  # how often "all handled?" is checked
# Years ahead of the real clock, so the bot's own JobQueue timers never fire during the run.
BEFORE_POST = datetime(2030, 3, 5, 8, 0, tzinfo=UTC)
AFTER_POST = datetime(2030, 3, 5, 9, 1, tzinfo=UTC)


@dataclass
class Run:
    """One bot's figures: messages handled, seconds, injection seconds, worst loop stall (ms)."""

    handled: int
    seconds: float
    inject_seconds: float
    hold_ms: float
    gc_pauses_ms: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.handled / self.seconds


class GcPauses:
    """Records how long each of Python's generation-2 collections took (ms)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._started) * 1000)


async def make_group(sandbox: SandboxProcess) -> tuple[int, list[int]]:
    """Create members and a group with the bot as admin (so it sees every message)."""
    members = [
        (await sandbox.act("create_user", first_name=f"Reader{i}", username=f"reader{i}"))["id"]
        for i in range(MEMBERS)
    ]
    group = await sandbox.act("create_group", title="Readers", members=members)
    await sandbox.act("add_bot", chat=group["id"], by=members[0], admin=True)
    return group["id"], members


async def measure(
    sandbox: SandboxProcess,
    chat: int,
    members: list[int],
    root: int,
    n: int,
    done: Callable[[], Awaitable[bool]],
) -> Run:
    """Queue n replies under root in one go, then wait until ``done()``; return the figures."""
    await sandbox.wait_until_consumed()
    pauses = GcPauses()
    gc.callbacks.append(pauses)
    try:
        async with LoopProbe() as probe:
            started = time.perf_counter()
            await sandbox.inject_replies(chat, members, root, n, SEED)
            injected = time.perf_counter() - started
            while not await done():
                await asyncio.sleep(POLL)
            seconds = time.perf_counter() - started
    finally:
        gc.callbacks.remove(pauses)
    return Run(n, seconds, injected, probe.worst, pauses.pauses)


async def bare_ptb(n: int) -> Run:
    """Return the figures of a bare PTB Application counting the messages it gets."""
    async with SandboxProcess(Limits.off()) as sandbox:
        chat, members = await make_group(sandbox)
        root = await sandbox.act("send_message", chat=chat, user=members[0], text="A post")
        counted = 0

        async def count(_: Update, __: ContextTypes.DEFAULT_TYPE) -> None:
            nonlocal counted
            counted += 1

        builder = ApplicationBuilder().token(sandbox.token).base_url(sandbox.base_url)
        app: Application = builder.build()
        app.add_handler(MessageHandler(filters.ALL, count))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling()
            # The join and the root message are updates too: count from after them.
            await sandbox.wait_until_consumed()
            await asyncio.sleep(0.2)
            counted = 0

            async def done() -> bool:
                return counted >= n

            result = await measure(sandbox, chat, members, root["message_id"], n, done)
            await app.updater.stop()
            await app.stop()
    return result


async def commons_bot(n: int, db_path: Path) -> Run:
    """Return the figures of Commons Bot storing every reply under its morning passage."""
    now = {"t": BEFORE_POST}
    async with SandboxProcess(Limits.off()) as sandbox:
        config = Config(token=sandbox.token, base_url=sandbox.base_url, db_path=db_path)
        app = build_application(config, clock=lambda: now["t"])
        async with running(app, poll_timeout=10):
            chat, members = await make_group(sandbox)
            await wait_for_sent(sandbox, chat, 1)  # the welcome
            now["t"] = AFTER_POST
            outcomes = await deliver_due(app)
            passage = (await sandbox.sent(chat))[-1]
            if outcomes != ["sent"] or "written in the margin" not in (passage["text"] or ""):
                raise RuntimeError(f"the morning passage was not posted: {outcomes}")

            async def done() -> bool:
                sql = "SELECT count(*) AS n FROM messages WHERE chat_id = ?"
                rows = await asyncio.to_thread(query, db_path, sql, (chat,))
                return rows[0]["n"] >= n

            result = await measure(sandbox, chat, members, passage["message_id"], n, done)
    return result


async def wait_for_sent(sandbox: SandboxProcess, chat: int, count: int) -> None:
    """Return once the bot has sent count messages to the chat."""
    deadline = time.monotonic() + 10
    while len(await sandbox.sent(chat)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot sent fewer than {count} messages to {chat}")
        await asyncio.sleep(0.05)


def describe(name: str, run: Run) -> str:
    """Return one result line."""
    pauses = ", ".join(f"{p:.0f}" for p in run.gc_pauses_ms) or "none"
    return (
        f"{name:12} {run.handled} replies in {run.seconds:.2f} s = {run.rate:.0f} updates/s "
        f"(injection {run.inject_seconds:.2f} s of it); loop hold {run.hold_ms:.1f} ms; "
        f"full GC pauses (ms): {pauses}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="bare/bot pairs; medians shown")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    bares, bots = [], []
    for _ in range(args.rounds):
        # Alternating, so a slow moment of the machine falls on both sides alike.
        bares.append(asyncio.run(bare_ptb(args.messages)))
        with tempfile.TemporaryDirectory() as scratch:
            bots.append(asyncio.run(commons_bot(args.messages, Path(scratch) / "ingest.db")))
    for run in bares:
        print(describe("bare PTB", run))
    for run in bots:
        print(describe("Commons Bot", run))
    bare, bot = median_run(bares), median_run(bots)
    ratios = sorted(b.rate / a.rate for a, b in zip(bares, bots, strict=True))
    print(
        f"median rates: bare PTB {bare.rate:.0f}/s, Commons Bot {bot.rate:.0f}/s; "
        f"ratio {bot.rate / bare.rate:.2f} (target >= 0.90; per round "
        f"{', '.join(f'{r:.2f}' for r in ratios)})"
    )
    hold, bare_hold = max(r.hold_ms for r in bots), max(r.hold_ms for r in bares)
    print(f"max event-loop hold: {hold:.1f} ms (target < 10 ms; bare PTB's: {bare_hold:.1f} ms)")


def median_run(runs: list[Run]) -> Run:
    """Return the run with the median rate."""
    return sorted(runs, key=lambda run: run.rate)[len(runs) // 2]


if __name__ == "__main__":
    main()
