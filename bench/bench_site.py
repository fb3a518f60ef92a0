"""How long the reading room takes to build for a busy year, and to build again with nothing new.

Builds an archive of one published group: 365 days, a passage, 60 replies (a quarter of them
to the post, the rest to the reply before) and 5 curiosities a day among 20 people, and an
evening digest sent each day. Then builds its site twice into a fresh folder and prints each
build's time, what it wrote, and the site's size.

Benchmarks print figures; they assert nothing.
Run: python bench/bench_site.py [--days 365] [--replies 60]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.archive import Store
from bot.core.corpus import load_corpus
from bot.site import build_site

CHAT = -100777
FIRST_DAY = date(2030, 1, 1)
MORNING = int(datetime(2030, 1, 1, 8, 0, tzinfo=UTC).timestamp())
PEOPLE = 20
CURIOSITIES = 5


def fill(store: Store, days: int, replies: int) -> None:
    """Write the busy group's year into the archive."""
    corpus = load_corpus(None)
    store.register_chat(CHAT, type="supergroup", title="Busy", username="busy", now=0)
    store.update_chat(CHAT, published=True, timezone="Europe/Berlin")
    for person in range(1, PEOPLE + 1):
        store.upsert_user(person, first_name=f"Person {person}")
    next_id = 1
    for n in range(days):
        day, at = (FIRST_DAY + timedelta(days=n)).isoformat(), MORNING + n * 86_400
        root, entry = next_id, corpus[n % len(corpus)]
        store.claim_post(CHAT, day, "passage", now=at, passage_id=entry.id)
        store.record_passage_sent(CHAT, day, message_id=root, sent_at=at, passage_id=entry.id)
        rows = []
        for k in range(replies):
            next_id += 1
            rows.append(
                {
                    "chat_id": CHAT,
                    "message_id": next_id,
                    "root_message_id": root,
                    "reply_to_message_id": root if k % 4 == 0 else next_id - 1,
                    "user_id": 1 + k % PEOPLE,
                    "sender_chat_id": None,
                    "kind": "text",
                    "text": f"reply {k}: stewardship, care and the commons, again",
                    "date": at + 60 * k,
                }
            )
        store.keep_messages(rows)
        for k in range(CURIOSITIES):
            next_id += 1
            store.add_curiosity(
                CHAT,
                user_id=1 + k,
                local_date=day,
                text=f"how do seed libraries work? {k}",
                message_id=next_id,
                now=at + 4_000 + k,
            )
        store.claim_post(CHAT, day, "digest", now=at + 43_200)
        store.mark_post_sent(CHAT, day, "digest", message_id=next_id + 1, sent_at=at + 43_200)
        next_id += 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replies", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        store = Store.open(folder / "archive.db")
        fill(store, args.days, args.replies)
        chat = store.get_chat(CHAT)
        assert chat is not None
        corpus, now = load_corpus(None), datetime(2031, 1, 1, tzinfo=UTC)
        for build in ("first build", "second build, nothing new"):
            started = time.perf_counter()
            done = build_site(store, chat, corpus, folder / "site", now)
            seconds = time.perf_counter() - started
            print(
                f"{build}: {seconds:.2f} s, {len(done.written)} files written, "
                f"{done.unchanged} unchanged"
            )
        files = [p for p in (folder / "site").rglob("*") if p.is_file()]
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        print(f"site: {len(files)} files, {megabytes:.1f} MB")
        store.close()


if __name__ == "__main__":
    main()
