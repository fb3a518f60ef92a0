"""Start-up time and peak memory of the bot's process, against a bare PTB bot's, side by side.

A sandbox in a child process knows N groups with the bot in each (their joins already
confirmed). The archive is a copy of ``bench_store``'s cached one (a million messages by
default) with those N chats registered and today's passage already sent in each, so starting
schedules every chat's jobs and sends nothing. Then, one after the other:

  (a) ``python bench/bare_bot.py``: PTB with as many jobs scheduled, long polling;
  (b) ``python -m bot run`` on that archive.

Start-up is the time from spawning the process to its first getUpdates; peak memory is the sum
of the VmHWM of the process and of every process it started (the bot's forkserver, for its
digest planner), a few seconds after that (the catch-up sweep over every chat has run by then).

    python bench/bench_process.py [--chats 10000] [--messages 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_store import Layout, cached_archive
from bench.common import SandboxProcess
from bot.archive.store import Store
from bot.core.schedule import SLOT_KINDS
from bot.sandbox import Limits

BARE_BOT = Path(__file__).resolve().parent / "bare_bot.py"
SETTLE = 3.0  # seconds after the first poll before peak memory is read


@dataclass
class Process:
    """One process's figures: seconds from spawn to its first poll, and peak RSS in MB."""

    startup: float
    peak_mb: float


def peak_rss_mb(pid: int) -> float:
    """Return the peak resident set size (VmHWM, MB) of a live process and its descendants."""
    return sum(_status_kb(p, "VmHWM") for p in [pid, *descendants(pid)]) / 1024


def descendants(pid: int) -> list[int]:
    """Return the ids of a process's live children, grandchildren and so on."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _status_kb(pid: int, field: str) -> int:
    """Return one kB field of /proc/PID/status (0 if the process has ended)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(f"{field}:")), 0)


def prepare_archive(source: Path, target: Path, chats: list[int]) -> None:
    """Copy the archive and register the chats, each with today's passage already sent.

    The archive's own chats are marked as left: the sandbox knows none of them, and their
    slots would otherwise fall due at start from 09:00 UTC (a passage) and 21:00 UTC (a
    digest planned for each), so what start-up does would depend on the hour of the run.
    """
    shutil.copyfile(source, target)
    now = int(time.time())
    today = datetime.now(UTC).date().isoformat()
    store = Store.open(target)
    with store.db.atomic():
        for row in list(store.db.query("SELECT id FROM chats")):
            store.set_active(row["id"], False)
        for chat_id in chats:
            store.register_chat(chat_id, type="group", title=f"Group {chat_id}", now=now)
            store.claim_post(chat_id, today, "passage", now=now)
            store.record_passage_sent(chat_id, today, message_id=1, sent_at=now)
    store.close()


async def measure(sandbox: SandboxProcess, argv: list[str], env: dict[str, str]) -> Process:
    """Spawn a process, time it to its first poll, read its peak memory, then stop it."""
    before = await sandbox.polls()
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        while await sandbox.polls() == before:
            if process.returncode is not None:
                raise RuntimeError(f"{argv[1:]} exited: {await read_err(process)}")
            await asyncio.sleep(0.01)
        startup = time.perf_counter() - started
        await asyncio.sleep(SETTLE)
        peak = peak_rss_mb(process.pid)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
    return Process(startup, peak)


async def read_err(process: asyncio.subprocess.Process) -> str:
    """Return the last lines a finished process wrote to stderr."""
    assert process.stderr is not None
    return (await process.stderr.read()).decode(errors="replace")[-2000:]


async def compare(chats: int, messages: int, workdir: Path) -> tuple[Process, Process]:
    """Return (bare PTB, Commons Bot) figures for the same sandbox and chats."""
    with contextlib.redirect_stdout(sys.stderr):  # stdout is for the figures
        source = cached_archive(Layout(messages), rebuild=False)
    async with SandboxProcess(Limits.off()) as sandbox:
        ids = await sandbox.make_groups(chats)
        db_path = workdir / "commons.db"
        await asyncio.to_thread(prepare_archive, source, db_path, ids)
        jobs = str(chats * len(SLOT_KINDS))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))},
            "TELEGRAM_BOT_TOKEN": sandbox.token,
            "TELEGRAM_BASE_URL": sandbox.base_url,
            "COMMONS_DB": str(db_path),
            "COMMONS_LOG_LEVEL": "WARNING",
        }
        bare_argv = [sys.executable, str(BARE_BOT), sandbox.token, sandbox.base_url, jobs]
        bare = await measure(sandbox, bare_argv, env)
        bot = await measure(sandbox, [sys.executable, "-m", "bot", "run"], env)
    return bare, bot


def run(chats: int, messages: int) -> tuple[Process, Process]:
    """Return (bare PTB, Commons Bot) figures, in a scratch directory."""
    with tempfile.TemporaryDirectory() as scratch:
        return asyncio.run(compare(chats, messages, Path(scratch)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    bare, bot = run(args.chats, args.messages)
    for name, figures in (("bare PTB", bare), ("Commons Bot", bot)):
        print(f"{name:12} start-up {figures.startup:.2f} s; peak RSS {figures.peak_mb:.0f} MB")
    print(
        f"ratios: start-up {bot.startup / bare.startup:.2f} (target <= 2), "
        f"memory {bot.peak_mb / bare.peak_mb:.2f} (target <= 1.3)"
    )


if __name__ == "__main__":
    main()
