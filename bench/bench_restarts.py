"""Restarts: a busy day with the bot SIGKILLed again and again; nothing doubled, missed or lost.

This process runs the sandbox (flood limits x10, so it is never the bottleneck) and starts the
bot as a child, ``python -m bot run``, talking to it over HTTP as to Telegram, on an archive in a
temporary directory. N groups each add the bot as an admin, and their creator sets the morning
post and the evening digest (``/settime``, ``/setdigest``, UTC) to the next few minutes, so posts
and digests fall due while the bot is being killed. Members reply all the time, to each chat's
passage and to each other. The bot is killed with SIGKILL K times at random moments (seeded),
each time started again at once on the same archive; what was said while it was down waits in
the sandbox. Once everything due has gone out (or a claim interrupted by a kill had its two
minutes and the sweep's minute to be re-taken), the bot gets a SIGTERM, and the sandbox's
records and the archive are compared: one passage and one digest per chat, every reply stored.

    python bench/bench_restarts.py [--chats 100] [--kills 20]
        [--rate 20] [--burst 0] [--seed 7] [--keep DIR]

--rate is replies per second; --burst N also posts N replies in one go during each restart
(a backlog the bot must fetch and handle when it is back); --keep DIR keeps the archive and
the bot's log.

It takes 4 to 6 minutes (up to 7 if a late kill leaves claims to re-take). It refuses to
start within 10 minutes of midnight UTC: a new day would rightly mean a second passage per
chat. Benchmarks print figures; they assert nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import query, reply_text
from bench.restarts_report import Chat, Kill, Reply, classify, count_sends, lost_replies, report
from bot.i18n import translator
from bot.sandbox import Limits, Sandbox

USERS = 40
MEMBERS = 5  # per chat, the creator first
REPLY_DELAY = 2.0  # nobody answers a post within milliseconds of it appearing
STALE_CLAIM = 120 + 60 + 20  # re-taken after 120 s, by a sweep that runs every 60 s, + margin
KILLS_LEAD, KILLS_TAIL = 5, 10  # seconds before the first slot and after the last one


class SendClock:
    """When (monotonic) the sandbox accepted each message the bot sent, from its event feed."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.accepted: dict[tuple[int, int], float] = {}
        self._events = sandbox.subscribe()

    async def run(self) -> None:
        """Timestamp 'sent' events until cancelled."""
        while True:
            event = await self._events.get()
            if event["type"] == "sent":
                key = (event["chat_id"], event["message"]["message_id"])
                self.accepted[key] = time.monotonic()


class BotProcess:
    """``python -m bot run`` against the sandbox, started, killed and restarted on one archive."""

    def __init__(self, sandbox: Sandbox, db_path: Path, log_path: Path) -> None:
        inherited = {
            k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))
        }
        self.env = {
            **inherited,
            "TELEGRAM_BOT_TOKEN": sandbox.token,
            "TELEGRAM_BASE_URL": sandbox.base_url,
            "COMMONS_DB": str(db_path),
            "COMMONS_LOG_LEVEL": "INFO",
        }
        self.db_path, self.log_path = db_path, log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start a fresh bot process, its output appended to the log."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, stdout=log, stderr=log
            )

    async def stop(self, sig: int, timeout: float = 30) -> int | None:
        """Send a signal and return the exit code (None if it had to be killed after all)."""
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            return None


