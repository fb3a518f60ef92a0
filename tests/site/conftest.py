"""A published group's archive on a real file: three days, two passages, a member who opted out,
an answered curiosity, two evening digests, and another chat beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.archive import Store
from bot.core.corpus import Entry, load_corpus
from bot.demo.week import run_demo

CORPUS = load_corpus(None)
CHAT = -1001234
OTHER = -1009999
MONDAY = "2030-06-03"
TUESDAY = "2030-06-04"
WEDNESDAY = "2030-06-05"
# 09:00 in Berlin (summer time) on the Monday.
MORNING = int(datetime(2030, 6, 3, 7, 0, tzinfo=UTC).timestamp())
DAY = 86_400
ANA, BO, CY, DEE = 1, 2, 3, 4
NOW = datetime(2030, 6, 5, 19, 0, tzinfo=UTC)  # Wednesday evening in Berlin


@dataclass
class Archive:
    """The store, the corpus and the days' ids a test needs."""

    store: Store
    corpus: list[Entry]

    def chat(self, chat_id: int = CHAT) -> Any:
        chat = self.store.get_chat(chat_id)
        assert chat is not None
        return chat


def message(message_id: int, user_id: int, text: str, root: int, reply_to: int, at: int) -> dict:
    """A thread message as the archive keeps it."""
    return {
        "chat_id": CHAT,
        "message_id": message_id,
        "root_message_id": root,
        "reply_to_message_id": reply_to,
        "user_id": user_id,
        "sender_chat_id": None,
        "kind": "text",
        "text": text,
        "date": at,
    }


def send_passage(
    store: Store, chat_id: int, day: str, message_id: int, entry: Entry, at: int
) -> None:
    store.claim_post(chat_id, day, "passage", now=at, passage_id=entry.id)
    store.record_passage_sent(chat_id, day, message_id=message_id, sent_at=at, passage_id=entry.id)


def send_digest(store: Store, chat_id: int, day: str, message_id: int, at: int) -> None:
    store.claim_post(chat_id, day, "digest", now=at)
    store.mark_post_sent(chat_id, day, "digest", message_id=message_id, sent_at=at)


def fill(store: Store) -> None:
    """Three days of the group 'Readers' in Berlin, and one day of another chat."""
    store.register_chat(CHAT, type="supergroup", title="Readers", username="readers", now=MORNING)
    store.update_chat(CHAT, timezone="Europe/Berlin", published=True)
    for user_id, name in ((ANA, "Ana"), (BO, "Bo"), (CY, "Cy"), (DEE, "Dee")):
        store.upsert_user(user_id, first_name=name)
    first, second = CORPUS[0], CORPUS[1]
    send_passage(store, CHAT, MONDAY, 500, first, MORNING)
    store.keep_messages(
        [
            message(501, ANA, "Commons need caretakers.", 500, 500, MORNING + 600),
            message(
                502, BO, "Caretakers are free people too.\nSecond line.", 500, 501, MORNING + 900
            ),
            message(503, CY, "Cy's private thought about wombats", 500, 500, MORNING + 1200),
            message(505, DEE, "Seed libraries answer that.", 500, 504, MORNING + 1800),
        ]
    )
    store.add_curiosity(
        CHAT, user_id=ANA, local_date=MONDAY, text="how do seed libraries work?",
        message_id=504, now=MORNING + 1500,
    )  # fmt: skip
    send_digest(store, CHAT, MONDAY, 506, MORNING + 12 * 3600)
    send_passage(store, CHAT, TUESDAY, 600, second, MORNING + DAY)
    store.keep_messages(
        [message(601, BO, "Infrastructure is people.", 600, 600, MORNING + DAY + 60)]
    )
    send_digest(store, CHAT, TUESDAY, 606, MORNING + DAY + 12 * 3600)
    # Wednesday the group reads Monday's passage again.
    send_passage(store, CHAT, WEDNESDAY, 700, first, MORNING + 2 * DAY)
    store.keep_messages(
        [message(701, ANA, "Back to caretakers, again.", 700, 700, MORNING + 2 * DAY + 60)]
    )
    store.opt_out(CY)
    store.register_chat(OTHER, type="supergroup", title="Elsewhere", now=MORNING)
    store.update_chat(OTHER, published=True)
    send_passage(store, OTHER, MONDAY, 900, first, MORNING)
    store.keep_messages(
        [{**message(901, DEE, "the other chat's secret", 900, 900, MORNING), "chat_id": OTHER}]
    )


def filled_archive_file(path: Path) -> Path:
    """Write the filled week into an archive file at path, closed, for a command to read."""
    store = Store.open(path)
    fill(store)
    store.close()
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    store = Store.open(tmp_path / "archive.db")
    fill(store)
    yield Archive(store, CORPUS)
    store.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an archive holding the demo's whole week (played once: it takes seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert asyncio.run(run_demo(db_path=path, echo=lambda _: None)) == 0
    return path
