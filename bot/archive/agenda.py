"""A chat's coming dates as the archive knows them: its outlook, and the passage of a post.

The decision itself is the core's (``bot.core.agenda``); here the archive gathers what it reads
(the chat's place in the book, its approved suggestions, its skipped dates), so the morning
post, ``/upcoming`` and the claims all ask it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from bot.archive.store import Store
from bot.archive.suggestions import Suggestion
from bot.core.agenda import (
    DayBrings,
    Outlook,
    Queued,
    suggestion_number,
    suggestion_passage_id,
    what_date_brings,
    what_dates_bring,
)
from bot.core.corpus import Entry, entry_at
from bot.core.personal import gets_passages


def outlook_of(
    store: Store, chat: Mapping[str, Any], since: date, corpus_ids: Sequence[str] = ()
) -> Outlook:
    """Return what decides the chat's dates from ``since`` on, as the archive holds it now."""
    queue = tuple(Queued(s["number"], s["author"]) for s in store.approved_queue(chat["id"]))
    return Outlook(
        paused=bool(chat["paused"]) or not gets_passages(chat),
        corpus_ids=tuple(corpus_ids),
        corpus_position=int(chat["corpus_position"]),
        queue=queue,
        skipped=frozenset(store.skipped_dates(chat["id"], since.isoformat())),
    )


def brings_on(
    store: Store, chat: Mapping[str, Any], day: date, corpus_ids: Sequence[str] = ()
) -> DayBrings:
    """Return what the chat's local date brings, its earlier dates all posted."""
    return what_date_brings(outlook_of(store, chat, day, corpus_ids), day)


def coming_days(
    store: Store, chat: Mapping[str, Any], first: date, corpus_ids: Sequence[str], count: int
) -> list[DayBrings]:
    """Return what each of ``count`` dates from ``first`` brings (``/upcoming``)."""
    return what_dates_bring(outlook_of(store, chat, first, corpus_ids), first, count)


def passage_entry(
    store: Store, chat_id: int, passage_id: str | None, corpus: Sequence[Entry]
) -> Entry | None:
    """Return the passage a post recorded: the book's, or a suggestion's; None if unknown."""
    number = suggestion_number(passage_id)
    if number is None:
        return next((e for e in corpus if e.id == passage_id), None)
    found = store.get_suggestion(chat_id, number)
    return suggestion_entry(found) if found is not None else None


def suggestion_entry(suggestion: Suggestion) -> Entry:
    """Return a suggestion as a passage: credited to its author, with no chapter."""
    return Entry(
        id=suggestion_passage_id(suggestion["number"]),
        chapter="",
        passage=suggestion["passage"],
        counterpoint=suggestion["counterpoint"],
        line=0,
        suggested_by=suggestion["author"],
    )


def entry_due(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry]
) -> tuple[DayBrings, Entry | None]:
    """Return what the date brings and the passage to post for it (None if it posts none)."""
    brings = brings_on(store, chat, day, [e.id for e in corpus])
    if brings.brings == "suggestion":
        return brings, passage_entry(store, chat["id"], brings.passage_id, corpus)
    if brings.brings == "passage" and corpus:
        return brings, entry_at(corpus, chat["corpus_position"])
    return brings, None


def first_open_date(store: Store, chat: Mapping[str, Any], today: date) -> date:
    """Return the first local date whose passage is still to come: today, unless today's
    post is out, on its way or skipped."""
    post = store.get_post(chat["id"], today.isoformat(), "passage")
    return today if post is None else today + timedelta(days=1)


def upcoming(
    store: Store, chat: Mapping[str, Any], today: date, corpus_ids: Sequence[str], count: int
) -> list[DayBrings]:
    """Return what each of the next ``count`` dates still to come brings."""
    return coming_days(store, chat, first_open_date(store, chat, today), corpus_ids, count)


def date_of_suggestion(
    store: Store, chat: Mapping[str, Any], today: date, number: int
) -> date | None:
    """Return the date an approved suggestion will be posted on, or None (paused chat)."""
    # Every approved one before it takes a date, and so may each skipped date among them.
    first = first_open_date(store, chat, today)
    outlook = outlook_of(store, chat, first)
    horizon = len(outlook.queue) + len(outlook.skipped) + 1
    days = what_dates_bring(outlook, first, horizon)
    return next(
        (d.local_date for d in days if d.suggestion and d.suggestion.number == number), None
    )
