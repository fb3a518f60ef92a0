"""Each message's words, read once when it is stored and kept beside it, so that no digest reads
them from its text again: the same words a fresh reading gives, and read again when the way
words are read changes."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.archive import Archive, Store, messages
from bot.compose.digest import build_daily_digest, render_chunks
from bot.i18n import translator
from bot.words.tokens import kept_words
from tests.archive.support import CHAT, NOW, POST, make_message, with_thread

FIXTURE = Path(__file__).parent.parent / "fixtures" / "archive-v1.db"
SAID = [
    "Who <b>repairs</b> the shared bicycles? Repairs need hands.",
    "The allotment keeps its seeds in a jar by the gate 🌱",
    "https://example.org/tools and @ana: the tool library again",
]


def kept(store: Store, chat_id: int = CHAT, root: int = POST) -> dict[int, str | None]:
    return {m["message_id"]: m.get("words") for m in store.thread_messages(chat_id, root)}


def fresh(store: Store, chat_id: int = CHAT, root: int = POST) -> dict[int, str]:
    return {m["message_id"]: kept_words(m["text"]) for m in store.thread_messages(chat_id, root)}


def archive_of_said(path: Path) -> None:
    """Make an archive whose thread holds SAID, its words kept the bot's way."""
    store = Store.open(path)
    with_thread(store)
    store.keep_messages([make_message(501 + n, text=text) for n, text in enumerate(SAID)])
    store.close()


def test_a_stored_reply_keeps_the_words_of_its_text_and_an_edit_those_of_the_new_text(
    store: Store,
) -> None:
    with_thread(store)
    store.keep_messages([make_message(501 + n, text=text) for n, text in enumerate(SAID)])
    assert kept(store) == fresh(store)
    assert kept(store)[501] == "who repairs the shared bicycles need hands"
    store.edit_message(CHAT, 502, text="The orchard keeps its seeds now", edited_at=NOW + 60)
    assert kept(store)[502] == "the orchard keeps its seeds now"
    assert kept(store) == fresh(store)


def test_an_archive_from_before_reads_its_messages_words_a_batch_at_a_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.db"
    shutil.copy(FIXTURE, path)
    store = Store.open(path)
    threads = [(-100, 10), (-200, 10)]  # the fixture's two chats, four messages in all
    assert {words for t in threads for words in kept(store, *t).values()} == {None}
    assert store.read_missing_words(limit=3) is True  # a whole batch: more may wait
    assert store.read_missing_words(limit=3) is False
    assert [kept(store, *t) for t in threads] == [fresh(store, *t) for t in threads]
    assert kept(store, -100, 10)[11] == "commons need caretakers"
    store.close()


def test_a_new_way_of_reading_words_reads_every_message_again(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_of_said(path)
    reopened = Store.open(path)
    assert reopened.read_missing_words() is False  # the same way: nothing to read again
    reopened.close()

    monkeypatch.setattr(messages, "WORDS_VERSION", messages.WORDS_VERSION + 1)
    monkeypatch.setattr(messages, "kept_words", lambda text: text.upper())
    store = Store.open(path)
    assert set(kept(store).values()) == {None}
    assert store.read_missing_words() is False
    assert kept(store) == {501 + n: text.upper() for n, text in enumerate(SAID)}
    store.close()


async def test_a_running_archive_reads_the_words_it_has_not_kept_beside_the_writer(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_of_said(path)
    monkeypatch.setattr(messages, "WORDS_VERSION", messages.WORDS_VERSION + 1)
    archive = Archive(path)
    await archive.start()
    try:
        for _ in range(100):  # the index steps start a moment after the archive opens
            if None not in (await archive.read(kept)).values():
                break
            await asyncio.sleep(0.05)
        assert await archive.read(kept) == await archive.read(fresh)
    finally:
        await archive.close()


def test_the_digest_from_kept_words_is_the_digest_from_each_text(store: Store) -> None:
    with_thread(store)
    store.upsert_user(3, first_name="Cy")
    said = ["who repairs the shared bicycles?", "ideas for repairs in the tool library?"]
    curiosities = [
        {"user_id": n + 1, "author": name, "opted_out": False, "text": text, "message_id": None}
        for n, (name, text) in enumerate(zip(["Ana", "Bo"], said, strict=True))
    ]
    store.keep_messages([make_message(501, user_id=3, text="Repairs take an afternoon here")])
    rows = store.thread_messages(CHAT, POST)
    unread = [{**row, "words": None} for row in rows]
    en = translator("en")

    def digest(thread: list) -> list[str]:  # type: ignore[type-arg]
        built = build_daily_digest(
            en,
            {"id": CHAT, "type": "supergroup", "title": "Readers"},
            date(2024, 3, 10),
            entry=None,
            post={"message_id": POST},
            messages=thread,
            curiosities=curiosities,
        )
        return render_chunks(built)

    (chunk,) = digest(rows)
    assert "Ana and Bo are both wondering about <b>repairs</b>; Cy wrote about it" in chunk
    assert digest(unread) == [chunk]
    # The digest reads the kept words, not the text again.
    assert "Cy wrote" not in digest([{**rows[0], "words": "an afternoon here"}])[0]