def refuse_near_midnight(now: datetime) -> None:
    """Exit if the run could cross midnight UTC: each chat would rightly get a second passage."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if midnight - now < timedelta(minutes=10):
        sys.exit(f"{now:%H:%M} UTC is within 10 minutes of midnight; run it after 00:00 UTC.")


async def setup(sandbox: Sandbox, count: int, first_slot: datetime) -> list[Chat]:
    """Create the groups, add the bot to each as admin, and set its two times right after."""
    users = [(await sandbox.create_user(f"Reader{i}", f"reader{i}"))["id"] for i in range(USERS)]
    chats = []
    for n in range(count):
        members = random.Random(n).sample(users, MEMBERS)
        group = await sandbox.create_group(f"Readers {n}", members)
        post = first_slot + timedelta(minutes=n % 2)
        chat = Chat(group["id"], members, post, post + timedelta(minutes=1))
        # Straight after joining, before its start-up sweep, so no passage goes out on joining.
        await sandbox.add_bot(group, by=members[0], admin=True)
        await sandbox.send_message(group, members[0], f"/settime {chat.post:%H:%M}")
        await sandbox.send_message(group, members[0], f"/setdigest {chat.digest:%H:%M}")
        chats.append(chat)
    await sandbox.wait_for(
        lambda: all(len(sandbox.sent_messages(c.id)) >= 3 for c in chats), timeout=180
    )
    return chats


def first_passage(sandbox: Sandbox, chat: int) -> int | None:
    """Return the message id of the first passage the bot posted in a chat, if any."""
    for record in sandbox.sent_messages(chat):
        if "written in the margin" in (record["message"].get("text") or ""):
            return int(record["message_id"])
    return None


class Injector:
    """Members reply at a steady rate: to a chat's passage, or to an earlier reply in it."""

    def __init__(self, sandbox: Sandbox, chats: list[Chat], rate: float, seed: int) -> None:
        self.sandbox, self.chats, self.rate = sandbox, chats, rate
        self.rng = random.Random(seed)
        self.replies: list[Reply] = []

    def _ready(self, now: float) -> list[Chat]:
        for chat in self.chats:
            if chat.passage is None:
                chat.passage, chat.passage_seen = first_passage(self.sandbox, chat.id), now
        return [c for c in self.chats if c.passage and now - c.passage_seen >= REPLY_DELAY]

    async def run(self) -> None:
        """Inject replies at the steady rate until cancelled (a skipped tick is not made up)."""
        tick = time.monotonic()
        while True:
            ready = self._ready(time.monotonic())
            if ready:
                await self._reply(self.rng.choice(ready))
            tick = max(tick + 1 / self.rate, time.monotonic() - 1 / self.rate)
            await asyncio.sleep(max(0.0, tick - time.monotonic()))

    async def burst(self, count: int) -> None:
        """Inject count replies in one go (a lively moment while the bot is down)."""
        ready = self._ready(time.monotonic())
        for _ in range(count if ready else 0):
            await self._reply(self.rng.choice(ready))

    async def _reply(self, chat: Chat) -> None:
        assert chat.passage is not None
        parent = chat.passage
        if chat.thread and self.rng.random() < 0.7:
            parent = self.rng.choice(chat.thread)
        user = self.rng.choice(chat.members)
        message = await self.sandbox.send_message(
            chat.id, user, reply_text(self.rng), reply_to=parent
        )
        update_id = self.sandbox.world.last_update_id
        chat.thread.append(message["message_id"])
        self.replies.append(Reply(chat.id, message["message_id"], update_id, chat.passage, parent))


def kill_times(rng: random.Random, kills: int, start: float, end: float) -> list[float]:
    """Return kill moments: the first at start, then gaps of 3-10 s (stretched to reach end)."""
    gaps = [rng.uniform(3, 10) for _ in range(kills - 1)]
    stretch = max(1.0, (end - start) / sum(gaps)) if gaps else 1.0
    return [start + stretch * sum(gaps[:n]) for n in range(kills)]


def snapshot(sandbox: Sandbox, clock: SendClock, db_path: Path, t0: float) -> Kill:
    """Record, just after a kill, the update horizon and the claims left without a message."""
    now = time.monotonic()
    pending = [u["update_id"] for u in sandbox.pending_updates]
    confirmed_below = pending[0] if pending else sandbox.world.last_update_id + 1
    rows = query(
        db_path,
        "SELECT chat_id, kind FROM posts WHERE status = 'claimed' AND message_id IS NULL",
    )
    today = translator().long_date(datetime.now(UTC).date())
    stranded = []
    for row in rows:
        chat, kind = row["chat_id"], row["kind"]
        sent = [s for s in sandbox.sent_messages(chat) if classify(s, today) == kind]
        accepted = clock.accepted.get((chat, sent[0]["message_id"])) if sent else None
        stranded.append((chat, kind, None if accepted is None else now - accepted))
    return Kill(now - t0, datetime.now(UTC), confirmed_below, stranded)


def everything_sent(db_path: Path, chats: list[Chat]) -> bool:
    """True once every chat's passage and digest row of today says 'sent'."""
    rows = query(
        db_path,
        "SELECT count(*) AS n FROM posts WHERE status = 'sent' AND local_date = ? "
        "AND kind IN ('passage', 'digest')",
        (datetime.now(UTC).date().isoformat(),),
    )
    return rows[0]["n"] >= 2 * len(chats)


