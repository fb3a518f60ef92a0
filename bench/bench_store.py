"""The archive's hot calls on a million-message file, and how long they hold the event loop.

Builds (once, cached under /tmp) an archive of N messages: 100 chats, a passage a day each, twenty
replies under every passage at varied depth, one busy day with 200 replies, a curiosity per
thread, words drawn from the manifesto at their natural frequencies. Then, on a fresh copy:

  1. per-call latency (p50 / p99 / max, ms) of the calls the bot makes all day, run directly;
  2. the rare privacy calls (forget a person, retention, purge, migrate) once each;
  3. the same hot calls through Archive (its one database thread) while a probe on the event
     loop sleeps 1 ms again and again and records how late it wakes: the loop's longest stall.

Benchmarks print figures; they assert nothing.
Run: python bench/bench_store.py [--messages 1000000] [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.archive import Archive
from bot.archive.store import Store

CACHE = Path("/tmp/commons-bench")
CHATS = 100
REPLIES = 20  # under an ordinary day's passage
BUSY_REPLIES = 200  # under the busy day's passage
USERS = 5000
START = 1_700_000_000
DAY = 86_400
BATCH = 50_000
BURST = 100  # replies arriving together, each awaited by its own task
SEED_TEXT = Path(__file__).resolve().parent.parent / "seeds" / "p2p-commons-manifesto.txt"


@dataclass(frozen=True)
class Layout:
    """Where everything is in an archive of a given size (the same every run)."""

    messages: int

    @property
    def threads(self) -> int:
        return 1 + max(0, self.messages - BUSY_REPLIES) // REPLIES

    @property
    def days(self) -> int:
        return -(-self.threads // CHATS)

    @staticmethod
    def chat_id(n: int) -> int:
        return -1_000_000_000 - n

    @staticmethod
    def local_date(day: int) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(START + day * DAY))

    @staticmethod
    def root(day: int) -> int:
        return day * 1000 + 1

    def thread_at(self, t: int) -> tuple[int, int, int]:
        """Return (chat number, day, replies) of thread t; the last thread is the busy one."""
        replies = BUSY_REPLIES if t == self.threads - 1 else REPLIES
        return t % CHATS, t // CHATS, replies

    @property
    def busy(self) -> tuple[int, int]:
        chat, day, _ = self.thread_at(self.threads - 1)
        return self.chat_id(chat), self.root(day)


def vocabulary() -> tuple[list[str], list[int]]:
    """Words of the manifesto with cumulative frequencies, for random.choices."""
    counts = Counter(re.findall(r"[a-z]{3,}", SEED_TEXT.read_text(encoding="utf-8").lower()))
    words = [w for w, _ in counts.most_common()]
    total, cumulative = 0, []
    for word in words:
        total += counts[word]
        cumulative.append(total)
    return words, cumulative


def thread_rows(
    layout: Layout, t: int, rng: random.Random, words: tuple[list[str], list[int]]
) -> Iterator[dict[str, Any]]:
    chat, day, replies = layout.thread_at(t)
    root = layout.root(day)
    posted = START + day * DAY + 9 * 3600
    ids: list[int] = []
    for k in range(replies):
        message_id = root + 1 + k
        parent = root if not ids or rng.random() < 0.4 else rng.choice(ids)
        ids.append(message_id)
        yield {
            "chat_id": layout.chat_id(chat),
            "message_id": message_id,
            "root_message_id": root,
            "reply_to_message_id": parent,
            "user_id": rng.randint(1, USERS),
            "sender_chat_id": None,
            "kind": "text",
            "text": " ".join(rng.choices(words[0], cum_weights=words[1], k=rng.randint(4, 24))),
            "date": posted + 60 * (k + 1) + rng.randint(0, 59),
        }


def build(path: Path, layout: Layout) -> None:
    """Write the archive: chats, users, passages, then messages in large transactions."""
    rng = random.Random(7)
    words = vocabulary()
    store = Store.open(path)
    with store.db.atomic():
        for n in range(CHATS):
            store.register_chat(layout.chat_id(n), type="supergroup", title=f"Chat {n}", now=START)
        for user_id in range(1, USERS + 1):
            store.upsert_user(user_id, first_name=f"Member{user_id}")
        for t in range(layout.threads):
            chat, day, _ = layout.thread_at(t)
            chat_id, local_date = layout.chat_id(chat), layout.local_date(day)
            store.claim_post(chat_id, local_date, "passage", now=START + day * DAY)
            store.record_passage_sent(
                chat_id, local_date, message_id=layout.root(day), sent_at=START + day * DAY
            )
            store.add_curiosity(
                chat_id,
                user_id=rng.randint(1, USERS),
                local_date=local_date,
                text=" ".join(rng.choices(words[0], cum_weights=words[1], k=6)),
                now=START + day * DAY + 7200,
            )
    batch: list[dict[str, Any]] = []
    for t in range(layout.threads):
        batch.extend(thread_rows(layout, t, rng, words))
        if len(batch) >= BATCH:
            store.keep_messages(batch)
            batch = []
    store.keep_messages(batch)
    # Indexed, as a running archive's rows are a moment after they are stored.
    while store.index_pending(limit=100_000):
        pass
    # A bulk load leaves the index in a few large segments, which later single writes would
    # merge with at random moments; an index grown one reply at a time is kept merged as it
    # grows, so compact this one to match.
    store.optimize_search()
    store.close()


# Changed whenever build() writes something different (2: the search index filled), so that
# no archive cached by an older build is reused.
BUILD_VERSION = 2


def schema_digest() -> str:
    """A short digest of the current schema and build, so that neither change reuses an old
    cache."""
    store = Store.open(":memory:")
    schema = "".join(r["sql"] or "" for r in store.db.query("SELECT sql FROM sqlite_master"))
    store.close()
    return hashlib.sha256(f"{schema}{BUILD_VERSION}".encode()).hexdigest()[:10]


def cached_archive(layout: Layout, rebuild: bool) -> Path:
    """Return the path of the cached archive for this size, building it if needed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"archive-{layout.messages}-{schema_digest()}.db"
    if rebuild or not path.exists():
        for stale in CACHE.glob(f"{path.name}*"):
            stale.unlink()
        started = time.perf_counter()
        build(path.with_suffix(".partial"), layout)
        path.with_suffix(".partial").rename(path)
        took = time.perf_counter() - started
        print(f"built {path} in {took:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    else:
        print(f"using cached {path} ({path.stat().st_size / 1e6:.0f} MB; --rebuild to redo)")
    return path


def fresh_copy(cached: Path) -> Path:
    work = CACHE / "work.db"
    for old in CACHE.glob("work.db*"):
        old.unlink()
    shutil.copyfile(cached, work)
    return work


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return f"p50 {at(0.5):7.3f}   p99 {at(0.99):7.3f}   max {ordered[-1]:8.3f}"


def hot_calls(layout: Layout, rng: random.Random) -> dict[str, Callable[[int], tuple]]:
    """name -> (i -> (method name, args, kwargs)): the calls the bot makes all day."""
    busy_chat, busy_root = layout.busy
    last_day = layout.days - 1

    def some_message() -> tuple[int, int]:
        t = rng.randrange(layout.threads - 1)
        chat, day, replies = layout.thread_at(t)
        return layout.chat_id(chat), layout.root(day) + 1 + rng.randrange(replies)

    def reply(i: int) -> tuple:
        chat_id, parent = some_message()
        message = {
            "chat_id": chat_id,
            "message_id": 50_000_000 + i,
            "root_message_id": parent - (parent % 1000) + 1,
            "reply_to_message_id": parent,
            "user_id": rng.randint(1, USERS),
            "sender_chat_id": None,
            "kind": "text",
            "text": f"a new reply about commons and care {i}",
            "date": START + layout.days * DAY + i,
        }
        return "keep_messages", ([message],), {}

    def day_of(chat: int) -> str:
        return layout.local_date(rng.randrange(max(1, last_day)))

    words = ["reciprocity", "maintainers", "enclosure", "cooperatives", "ostrom", "wikipedia"]
    return {
        "store a reply": reply,
        "edit a reply": lambda i: (
            "edit_message",
            some_message(),
            {"text": f"edited {i}", "edited_at": START + layout.days * DAY + i},
        ),
        "thread_root": lambda i: ("thread_root", some_message(), {}),
        "claim_post": lambda i: (
            "claim_post",
            (layout.chat_id(i % CHATS), layout.local_date(layout.days + i // CHATS), "digest"),
            {"now": START},
        ),
        "get_chat": lambda i: ("get_chat", (layout.chat_id(i % CHATS),), {}),
        "day's threads (200 replies)": lambda i: ("thread_messages", (busy_chat, busy_root), {}),
        "day's threads (20 replies)": lambda i: (
            "thread_messages",
            (layout.chat_id(i % CHATS), layout.root(rng.randrange(max(1, last_day)))),
            {},
        ),
        "curiosities_between (a day)": lambda i: (
            "curiosities_between",
            (layout.chat_id(i % CHATS), day_of(i), day_of(i)),
            {},
        ),
        "curiosities_between (a week)": lambda i: (
            "curiosities_between",
            (layout.chat_id(i % CHATS), layout.local_date(0), layout.local_date(6)),
            {},
        ),
        "search": lambda i: ("search", (layout.chat_id(i % CHATS), words[i % len(words)]), {}),
    }


ROUNDS = {"search": 300, "day's threads (200 replies)": 300}


def measure_direct(store: Store, layout: Layout) -> None:
    print("\nper-call latency, called directly (ms):")
    calls = hot_calls(layout, random.Random(11))
    for name, make in calls.items():
        samples = []
        for i in range(ROUNDS.get(name, 1000)):
            method, args, kwargs = make(i)
            started = time.perf_counter()
            getattr(store, method)(*args, **kwargs)
            samples.append((time.perf_counter() - started) * 1000)
        print(f"  {name:30} {percentiles(samples)}")


def measure_rare(store: Store, layout: Layout) -> None:
    print("\nrare calls, once each (ms; they run on the database thread, not the loop):")
    per_chat = f"~{layout.messages // CHATS:,} messages"
    rare: list[tuple[str, str, tuple[int, ...], dict[str, Any]]] = [
        (f"forget_user (~{layout.messages // USERS} messages)", "forget_user", (USERS,), {}),
        ("apply_retention (oldest 1%)", "apply_retention", (layout.days * 99 // 100,), {}),
        (
            f"migrate_chat ({per_chat})",
            "migrate_chat",
            (layout.chat_id(3), layout.chat_id(-3)),
            {},
        ),
        (f"purge_chat ({per_chat})", "purge_chat", (layout.chat_id(4),), {}),
        (f"export_chat ({per_chat})", "export_chat", (layout.chat_id(5),), {}),
    ]
    for label, method, args, kwargs in rare:
        if method == "apply_retention":
            kwargs = {"now": START + layout.days * DAY}
        started = time.perf_counter()
        getattr(store, method)(*args, **kwargs)
        print(f"  {label:40} {(time.perf_counter() - started) * 1000:9.1f}")


class LoopProbe:
    """Sleeps 1 ms over and over on the loop and records how late each wake-up is, per phase."""

    def __init__(self) -> None:
        self.phase = "start"
        self.lateness: dict[str, list[float]] = {}
        self.stopped = asyncio.Event()

    async def run(self) -> None:
        while not self.stopped.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            late = (time.perf_counter() - started) * 1000 - 1
            self.lateness.setdefault(self.phase, []).append(late)

    def worst(self) -> float:
        return max(max(values) for values in self.lateness.values())


async def timed(probe: LoopProbe, phase: str, call: Awaitable[Any]) -> float:
    probe.phase = phase
    started = time.perf_counter()
    await call
    return (time.perf_counter() - started) * 1000


async def measure_async(path: Path, layout: Layout) -> None:
    archive = Archive(path)
    await archive.start()
    probe = LoopProbe()
    probing = asyncio.create_task(probe.run())
    calls = hot_calls(layout, random.Random(13))
    print("\nthrough Archive, awaited on the loop (ms): call latency | loop hold meanwhile")
    for name, make in calls.items():
        samples = []
        for i in range(ROUNDS.get(name, 1000) // 2):
            method, args, kwargs = make(100_000 + i)
            call = archive.run(getattr(Store, method), *args, **kwargs)
            samples.append(await timed(probe, name, call))
        print(f"  {name:30} {percentiles(samples)} | max {max(probe.lateness[name]):6.2f}")
    burst = [calls["store a reply"](200_000 + i) for i in range(BURST)]
    calls_at_once = (archive.run(getattr(Store, m), *a, **k) for m, a, k in burst)
    took = await timed(probe, "burst", asyncio.gather(*calls_at_once))
    hold = max(probe.lateness["burst"])
    print(f"  {BURST} replies at once: {took:.0f} ms for all; loop hold meanwhile max {hold:.2f}")
    hot = probe.worst()
    took = await timed(probe, "forget", archive.run(Store.forget_user, USERS - 1))
    hold = max(probe.lateness["forget"])
    print(f"  forget_user (rare): {took:.0f} ms; loop hold meanwhile max {hold:.2f}")
    probe.stopped.set()
    await probing
    await archive.close()
    every = [late for values in probe.lateness.values() for late in values]
    print(f"\nloop probe, lateness of {len(every):,} 1 ms sleeps (ms): {percentiles(every)}")
    print(f"max event-loop hold during hot calls: {hot:.2f} ms")
    print(f"max event-loop hold: {probe.worst():.2f} ms (target < 10 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached archive")
    options = parser.parse_args()
    layout = Layout(options.messages)
    cached = cached_archive(layout, options.rebuild)
    work = fresh_copy(cached)
    store = Store.open(work)
    counted = store.db["messages"].count
    print(f"{counted:,} messages, {layout.threads:,} threads, {CHATS} chats, {layout.days} days")
    measure_direct(store, layout)
    store.close()
    asyncio.run(measure_async(work, layout))
    store = Store.open(work)
    measure_rare(store, layout)
    store.close()


if __name__ == "__main__":
    main()
