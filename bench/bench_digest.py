"""How the evening digest's cost grows with a day's size, next to reading the rows from SQLite.

Builds synthetic days of 1,000 / 10,000 / 100,000 replies (threads of varied depth, sentences
of varied length, a few photos and opted-out members, a curiosity per fifty replies), then
times, best of a few runs:

  read    SELECT the day's thread rows from a temporary SQLite file into dicts
  build   build_daily_digest (threads, lines, resonances)
  render  plan_delivery: every Telegram chunk, and the standalone HTML document

Run: python bench/bench_digest.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.archive.planner import collection_paused
from bot.compose.digest import build_daily_digest, plan_delivery
from bot.core.corpus import Entry
from bot.i18n import translator
from bot.words.tokens import kept_words

EN = translator("en")
T = TypeVar("T")

CHAT = {
    "id": -1001234567890,
    "type": "supergroup",
    "title": "Commons readers",
    "username": None,
    "quiet_day": "line",
}
ROOT = 1
DAY = date(2025, 11, 25)
START = 1_764_028_800  # that day, 00:00 UTC
ENTRY = Entry(
    id="ch1-01",
    chapter="Chapter 1: A third way",
    passage="The commons are neither market nor state.\n\nThey are a third way.",
    counterpoint="but who tends them?",
    line=1,
)
NAMES = [f"{first}{n or ''}" for n in range(4) for first in (
    "Ana", "Bo", "Cy", "Di", "Eve", "Fay", "Gil", "Hal", "Ida", "Jo", "Kai", "Lu", "Mo", "Noa",
    "Oli", "Pia", "Quin", "Rui", "Sam", "Tess", "Uma", "Vic", "Wen", "Xia", "Yul", "Zoë",
)]  # fmt: skip
THEMES = (
    "commons reciprocity care gift economy peer production open source maintainers trust "
    "cooperative platform value labour market state protocol community governance ostrom "
    "sharing knowledge design principles enclosure capital neighbours garden wikipedia & < 🌱"
)
WORDS = THEMES.split()
PLAIN = "the a of and to in is that it for with as on but not we you this"
FILLER = PLAIN.split()


def sentence(rng: random.Random) -> str:
    """Return a reply of 3 to 70 words, mostly ordinary words, some themes and symbols."""
    words = [
        rng.choice(WORDS if rng.random() < 0.3 else FILLER) for _ in range(rng.randint(3, 70))
    ]
    return " ".join(words).capitalize() + rng.choice([".", "?", "!", " 🎉"])


def synthetic_day(size: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (messages, curiosities): size replies under one post, threads of varied depth."""
    rng = random.Random(seed)
    messages: list[dict[str, Any]] = []
    for n in range(size):
        message_id = ROOT + 1 + n
        # A third start new threads; the rest answer a recent message, so depth varies.
        parent = ROOT if not messages or rng.random() < 0.33 else rng.choice(messages[-40:])
        author = rng.choice(NAMES)
        messages.append(
            {
                "chat_id": CHAT["id"],
                "message_id": message_id,
                "root_message_id": ROOT,
                "reply_to_message_id": parent if parent == ROOT else parent["message_id"],
                "user_id": NAMES.index(author) + 1,
                "sender_chat_id": None,
                "author": author,
                "opted_out": author.startswith("Zoë"),
                "kind": "photo" if rng.random() < 0.03 else "text",
                "text": (text := sentence(rng)),
                "date": START + n,
                "edited_at": None,
                "words": kept_words(text),  # as the archive keeps them when it stores a reply
            }
        )
    return messages, synthetic_curiosities(size, rng)


