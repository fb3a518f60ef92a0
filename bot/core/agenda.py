"""What each local date of a chat brings: the book's passage, a suggestion, a skip, or nothing.

One function decides it (``what_dates_bring``), for the morning post that claims a date, for
``/upcoming`` and for anything else that shows the calendar ahead (an export of it), so what is
shown never disagrees with what is posted. Pure: the archive gathers an ``Outlook`` (the chat's
place in the book, its approved suggestions in turn, its skipped dates) and this reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Brought = Literal["passage", "suggestion", "skipped", "paused"]
# A suggestion goes out as a passage whose id names it; no corpus id can hold a colon.
SUGGESTION_PREFIX = "suggestion:"
UPCOMING_DAYS = 7


@dataclass(frozen=True)
class Queued:
    """An approved suggestion waiting for its morning: its number in the chat and its author."""

    number: int
    author: str


@dataclass(frozen=True)
class Outlook:
    """What decides a chat's coming dates, as it stands now."""

    paused: bool
    corpus_ids: tuple[str, ...]
    corpus_position: int
    queue: tuple[Queued, ...] = ()  # approved suggestions, in the order they go out
    skipped: frozenset[str] = frozenset()  # local dates 'YYYY-MM-DD'


@dataclass(frozen=True)
class DayBrings:
    """What one local date brings. ``passage_id`` is the id the post records (None when the
    date brings no post, or the book is empty); ``suggestion`` is set for a suggestion."""

    local_date: date
    brings: Brought
    passage_id: str | None = None
    suggestion: Queued | None = None


def suggestion_passage_id(number: int) -> str:
    """Return the passage id a posted suggestion is recorded under: 'suggestion:7'."""
    return f"{SUGGESTION_PREFIX}{number}"


def suggestion_number(passage_id: str | None) -> int | None:
    """Return the suggestion number a passage id names, or None for a passage of the book."""
    if passage_id is None or not passage_id.startswith(SUGGESTION_PREFIX):
        return None
    number = passage_id[len(SUGGESTION_PREFIX) :]
    return int(number) if number.isdigit() else None


def what_dates_bring(outlook: Outlook, first: date, count: int) -> list[DayBrings]:
    """Return what each of ``count`` local dates from ``first`` on brings, in order.

    A paused chat posts nothing; a skipped date posts nothing and takes nothing from the queue
    or the book. Otherwise the next approved suggestion goes first, and the book continues
    where it stands (starting again after its end) once the queue is empty.
    """
    queue = list(outlook.queue)
    position = outlook.corpus_position
    days = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        if outlook.paused:
            days.append(DayBrings(day, "paused"))
        elif day.isoformat() in outlook.skipped:
            days.append(DayBrings(day, "skipped"))
        elif queue:
            queued = queue.pop(0)
            days.append(DayBrings(day, "suggestion", suggestion_passage_id(queued.number), queued))
        else:
            days.append(DayBrings(day, "passage", _book_id(outlook.corpus_ids, position)))
            position += 1
    return days


def what_date_brings(outlook: Outlook, day: date) -> DayBrings:
    """Return what one local date brings, the first date of the outlook."""
    return what_dates_bring(outlook, day, 1)[0]


def _book_id(corpus_ids: Sequence[str], position: int) -> str | None:
    return corpus_ids[position % len(corpus_ids)] if corpus_ids else None
