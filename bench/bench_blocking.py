"""Does a large digest hold up the archive? The longest a reply's store call waits meanwhile.

Builds an archive with one chat whose day holds N replies under its passage (the threads of
``bench_digest``'s synthetic day), opens it through ``Archive`` as the bot does, and starts
the evening digest's ``plan_digest``. While it runs, a reply arrives every few milliseconds,
recorded as the bot records a fetched batch (``record_arrivals``: the inbox row and the reply in
its thread, in one transaction); the figure is the longest of those calls, next to as
many calls made after it with no digest running (a store call on a large archive has slow
moments of its own).

    python bench/bench_blocking.py [--messages 100000] [--during digest|backup]

``--during backup`` measures the same while ``python -m bot backup``'s copy of that archive
runs instead (the nightly backup), on a thread as the bot runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_digest import CHAT, DAY, NAMES, START, synthetic_day
from bot.archive import Archive
from bot.archive.arrivals import record_arrivals
from bot.archive.backups import make_backup
from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.core.corpus import Entry, load_corpus
from bot.planning import digests

ROOT = 1
GAP = 0.002  # seconds between two stored replies
WARM_UP = 20  # the first calls of a fresh connection prepare statements and read pages in


@dataclass
class Blocking:
    """Digest seconds; store calls during it and with none running (ms, after a warm-up)."""

    digest_seconds: float
    during_ms: list[float]
    quiet_ms: list[float]

    @property
    def worst_during_ms(self) -> float:
        return max(self.during_ms)

    def describe(self) -> str:
        """Return the figures in a line: calls made, p50 / p99 / max, alone and meanwhile."""
        return (
            f"{len(self.during_ms)} store calls meanwhile: {spread(self.during_ms)}; "
            f"with nothing else running: {spread(self.quiet_ms)}"
        )


def spread(samples: list[float]) -> str:
    """Return 'p50 / p99 / max' of samples in ms."""
    ordered = sorted(samples)
    p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)]
    return f"p50 {p50:.1f} / p99 {p99:.1f} / max {ordered[-1]:.1f} ms"


def build(path: Path, size: int, corpus: list[Entry]) -> None:
    """Write an archive: one chat, its passage on DAY, size replies under it, their authors."""
    messages, curiosities = synthetic_day(size)
    store = Store.open(path)
    with store.db.atomic():
        store.register_chat(CHAT["id"], type="supergroup", title=CHAT["title"], now=START - 3600)
        for n, name in enumerate(NAMES, start=1):
            store.upsert_user(n, first_name=name)
        store.claim_post(CHAT["id"], DAY.isoformat(), "passage", now=START)
        store.record_passage_sent(
            CHAT["id"], DAY.isoformat(), message_id=ROOT, sent_at=START, passage_id=corpus[0].id
        )
        for curiosity in curiosities:
            store.add_curiosity(
                CHAT["id"],
                user_id=curiosity["user_id"],
                local_date=DAY.isoformat(),
                text=curiosity["text"],
                now=curiosity["created_at"],
            )
    store.keep_messages(messages)  # type: ignore[arg-type]
    # Indexed, as an archive that has been running is.
    while store.index_pending(limit=10_000):
        pass
    store.close()


def reply(n: int) -> dict[str, Any]:
    """Return the update of the n-th reply stored while the digest builds (to the passage)."""
    author = NAMES[n % len(NAMES)]
    message = {
        "message_id": 10_000_000 + n,
        "date": START + 80_000,
        "chat": {"id": CHAT["id"], "type": "supergroup", "title": "Readers"},
        "from": {"id": 1 + n % len(NAMES), "is_bot": False, "first_name": author},
        "text": f"one more thought on the commons, number {n}",
        "reply_to_message": {"message_id": ROOT, "date": START, "chat": {"id": CHAT["id"]}},
    }
    return {"update_id": n, "message": message}


async def store_one(archive: Archive, n: int) -> float:
    """Record the n-th reply as a fetched batch of one; return how long the call took (ms)."""
    started = time.perf_counter()
    arrival = await archive.run(record_arrivals, [reply(n)], now=START + 80_000)
    if not arrival.stored:
        raise RuntimeError(f"reply {n} was not stored")
    return (time.perf_counter() - started) * 1000


async def measure(path: Path, corpus: list[Entry], during: str = "digest") -> Blocking:
    """Time store calls during a digest (or a backup), then as many with none running."""
    archive = Archive(path)
    await archive.start()
    try:
        chat = await archive.run(Store.get_chat, CHAT["id"])
        assert chat is not None
        for n in range(WARM_UP):
            await store_one(archive, n)
        if during == "backup":
            meanwhile, seconds = await during_backup(archive, path)
        else:
            meanwhile, seconds = await during_digest(archive, chat, corpus)
        quiet = []
        for n in range(len(meanwhile)):
            quiet.append(await store_one(archive, 1_000_000 + n))
            await asyncio.sleep(GAP)
    finally:
        await archive.close()
    return Blocking(seconds, meanwhile, quiet)


async def during_digest(
    archive: Archive, chat: Chat, corpus: list[Entry]
) -> tuple[list[float], float]:
    """Store replies until the digest is planned; return the calls' times (ms) and its seconds."""
    started = time.perf_counter()
    digest = asyncio.create_task(
        archive.plan(digests.plan_digest, chat, DAY, corpus, weekly=False)
    )
    times, n = [], WARM_UP
    while not digest.done():
        times.append(await store_one(archive, n))
        n += 1
        await asyncio.sleep(GAP)
    delivery = await digest
    if not delivery.messages:
        raise RuntimeError("the digest came out empty")
    return times, time.perf_counter() - started


async def during_backup(archive: Archive, path: Path) -> tuple[list[float], float]:
    """Store replies until a backup of the archive is made; return the calls' times (ms)."""
    started = time.perf_counter()
    folder = path.parent / "backups"
    now = datetime.now(UTC)
    backup = asyncio.create_task(asyncio.to_thread(make_backup, path, folder, now=now))
    times, n = [], 2 * WARM_UP
    while not backup.done():
        times.append(await store_one(archive, 10_000_000 + n))
        n += 1
        await asyncio.sleep(GAP)
    await backup
    return times, time.perf_counter() - started


def run(size: int, during: str = "digest") -> Blocking:
    """Build the archive in a scratch directory and measure."""
    corpus = load_corpus()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "blocking.db"
        build(path, size, corpus)
        return asyncio.run(measure(path, corpus, during))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--during", choices=("digest", "backup"), default="digest")
    options = parser.parse_args()
    result = run(options.messages, options.during)
    print(
        f"{options.during} took {result.digest_seconds:.2f} s; longest store call meanwhile "
        f"{result.worst_during_ms:.1f} ms (target <= 20); {result.describe()}"
    )


if __name__ == "__main__":
    main()
