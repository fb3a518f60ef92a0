"""Every performance figure in one run: one JSON object per line, then a table.

    python bench/run.py [--quick] [--json] [--only NAME,...]

Each figure is a ratio where there is something to compare with (the bot against a bare PTB
bot measured in the same run, a digest against reading its rows), so a busy machine slows both
sides alike. ``--quick`` scales every size down so the whole run takes well under a minute: it
shows the runner works, not whether the goals are met. ``--json`` prints only the JSON lines.
Benchmarks print figures; they assert nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (
    bench_blocking,
    bench_digest,
    bench_fanout,
    bench_flood,
    bench_ingest,
    bench_process,
    bench_search,
)
from bench.bench_restarts import run_restart_day


@dataclass(frozen=True)
class Figure:
    """One measured figure and its goal; ``ok`` is None where nothing was measured."""

    name: str
    value: float | list[int] | None
    unit: str
    goal: str
    ok: bool | None
    detail: str = ""


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark runs: the full sizes, or ``--quick``'s."""

    ingest_messages: int
    ingest_rounds: int
    fanout_chats: int
    fanout_scale: float
    digest_small: int
    digest_large: int
    blocking_messages: int
    process_chats: int
    process_messages: int
    restart_chats: int
    restart_kills: int
    search_messages: int
    search_seconds: float
    flood_hold: float


FULL = Sizes(
    3000, 3, 300, 1.0, 10_000, 100_000, 100_000, 10_000, 1_000_000, 30, 20, 100_000, 20, 30
)
QUICK = Sizes(300, 1, 60, 10.0, 500, 3_000, 5_000, 200, 20_000, 0, 0, 5_000, 3, 3)


def ingest(sizes: Sizes) -> list[Figure]:
    """Return ingest_vs_bare_ptb and loop_hold_excess_ms, bare and bot in alternating rounds."""
    bares, bots = [], []
    for _ in range(sizes.ingest_rounds):
        bares.append(asyncio.run(bench_ingest.bare_ptb(sizes.ingest_messages)))
        with tempfile.TemporaryDirectory() as scratch:
            db_path = Path(scratch) / "ingest.db"
            bots.append(asyncio.run(bench_ingest.commons_bot(sizes.ingest_messages, db_path)))
    bare, bot = bench_ingest.median_run(bares), bench_ingest.median_run(bots)
    ratio = bot.rate / bare.rate
    # Each round's worst hold, then the median round: one stall of a shared machine in one
    # round (another process, a full collection) does not decide the figure.
    hold, bare_hold = median([r.hold_ms for r in bots]), median([r.hold_ms for r in bares])
    excess = hold - bare_hold
    return [
        Figure("ingest_vs_bare_ptb", round(ratio, 2), "ratio", ">= 0.9", ratio >= 0.9,
               f"bot {bot.rate:.0f}/s, bare PTB {bare.rate:.0f}/s (medians of "
               f"{sizes.ingest_rounds} rounds of {sizes.ingest_messages} replies)"),
        Figure("loop_hold_excess_ms", round(excess, 1), "ms", "<= 5", excess <= 5,
               f"median round's worst: bot {hold:.1f} ms, bare PTB {bare_hold:.1f} ms; "
               f"worst of all: bot {max(r.hold_ms for r in bots):.1f} ms, bare PTB "
               f"{max(r.hold_ms for r in bares):.1f} ms"),
    ]  # fmt: skip


def fanout(sizes: Sizes) -> list[Figure]:
    """Return fanout_efficiency: posts per second over the sandbox's overall limit."""
    with tempfile.TemporaryDirectory() as scratch:
        result = asyncio.run(
            bench_fanout.measure(sizes.fanout_chats, sizes.fanout_scale, Path(scratch) / "f.db")
        )
    ratio, refused = result["ratio"], int(result["429s"])
    return [
        Figure("fanout_efficiency", round(ratio, 2), "ratio", ">= 0.9, 0 429s",
               ratio >= 0.9 and refused == 0,
               f"{result['sent']:.0f}/{sizes.fanout_chats} posts at {result['rate']:.1f}/s, "
               f"limit {result['limit']:.0f}/s, 429s {refused}"),
    ]  # fmt: skip


def digest(sizes: Sizes) -> list[Figure]:
    """Return digest_vs_read (at the smaller size) and digest_scaling (larger / smaller)."""
    with tempfile.TemporaryDirectory() as scratch:
        small = bench_digest.measure(sizes.digest_small, Path(scratch))
        large = bench_digest.measure(sizes.digest_large, Path(scratch))
    small_ms = small["build"] + small["render"]
    large_ms = large["build"] + large["render"]
    ratio, scaling = small_ms / small["read"], large_ms / small_ms
    return [
        Figure("digest_vs_read", round(ratio, 1), "ratio", "<= 3", ratio <= 3,
               f"{sizes.digest_small:,} messages: build+render {small_ms:.0f} ms, "
               f"read {small['read']:.0f} ms"),
        Figure("digest_scaling", round(scaling, 1), "ratio", "<= 11", scaling <= 11,
               f"{sizes.digest_large:,} messages: build+render {large_ms:.0f} ms"),
    ]  # fmt: skip