async def settle(sandbox: Sandbox, db_path: Path, chats: list[Chat], deadline: float) -> None:
    """Wait until all is sent and every update handled (the archive still for 3 s), or deadline."""
    last, still_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        stored = query(db_path, "SELECT count(*) AS n FROM messages")[0]["n"]
        if stored != last or sandbox.pending_updates:
            last, still_since = stored, time.monotonic()
        if everything_sent(db_path, chats) and time.monotonic() - still_since >= 3:
            return
        await asyncio.sleep(1)


async def kill_all_day(
    bot: BotProcess, injector: Injector, plan: list[float], burst: int, t0: float
) -> list[Kill]:
    """Reply all along, SIGKILL and restart the bot at each planned moment, then let it settle."""
    sandbox = injector.sandbox
    clock = SendClock(sandbox)
    background = [asyncio.create_task(injector.run()), asyncio.create_task(clock.run())]
    kills = []
    for moment in plan:
        await asyncio.sleep(max(0.0, moment - time.monotonic()))
        await bot.stop(signal.SIGKILL)
        kills.append(snapshot(sandbox, clock, bot.db_path, t0))
        await injector.burst(burst)
        await bot.start()
    await asyncio.sleep(5)
    background[0].cancel()
    await settle(sandbox, bot.db_path, injector.chats, time.monotonic() + STALE_CLAIM)
    background[1].cancel()
    await asyncio.gather(*background, return_exceptions=True)
    return kills


async def run_day(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Set up, run the day with its kills, stop the bot; return everything the report needs."""
    db_path, rng = workdir / "commons.db", random.Random(args.seed)
    sandbox = Sandbox(limits=Limits().scaled(10))
    await sandbox.start()
    bot = BotProcess(sandbox, db_path, workdir / "bot.log")
    try:
        await bot.start()
        # Setup takes about 0.2 s a chat (the bot's pacing); the first slot comes after it.
        ready_by = datetime.now(UTC) + timedelta(seconds=15 + 0.25 * args.chats)
        first_slot = (ready_by + timedelta(minutes=1)).replace(second=0, microsecond=0)
        chats = await setup(sandbox, args.chats, first_slot)
        t0 = time.monotonic()
        wall0 = datetime.now(UTC)
        # Kills from just before the first slot to just after the last one's deliveries.
        first = t0 + max(0.0, (first_slot - wall0).total_seconds() - KILLS_LEAD)
        last = t0 + (max(c.digest for c in chats) - wall0).total_seconds() + KILLS_TAIL
        plan = kill_times(rng, args.kills, first, last)
        injector = Injector(sandbox, chats, args.rate, args.seed)
        kills = await kill_all_day(bot, injector, plan, args.burst, t0)
        settled = time.monotonic() - t0
        code = await bot.stop(signal.SIGTERM)
    finally:
        if bot.process is not None and bot.process.returncode is None:
            bot.process.kill()
            await bot.process.wait()
        await sandbox.stop()
    return {"sandbox": sandbox, "db_path": db_path, "chats": chats, "kills": kills,
            "replies": injector.replies, "wall0": wall0, "settled": settled, "exit": code,
            "log": workdir / "bot.log"}  # fmt: skip


def run_restart_day(chats: int, kills: int) -> dict[str, int]:
    """Run the day with the default rate and seed; return duplicates, missed, lost, injected."""
    refuse_near_midnight(datetime.now(UTC))
    args = argparse.Namespace(chats=chats, kills=kills, rate=20.0, seed=7, burst=0)
    with tempfile.TemporaryDirectory() as scratch:
        result = asyncio.run(run_day(args, Path(scratch)))
        sends, replies = count_sends(result), lost_replies(result)
    kinds = ("passage", "digest")
    return {
        "duplicates": sum(sends[k]["duplicates"] for k in kinds),
        "missed": sum(sends[k]["missed"] for k in kinds),
        "lost": replies["lost"],
        "injected": replies["injected"],
        "fetched_then_killed": replies["fetched_then_killed"],
        "orphaned": replies["orphaned"],
        "other": replies["unrecorded_root"] + replies["unexplained"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="replies per second")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--burst", type=int, default=0, help="replies posted at once while the bot is down"
    )
    parser.add_argument("--keep", type=Path, help="keep the archive and bot.log in this dir")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    refuse_near_midnight(datetime.now(UTC))
    if args.keep:
        if (args.keep / "commons.db").exists():
            sys.exit(f"{args.keep} already holds an archive; give --keep a new directory.")
        args.keep.mkdir(parents=True, exist_ok=True)
        report(asyncio.run(run_day(args, args.keep)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        report(asyncio.run(run_day(args, Path(scratch))))


if __name__ == "__main__":
    main()
