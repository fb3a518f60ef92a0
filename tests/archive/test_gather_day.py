"""A day's rows for a digest, as the archive gathers them: its passage, post, thread and
curiosities, that chat's and that day's only."""

from __future__ import annotations

from datetime import date

from bot.archive.operations import gather_day
from bot.archive.store import Store
from bot.core.corpus import Entry
from bot.core.records import DayInput
from tests.archive.support import CHAT, NOW, OTHER, POST, make_message, with_thread

CORPUS = [
    Entry("ch1-01", "Chapter one", "The commons is a verb.", "We do it together.", 1),
    Entry("ch1-02", "Chapter two", "Rules are found.", "By those who use them.", 8),
]
DAY = date(2024, 3, 10)


def test_a_days_rows_are_its_passage_post_thread_and_curiosities_only(store: Store) -> None:
    with_thread(store, CHAT)
    with_thread(store, OTHER)
    store.db.execute("UPDATE posts SET passage_id = 'ch1-02' WHERE chat_id = ?", (CHAT,))
    store.keep_messages([make_message(501, text="in the thread")])
    store.keep_messages([make_message(502, chat_id=OTHER, text="another chat's thread")])
    for chat_id, day, text in [
        (CHAT, "2024-03-10", "asked that day"),
        (CHAT, "2024-03-11", "asked the next day"),
        (OTHER, "2024-03-10", "asked in another chat"),
    ]:
        store.add_curiosity(chat_id, user_id=2, local_date=day, text=text, now=NOW)
    chat = store.get_chat(CHAT)
    assert chat is not None
    gathered = gather_day(store, chat, DAY, CORPUS)
    assert isinstance(gathered, DayInput)
    assert (gathered.local_date, gathered.entry) == (DAY, CORPUS[1])
    assert gathered.post is not None and gathered.post["message_id"] == POST
    assert [m["text"] for m in gathered.messages] == ["in the thread"]
    assert [c["text"] for c in gathered.curiosities] == ["asked that day"]


def test_a_day_without_its_post_has_no_passage_nor_thread(store: Store) -> None:
    with_thread(store, CHAT)
    store.add_curiosity(CHAT, user_id=2, local_date="2024-03-12", text="a quiet day's", now=NOW)
    chat = store.get_chat(CHAT)
    assert chat is not None
    quiet = gather_day(store, chat, date(2024, 3, 12), CORPUS)
    assert (quiet.local_date, quiet.entry, quiet.post, list(quiet.messages)) == (
        date(2024, 3, 12),
        None,
        None,
        [],
    )
    assert [c["text"] for c in quiet.curiosities] == ["a quiet day's"]


def test_a_post_whose_passage_left_the_corpus_has_no_entry(store: Store) -> None:
    with_thread(store, CHAT)
    store.db.execute("UPDATE posts SET passage_id = 'gone-01' WHERE chat_id = ?", (CHAT,))
    chat = store.get_chat(CHAT)
    assert chat is not None
    assert gather_day(store, chat, DAY, CORPUS).entry is None
