"""A reply to one of the bot's own messages: which thread it joins, and under which message.

Each test sets up the archive as the bot leaves it (a passage sent, a copy, a digest, a crash
before an id was recorded), answers a bot message, and checks the road taken and where the
reply is stored, as ``/thread`` and the digests will then show it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.archive import Store
from bot.archive.replies import (
    RECENT_DAYS,
    BotMessage,
    join_bot_reply,
    quote_pieces,
    recent_passages,
    store_said,
)
from bot.compose.passage import passage_heading
from bot.core.corpus import Entry
from bot.handlers.attribution import recognise_copy
from bot.i18n import translator, translator_for
from tests.archive.support import said

CHAT = -100
TODAY = date(2030, 3, 5)
NOW = 1_900_000_000
CORPUS = [
    Entry("ch1-01", "Chapter one", "The commons is a verb.", "We do it together.", 1),
    Entry("ch1-02", "Chapter two", "Rules are found, not given.", "By those who use them.", 8),
    Entry("ch1-03", "Chapter three", "Markets are not enough.", "Nor is the state.", 15),
]


def day(days_ago: int = 0) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def heading(entry: Entry, days_ago: int = 0, language: str = "en") -> str:
    """The first line of that day's passage post as a member's app shows it."""
    return passage_heading(translator(language), entry, TODAY - timedelta(days=days_ago))


def reply(message_id: int, to: int, text: str = "a reply", user_id: int = 7) -> Any:
    return {
        "chat_id": CHAT,
        "message_id": message_id,
        "root_message_id": 0,
        "reply_to_message_id": to,
        "user_id": user_id,
        "text": text,
        "date": NOW + message_id,
    }


def answer(
    store: Store,
    message: Any,
    text: str = "a bot message",
    quote: str | None = None,
    today: str | None = None,
    corpus: list[Entry] = CORPUS,
) -> str:
    """Answer a bot message as the bot's handler does: the plain roads, then the bot's."""
    member = said(message, "Ana", "ana")
    if store_said(store, member):
        return "copy"
    chat = store.get_chat(CHAT)
    assert chat is not None
    passages = recent_passages(store, CHAT, today or day())
    copy = recognise_copy(translator_for(chat), text, passages, corpus, chat)
    return join_bot_reply(store, member, BotMessage(quote, today or day(), copy))


def stored(store: Store, message_id: int) -> tuple[int, int | None] | None:
    """Where a reply was stored: (its thread's root, the message it hangs from)."""
    row = store.get_message(CHAT, message_id)
    return None if row is None else (row["root_message_id"], row["reply_to_message_id"])


def send_passage(store: Store, days_ago: int, message_id: int, passage_id: str) -> None:
    store.claim_post(CHAT, day(days_ago), "passage", now=NOW)
    store.record_passage_sent(
        CHAT, day(days_ago), message_id=message_id, sent_at=NOW, passage_id=passage_id
    )


@pytest.fixture
def chat(store: Store) -> Store:
    store.register_chat(CHAT, type="supergroup", title="Readers", now=NOW)
    return store


# a copy of the passage


def test_a_reply_to_a_recorded_copy_joins_its_thread_under_that_copy(chat: Store) -> None:
    send_passage(chat, 0, 10, "ch1-01")
    chat.record_post_copy(CHAT, 14, root_message_id=10, how="today")
    assert answer(chat, reply(20, to=14)) == "copy"
    assert stored(chat, 20) == (10, 14)
    user = chat.get_user(7)
    assert user is not None and (user["first_name"], user["username"]) == ("Ana", "ana")


def test_an_unrecorded_copy_is_recognised_by_its_heading_and_remembered(chat: Store) -> None:
    send_passage(chat, 2, 10, "ch1-01")
    send_passage(chat, 1, 11, "ch1-02")
    send_passage(chat, 0, 12, "no-longer-in-the-corpus")
    text = heading(CORPUS[0], 2) + "\nThe commons is a verb."
    assert answer(chat, reply(20, to=15), text=text) == "recognised"
    assert stored(chat, 20) == (10, 15)
    assert chat.thread_root(CHAT, 15) == 10
    assert chat.post_copies(CHAT) == {"post": 3, "recognised": 1}
    # The copy is known now: the next reply to it takes the plain road.
    assert answer(chat, reply(21, to=15), text=text) == "copy"


@pytest.mark.parametrize(
    ("days_ago", "road"), [(RECENT_DAYS, "recognised"), (RECENT_DAYS + 1, "nowhere")]
)
def test_only_copies_of_the_last_days_are_looked_for(
    chat: Store, days_ago: int, road: str
) -> None:
    send_passage(chat, days_ago, 10, "ch1-02")
    assert answer(chat, reply(20, to=15), text=heading(CORPUS[1], days_ago)) == road


def test_a_copy_is_recognised_in_the_chats_language(chat: Store) -> None:
    chat.update_chat(CHAT, language="de")
    send_passage(chat, 1, 10, "ch1-01")
    assert answer(chat, reply(20, to=15), text=heading(CORPUS[0], 1)) == "nowhere"
    assert answer(chat, reply(21, to=15), text=heading(CORPUS[0], 1, "de")) == "recognised"


def test_a_heading_of_another_day_or_passage_is_not_a_copy(chat: Store) -> None:
    send_passage(chat, 1, 10, "ch1-01")
    assert answer(chat, reply(20, to=15), text=heading(CORPUS[0], 2)) == "nowhere"
    assert answer(chat, reply(21, to=15), text=heading(CORPUS[1], 1)) == "nowhere"
    assert chat.post_copies(CHAT) == {"post": 1}


# a passage whose id was never recorded (sent just before a crash)


def test_the_lost_passage_is_adopted_from_a_reply_to_it(chat: Store) -> None:
    chat.claim_post(CHAT, day(), "passage", now=NOW - 60)
    before = chat.get_chat(CHAT)
    assert before is not None
    text = heading(CORPUS[before["corpus_position"]]) + "\n…"
    assert answer(chat, reply(20, to=33), text=text) == "recognised"
    post = chat.get_post(CHAT, day(), "passage")
    after = chat.get_chat(CHAT)
    assert post is not None and after is not None
    assert (post["status"], post["message_id"], post["sent_at"], post["passage_id"]) == (
        "sent",
        33,
        NOW - 60,
        CORPUS[before["corpus_position"]].id,
    )
    assert after["corpus_position"] == before["corpus_position"] + 1
    assert (stored(chat, 20), chat.post_copies(CHAT)) == ((33, 33), {"recognised": 1})


def test_the_lost_passage_is_known_by_its_own_id_before_the_corpus_place(chat: Store) -> None:
    chat.claim_post(CHAT, day(), "passage", now=NOW, passage_id="ch1-03")
    assert answer(chat, reply(20, to=33), text=heading(CORPUS[0])) == "nowhere"
    assert answer(chat, reply(21, to=33), text=heading(CORPUS[2])) == "recognised"
    post = chat.get_post(CHAT, day(), "passage")
    assert post is not None and (post["message_id"], post["passage_id"]) == (33, "ch1-03")


def test_nothing_is_adopted_without_a_corpus_or_a_matching_heading(chat: Store) -> None:
    chat.claim_post(CHAT, day(), "passage", now=NOW)
    assert answer(chat, reply(20, to=33), text=heading(CORPUS[0]), corpus=[]) == "nowhere"
    assert answer(chat, reply(21, to=33), text="Welcome! I post a passage each morning.") == (
        "nowhere"
    )
    post = chat.get_post(CHAT, day(), "passage")
    assert post is not None and post["message_id"] is None
    assert (stored(chat, 20), stored(chat, 21), chat.post_copies(CHAT)) == (None, None, {})


def test_a_recorded_passage_is_never_adopted_again(chat: Store) -> None:
    send_passage(chat, 0, 10, "ch1-01")
    assert answer(chat, reply(20, to=33), text=heading(CORPUS[1])) == "day"
    post = chat.get_post(CHAT, day(), "passage")
    assert post is not None and post["message_id"] == 10


# a quoted digest line


def test_a_quoted_digest_line_joins_the_quoted_message_thread_under_it(chat: Store) -> None:
    send_passage(chat, 1, 10, "ch1-01")
    store_said(
        chat, said(reply(11, to=10, text="we keep the garden together, every spring"), "Bo")
    )
    store_said(chat, said(reply(12, to=11, text="and in winter?"), "Cy"))
    quote = "Bo: we keep the garden together, every spring ↗"
    assert answer(chat, reply(20, to=40), quote=quote) == "quote"
    assert stored(chat, 20) == (10, 11)


def test_a_quoted_curiosity_hangs_under_it_in_that_days_thread(chat: Store) -> None:
    send_passage(chat, 1, 10, "ch1-01")
    chat.add_curiosity(
        CHAT, user_id=8, local_date=day(1), text="why do rules differ?", message_id=13, now=NOW
    )
    assert answer(chat, reply(20, to=40), quote="Cy: why do rules differ?") == "quote"
    assert stored(chat, 20) == (10, 13)


def test_a_quoted_curiosity_without_its_message_or_thread_leads_to_the_day(chat: Store) -> None:
    send_passage(chat, 0, 10, "ch1-01")
    chat.add_curiosity(CHAT, user_id=8, local_date=day(), text="no message id", now=NOW)
    chat.add_curiosity(
        CHAT, user_id=8, local_date=day(3), text="a day with no passage", message_id=13, now=NOW
    )
    assert answer(chat, reply(20, to=40), quote="Cy: no message id") == "day"
    assert answer(chat, reply(21, to=40), quote="Cy: a day with no passage") == "day"
    assert (stored(chat, 20), stored(chat, 21)) == ((10, 10), (10, 10))


def test_a_quote_found_nowhere_falls_back_to_the_day(chat: Store) -> None:
    send_passage(chat, 0, 10, "ch1-01")
    assert answer(chat, reply(20, to=40), quote="Ana: never said") == "day"
    assert stored(chat, 20) == (10, 10)


def test_quote_pieces_look_for_what_was_said_then_the_line_then_its_opening() -> None:
    said = "we keep the garden together, every spring and every autumn"
    assert quote_pieces(f"  Bo:   {said}\n↗ …") == [said, f"Bo: {said}", said[:40].strip()]
    assert quote_pieces("short words ↗") == ["short words"]
    late = "x" * 80 + ": not a name"
    assert quote_pieces(late) == [late, late[:40]]
    assert quote_pieces("Bo: fine") == ["fine", "Bo: fine"]
    assert quote_pieces("Bo: rule one: share") == ["rule one: share", "Bo: rule one: share"]
    name = "N" * 79
    assert quote_pieces(f"{name}: hi")[0] == f"{name}: hi"
    assert quote_pieces(f"{name[1:]}: hi")[0] == "hi"


# any other bot message: the day's thread


def test_a_reply_to_a_digest_joins_the_thread_of_the_digests_day(chat: Store) -> None:
    send_passage(chat, 1, 10, "ch1-01")
    send_passage(chat, 0, 11, "ch1-02")
    chat.claim_post(CHAT, day(1), "digest", now=NOW)
    chat.mark_post_sent(CHAT, day(1), "digest", message_id=30, sent_at=NOW)
    assert answer(chat, reply(20, to=30)) == "day"
    assert answer(chat, reply(21, to=31)) == "day"
    assert (stored(chat, 20), stored(chat, 21)) == ((10, 10), (11, 11))


def test_with_no_passage_sent_today_a_reply_goes_nowhere(chat: Store) -> None:
    chat.claim_post(CHAT, day(), "passage", now=NOW)
    chat.mark_post_failed(CHAT, day(), "passage", error="forbidden")
    assert answer(chat, reply(20, to=30), corpus=[]) == "nowhere"
    assert answer(chat, reply(21, to=30), today=day(1)) == "nowhere"
    assert (stored(chat, 20), stored(chat, 21)) == (None, None)