def blocking(sizes: Sizes) -> list[Figure]:
    """Return digest_blocks_store: the longest store call while a large digest is planned."""
    result = bench_blocking.run(sizes.blocking_messages)
    worst = max(result.worst_during_ms, max(result.quiet_ms))
    return [
        Figure("digest_blocks_store", round(result.worst_during_ms, 1), "ms",
               "<= 20, with or without a digest", worst <= 20,
               f"{sizes.blocking_messages:,}-message digest took {result.digest_seconds:.1f} s;"
               f" {result.describe()}"),
    ]  # fmt: skip


def search(sizes: Sizes) -> list[Figure]:
    """Return search_freshness_s and store_p99_under_load_ms: 1,000 replies a second stored
    while a searcher looks for some of them."""
    result = bench_search.run(sizes.search_messages, 1000, sizes.search_seconds)
    ordered = sorted(result.store_ms)
    worst_ms, p99 = ordered[-1], result.p99_ms
    where = f"{sizes.search_messages:,}-message archive: {result.describe()}"
    return [
        Figure("search_freshness_s", round(result.worst_delay, 2), "s", "<= 2",
               result.worst_delay <= 2, where),
        Figure("store_p99_under_load_ms", round(p99, 1), "ms", "p99 <= 5, max <= 20",
               p99 <= 5 and worst_ms <= 20, f"max {worst_ms:.1f} ms; {where}"),
    ]  # fmt: skip


def flood(sizes: Sizes) -> list[Figure]:
    """Return flood_isolation: the other groups' posts per second while one is refused."""
    ours, ptb = bench_flood.run(sizes.fanout_chats, sizes.flood_hold, sizes.fanout_scale)
    once_after_wait = ours.flooded_sent == 1 and ours.flooded_seconds >= sizes.flood_hold
    return [
        Figure("flood_isolation", round(ours.ratio, 2), "ratio",
               ">= 0.9, the flooded post sent once after its wait",
               ours.ratio >= 0.9 and once_after_wait,
               f"{sizes.fanout_chats} groups, one refused for {sizes.flood_hold:.0f} s; "
               f"{ours.describe()}; baseline {ptb.describe()}"),
    ]  # fmt: skip


def process(sizes: Sizes) -> list[Figure]:
    """Return memory_10k_chats and startup_10k_chats, the bot's process over a bare PTB one."""
    bare, bot = bench_process.run(sizes.process_chats, sizes.process_messages)
    memory, startup = bot.peak_mb / bare.peak_mb, bot.startup / bare.startup
    where = f"{sizes.process_chats:,} chats, {sizes.process_messages:,}-message archive"
    return [
        Figure("memory_10k_chats", round(memory, 2), "ratio", "<= 1.3", memory <= 1.3,
               f"{where}: bot {bot.peak_mb:.0f} MB, bare PTB {bare.peak_mb:.0f} MB"),
        Figure("startup_10k_chats", round(startup, 2), "ratio", "<= 2", startup <= 2,
               f"{where}: bot {bot.startup:.2f} s, bare PTB {bare.startup:.2f} s"),
    ]  # fmt: skip


def restarts(sizes: Sizes) -> list[Figure]:
    """Return restart_day: duplicates, missed posts and lost replies over a day of SIGKILLs."""
    if not sizes.restart_kills:
        # Its posts fall due on real clock minutes, which no quick run can wait for.
        return [Figure("restart_day", None, "duplicates, missed, lost", "0, 0, 0", None,
                       "not run with --quick: its slots fall on real clock minutes")]  # fmt: skip
    day = run_restart_day(sizes.restart_chats, sizes.restart_kills)
    value = [day["duplicates"], day["missed"], day["lost"]]
    return [
        Figure("restart_day", value, "duplicates, missed, lost", "0, 0, 0", value == [0, 0, 0],
               f"{sizes.restart_chats} chats, {sizes.restart_kills} SIGKILLs, "
               f"{day['injected']} replies injected; lost: {day['fetched_then_killed']} fetched "
               f"by a process killed before it stored them, {day['orphaned']} replying to lost "
               f"ones, {day['other']} otherwise"),
    ]  # fmt: skip


GROUPS: dict[str, Callable[[Sizes], list[Figure]]] = {
    "ingest": ingest,
    "fanout": fanout,
    "digest": digest,
    "blocking": blocking,
    "search": search,
    "flood": flood,
    "process": process,
    "restarts": restarts,
}


def table(figures: list[Figure]) -> str:
    """Return the figures as a Markdown table."""
    rows = ["| figure | value | goal | met | detail |", "| --- | --- | --- | --- | --- |"]
    for f in figures:
        value = ", ".join(map(str, f.value)) if isinstance(f.value, list) else f"{f.value}"
        met = {True: "yes", False: "**no**", None: "-"}[f.ok]
        rows.append(f"| `{f.name}` | {value} {f.unit} | {f.goal} | {met} | {f.detail} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--json", action="store_true", help="only the JSON lines")
    parser.add_argument("--only", help=f"comma-separated groups of {', '.join(GROUPS)}")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    sizes = QUICK if args.quick else FULL
    chosen = args.only.split(",") if args.only else list(GROUPS)
    started, figures = time.perf_counter(), []
    for name in chosen:
        for figure in GROUPS[name](sizes):
            print(json.dumps(asdict(figure), ensure_ascii=False), flush=True)
            figures.append(figure)
    if not args.json:
        took = time.perf_counter() - started
        print(f"\n{table(figures)}\n\n{'quick' if args.quick else 'full'} run: {took:.0f} s")


if __name__ == "__main__":
    main()
