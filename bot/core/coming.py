"""The passages a chat has coming: which local days bring one, at what instant, and which one.

Pure: the chat's settings, its last passage day and ``now`` in, values out. A chat's place in
the corpus moves on by one with each passage sent, so the n-th coming day brings the entry n
places after the chat's current place. The calendar of coming passages (``upcoming.ics``) is
built from this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.corpus import Entry, entry_at
from bot.core.personal import gets_passages
from bot.core.schedule import Chat, local_date, slot_for

COMING_COUNT = 30
# A day with no passage (a skipped date) is passed over; the search stops this far ahead.
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class ComingPassage:
    """A passage to come: the chat's local date, the aware UTC instant, and the entry."""

    local_date: date
    at: datetime
    entry: Entry


def brings_passage(chat: Chat, day: date) -> bool:
    """Return True if the chat's calendar brings a passage on that local date.

    Every day does while the chat is not paused; this is where a date the group skips is
    left out.
    """
    return not chat.get("paused")


def first_coming_day(chat: Chat, now: datetime, last_sent_day: str | None) -> date:
    """Return the first local date whose passage is still to come: today, unless today's (or
    a later day's, after a change of zone) went out already.

    Today's passage is still to come after its hour if it has not gone out: the bot catches a
    missed morning up the same day.
    """
    today = local_date(now, chat["timezone"])
    if last_sent_day is None or date.fromisoformat(last_sent_day) < today:
        return today
    return date.fromisoformat(last_sent_day) + timedelta(days=1)


def coming_passages(
    chat: Chat,
    corpus: Sequence[Entry],
    now: datetime,
    last_sent_day: str | None,
    count: int = COMING_COUNT,
) -> list[ComingPassage]:
    """Return the chat's next ``count`` passages, in order; none for a paused chat or a
    private chat that did not ask for them."""
    if not corpus or not gets_passages(chat):
        return []
    day = first_coming_day(chat, now, last_sent_day)
    coming: list[ComingPassage] = []
    for _ in range(MAX_DAYS_AHEAD):
        if len(coming) == count:
            break
        at = slot_for(chat, "passage", day)
        if at is not None and brings_passage(chat, day):
            entry = entry_at(corpus, int(chat["corpus_position"]) + len(coming))
            coming.append(ComingPassage(day, at, entry))
        day += timedelta(days=1)
    return coming
