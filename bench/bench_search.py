"""Search under load: how long a reply waits to be found, and how long its store call takes.

Builds the archive of ``bench_blocking`` (one chat, N replies already stored and indexed), opens
it through ``Archive`` as the bot does, and stores replies at a steady 1,000 a second for some
seconds, as the bot records a fetched batch (``record_arrivals``: each call stores every reply
that arrived since the last call began, so a slow call makes the next batch larger, as with the
bot's getUpdates). Every 20th reply holds a word of its own; a searcher on the read-only
connection, as /search reads, looks for each in turn until it is found.

    python bench/bench_search.py [--messages 100000] [--seconds 20] [--rate 1000]

Prints the worst and median delay from a reply's store call returning to its word being found
(``search_freshness_s``), and the store calls' p50 / p99 / max (``store_p99_under_load_ms``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_blocking import WARM_UP, build, reply, spread
from bench.bench_digest import CHAT, START
from bot.archive import Archive
from bot.archive.arrivals import Arrival, record_arrivals
from bot.archive.store import Store
from bot.core.corpus import load_corpus

PROBE_EVERY = 20  # one reply in this many holds a word of its own
SEARCH_GAP = 0.01  # seconds between two searches for a word not found yet


@dataclass
class Freshness:
    """Store calls' times (ms), replies stored, and each probe's delay to being found (s)."""

    store_ms: list[float]
    writer_ms: list[float]
    writer_cpu_ms: list[float]
    replies: int
    seconds: float
    delays: list[float]

    @property
    def worst_delay(self) -> float:
        return max(self.delays)

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.store_ms)
        return ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)]

    def describe(self) -> str:
        ordered = sorted(self.delays)
        return (
            f"{self.replies} replies in {self.seconds:.1f} s "
            f"({self.replies / self.seconds:.0f}/s) "
            f"in {len(self.store_ms)} store calls: {spread(self.store_ms)} "
            f"(on the writer thread: {spread(self.writer_ms)}, of it CPU "
            f"{spread(self.writer_cpu_ms)}); "
            f"{len(self.delays)} probes found after median {ordered[len(ordered) // 2]:.2f} s, "
            f"worst {ordered[-1]:.2f} s"
        )


def probe_word(n: int) -> str:
    """Return the word only the n-th reply holds, e.g. 'probe120x'."""
    return f"probe{n}x"


def arriving(n: int) -> dict[str, Any]:
    """Return the n-th reply's update; every PROBE_EVERY-th holds its probe word."""
    update = reply(n)
    if n % PROBE_EVERY == 0:
        update["message"]["text"] += f" {probe_word(n)}"
    return update


def timed_arrivals(
    store: Store, updates: list[dict[str, Any]], *, now: int
) -> tuple[Arrival, float, float]:
    """Record the updates as the bot does; return the arrival, its time on the writer and the
    CPU time the writer thread spent on it (ms): what is left is waiting for a core or the GIL."""
    started, cpu = time.perf_counter(), time.thread_time()
    arrival = record_arrivals(store, updates, now=now)
    return arrival, (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000


async def load(archive: Archive, rate: float, seconds: float) -> Freshness:
    """Store replies at ``rate`` a second for ``seconds`` while a searcher finds the probes."""
    for n in range(WARM_UP):
        await archive.run(record_arrivals, [reply(2_000_000 + n)], now=START + 80_000)
    probes: deque[tuple[int, float]] = deque()
    delays: list[float] = []
    store_ms: list[float] = []
    writer_ms: list[float] = []
    writer_cpu_ms: list[float] = []
    storing = True

    async def search() -> None:
        while storing or probes:
            if not probes:
                await asyncio.sleep(SEARCH_GAP)
                continue
            n, stored_at = probes[0]
            hits = await archive.read(Store.search, CHAT["id"], probe_word(n))
            if hits:
                delays.append(time.perf_counter() - stored_at)
                probes.popleft()
            else:
                await asyncio.sleep(SEARCH_GAP)

    searcher = asyncio.create_task(search())
    started = time.perf_counter()
    sent = 0
    while (elapsed := time.perf_counter() - started) < seconds:
        due = max(sent + 1, int(elapsed * rate))
        batch = [arriving(n) for n in range(sent, due)]
        before = time.perf_counter()
        arrival, on_writer, cpu = await archive.run(timed_arrivals, batch, now=START + 80_000)
        after = time.perf_counter()
        writer_ms.append(on_writer)
        writer_cpu_ms.append(cpu)
        if len(arrival.stored) != len(batch):
            raise RuntimeError("a reply was not stored")
        store_ms.append((after - before) * 1000)
        probes.extend((n, after) for n in range(sent, due) if n % PROBE_EVERY == 0)
        sent = due
        # Wait for the next reply to be due, as the bot waits for the next fetched batch.
        await asyncio.sleep(max(0.0, started + (sent + 1) / rate - time.perf_counter()))
    took = time.perf_counter() - started
    storing = False
    await asyncio.wait_for(searcher, timeout=60)
    return Freshness(store_ms, writer_ms, writer_cpu_ms, sent, took, delays)


async def measure(path: Path, rate: float, seconds: float) -> Freshness:
    archive = Archive(path)
    await archive.start()
    # As the bot does once started (bot/handlers/app.py): what is loaded by then stays.
    gc.freeze()
    try:
        return await load(archive, rate, seconds)
    finally:
        await archive.close()


def run(size: int, rate: float = 1000, seconds: float = 20) -> Freshness:
    """Build the archive in a scratch directory and measure."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "search.db"
        build(path, size, load_corpus())
        return asyncio.run(measure(path, rate, seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=1000)
    options = parser.parse_args()
    result = run(options.messages, options.rate, options.seconds)
    print(
        f"worst delay from store to found {result.worst_delay:.2f} s (target <= 2); "
        f"store p99 {result.p99_ms:.1f} ms (target <= 5, max <= 20); {result.describe()}"
    )


if __name__ == "__main__":
    main()
