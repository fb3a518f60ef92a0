"""The passages a chat has coming, at the instant each goes out: the calendar's events.

What each local date brings is decided once, by ``bot.core.agenda.what_dates_bring`` (the book,
a suggestion, a skip, a pause): the morning post, ``/upcoming`` and this calendar all read it,
so the calendar never disagrees with what is posted. Here the dates that bring a passage get
their instant at the chat's local time and their passage. Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.agenda import DayBrings
from bot.core.corpus import Entry
from bot.core.schedule import Chat, slot_for

COMING_COUNT = 30
# The dates asked of the agenda for COMING_COUNT passages: room for skipped dates among them.
COMING_HORIZON = 2 * COMING_COUNT


@dataclass(frozen=True)
class ComingPassage:
    """A passage to come: the chat's local date, the aware UTC instant, and the entry."""

    local_date: date
    at: datetime
    entry: Entry


def coming_passages(
    chat: Chat,
    days: Iterable[DayBrings],
    entry_of: Callable[[str], Entry | None],
    count: int = COMING_COUNT,
) -> list[ComingPassage]:
    """Return the first ``count`` passages the dates bring (the book's or a suggestion), each
    at the chat's morning hour; skipped and paused dates bring none."""
    coming: list[ComingPassage] = []
    for day in days:
        if len(coming) == count:
            break
        if day.brings not in ("passage", "suggestion") or day.passage_id is None:
            continue
        at = slot_for(chat, "passage", day.local_date)
        entry = entry_of(day.passage_id)
        if at is not None and entry is not None:
            coming.append(ComingPassage(day.local_date, at, entry))
    return coming
