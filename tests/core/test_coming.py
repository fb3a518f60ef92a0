"""The calendar's coming passages: the dates that bring one, as the agenda decides them, each
at the chat's morning hour with its passage."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.agenda import Outlook, Queued, what_dates_bring
from bot.core.coming import coming_passages
from bot.core.corpus import Entry

CORPUS = [Entry(f"e{n}", "ch", f"passage {n}", "", n) for n in range(5)]
SUGGESTED = Entry("suggestion:1", "", "a member's passage", "", 0, suggested_by="Bo")
ENTRIES = {entry.id: entry for entry in [*CORPUS, SUGGESTED]}
FIRST = date(2030, 6, 4)


def chat(**settings: Any) -> dict[str, Any]:
    return {"timezone": "America/New_York", "post_time": "09:00", **settings}


def outlook(**fields: Any) -> Outlook:
    ids = tuple(entry.id for entry in CORPUS)
    return Outlook(paused=False, corpus_ids=ids, corpus_position=3, **fields)


def coming(view: Outlook, count: int = 4) -> list[tuple[int, str, int]]:
    days = what_dates_bring(view, FIRST, 10)
    passages = coming_passages(chat(), days, ENTRIES.get, count)
    return [(c.local_date.day, c.entry.id, c.at.hour) for c in passages]


def test_the_coming_passages_walk_the_book_from_the_chats_place_one_a_day() -> None:
    # 09:00 in New York in June is 13:00 UTC.
    assert coming(outlook()) == [(4, "e3", 13), (5, "e4", 13), (6, "e0", 13), (7, "e1", 13)]


def test_a_suggestion_comes_first_and_a_skipped_date_brings_none() -> None:
    view = outlook(queue=(Queued(1, "Bo"),), skipped=frozenset({"2030-06-05"}))
    assert coming(view) == [(4, "suggestion:1", 13), (6, "e3", 13), (7, "e4", 13), (8, "e0", 13)]


def test_a_paused_chat_has_none_coming() -> None:
    assert coming(Outlook(paused=True, corpus_ids=("e0",), corpus_position=0)) == []