def synthetic_curiosities(size: int, rng: random.Random) -> list[dict[str, Any]]:
    """Return a curiosity for every fifty replies, from members in turn."""
    return [
        {
            "id": n + 1,
            "chat_id": CHAT["id"],
            "user_id": (n % len(NAMES)) + 1,
            "author": NAMES[n % len(NAMES)],
            "opted_out": False,
            "local_date": DAY.isoformat(),
            "text": sentence(rng),
            "message_id": size + 10 + n,
            "created_at": START + n,
        }
        for n in range(max(size // 50, 1))
    ]


FIELDS = (
    "chat_id message_id root_message_id reply_to_message_id user_id sender_chat_id author "
    "opted_out kind text date edited_at words"
)
COLUMNS = FIELDS.split()
SCHEMA = (
    "chat_id INTEGER, message_id INTEGER, root_message_id INTEGER, reply_to_message_id INTEGER,"
    " user_id INTEGER, sender_chat_id INTEGER, author TEXT, opted_out INTEGER, kind TEXT,"
    " text TEXT, date INTEGER, edited_at INTEGER, words TEXT, PRIMARY KEY (chat_id, message_id)"
)


def write_db(path: Path, messages: list[dict[str, Any]]) -> None:
    """Create a messages table like the archive's, holding these rows."""
    db = sqlite3.connect(path)
    try:
        with db:  # one transaction
            db.execute(f"CREATE TABLE messages ({SCHEMA})")
            db.execute("CREATE INDEX messages_root ON messages (chat_id, root_message_id, date)")
            placeholders = ", ".join("?" for _ in COLUMNS)
            db.executemany(
                f"INSERT INTO messages VALUES ({placeholders})",
                ([m[c] for c in COLUMNS] for m in messages),
            )
    finally:
        db.close()


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Return the day's thread rows as dicts, the way the store reads them."""
    db = sqlite3.connect(path)
    try:
        cursor = db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM messages WHERE chat_id = ? AND root_message_id = ?"
            " ORDER BY date, message_id",
            (CHAT["id"], ROOT),
        )
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor]
    finally:
        db.close()
    for row in rows:
        row["opted_out"] = bool(row["opted_out"])
    return rows


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Return the fastest wall time of fn in milliseconds, and its last result.

    Each run has the garbage collector paused, as the bot's digest planner runs (reading the
    rows and building alike); the collection after it is not counted.
    """
    best = float("inf")
    result: T
    for _ in range(runs):
        with collection_paused():
            started = time.perf_counter()
            result = fn()
            best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


def measure(size: int, workdir: Path) -> dict[str, float]:
    """Return read/build/render milliseconds for one synthetic day of size replies."""
    messages, curiosities = synthetic_day(size)
    path = workdir / f"day-{size}.db"
    write_db(path, messages)
    runs = 5 if size <= 10_000 else 3
    read_ms, rows = best_of(runs, lambda: read_rows(path))
    assert len(rows) == size

    def build() -> Any:
        return build_daily_digest(
            EN,
            CHAT,
            DAY,
            entry=ENTRY,
            post={"message_id": ROOT},
            messages=rows,
            curiosities=curiosities,
        )

    build_ms, digest = best_of(runs, build)
    render_ms, plan = best_of(runs, lambda: plan_delivery(EN, digest))
    assert plan.document is not None or size < 100
    return {"size": size, "read": read_ms, "build": build_ms, "render": render_ms}


def report(results: list[dict[str, float]]) -> None:
    """Print one row per size: times, the ratio to reading, and growth per 10x."""
    print(
        f"{'messages':>9} {'read ms':>9} {'build ms':>9} {'render ms':>10} "
        f"{'total ms':>9} {'÷ read':>7} {'growth':>7}"
    )
    previous = None
    for row in results:
        total = row["build"] + row["render"]
        growth = f"{total / previous:6.1f}x" if previous else "      -"
        print(
            f"{int(row['size']):>9,} {row['read']:>9.1f} {row['build']:>9.1f} "
            f"{row['render']:>10.1f} {total:>9.1f} {total / row['read']:>6.1f}x {growth}"
        )
        previous = total
    print(
        "growth: build+render time relative to the previous size (10x the messages; linear ≈ 10x)"
    )


def main() -> None:
    """Measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated sizes")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        report([measure(size, Path(tmp)) for size in sizes])


if __name__ == "__main__":
    main()
