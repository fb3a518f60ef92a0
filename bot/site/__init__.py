"""A chat's reading room: its archive as a static site of plain HTML and CSS, no JavaScript.

``build_site`` reads a published chat's rows (``bot.archive.reading``) and writes, in one
folder: ``index.html`` (the weeks), ``days/DATE.html`` (a day: passage, counterpoint, every
thread nested, curiosities, resonances), ``passages/ID.html`` (every day a passage was
discussed), ``style.css``, ``feed.atom`` (the digests) and ``upcoming.ics`` (the coming
passages). Only files whose bytes change are written, so a build with nothing new touches
nothing. There is no search: the site needs no script, and a browser's find works on a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.archive import agenda, reading
from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.core.coming import COMING_HORIZON, coming_passages
from bot.core.corpus import Entry
from bot.core.schedule import local_date
from bot.i18n import translator_for
from bot.site.calendar import render_calendar
from bot.site.feed import render_feed
from bot.site.files import Written, write_site
from bot.site.markup import stylesheet
from bot.site.pages import Day, day_page, day_path, index_page, passage_page, passage_path
from bot.words import HISTORY_DAYS, HISTORY_PER_DAY, lexicon_for

__all__ = [
    "Day",
    "NotPublished",
    "Written",
    "build_site",
    "render_site",
    "site_days",
    "upcoming_calendar",
]


class NotPublished(Exception):
    """The chat's admins have not published its archive (/publish on)."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(
            f"chat {chat_id} has not published its archive: an admin sends /publish on there"
        )
        self.chat_id = chat_id


def site_days(store: Store, chat: Chat, corpus: Sequence[Entry]) -> list[Day]:
    """Return every day the chat's site has a page for, oldest first; a day's passage is the
    book's or a member's suggestion, as its post recorded."""
    days = []
    for day in reading.site_dates(store, chat["id"]):
        rows = reading.site_day(store, chat["id"], day)
        passage_id = rows.post["passage_id"] if rows.post else None
        days.append(Day(rows, agenda.passage_entry(store, chat["id"], passage_id, corpus)))
    return days


def upcoming_calendar(store: Store, chat: Chat, corpus: Sequence[Entry], now: datetime) -> str:
    """Return the iCalendar file of the chat's next passages (what ``upcoming.ics`` holds):
    the dates as ``/upcoming`` and the morning post see them, skipped ones left out."""
    today = local_date(now, chat["timezone"])
    corpus_ids = [entry.id for entry in corpus]
    days = agenda.upcoming(store, chat, today, corpus_ids, COMING_HORIZON)
    coming = coming_passages(
        chat, days, lambda passage_id: agenda.passage_entry(store, chat["id"], passage_id, corpus)
    )
    last = reading.last_passage_sent(store, chat["id"])
    stamp = (last["sent_at"] if last else None) or int(chat["created_at"])
    return render_calendar(translator_for(chat), chat, coming, stamp=stamp)


def render_site(
    store: Store,
    chat: Chat,
    corpus: Sequence[Entry],
    now: datetime,
    *,
    base_url: str | None = None,
) -> dict[str, str]:
    """Return every file of the chat's site, by its path within the site's folder."""
    t = translator_for(chat)
    lexicon = lexicon_for(tuple(corpus))
    days = site_days(store, chat, corpus)
    files = {"style.css": stylesheet(), "index.html": index_page(t, chat, days)}
    for index, day in enumerate(days):
        before = days[index - 1].local_date if index else None
        after = days[index + 1].local_date if index + 1 < len(days) else None
        heard = lexicon.with_history(_history_before(days, index))
        page = day_page(t, chat, day, heard, before=before, after=after)
        files[day_path(day.local_date)] = page
    by_passage: dict[str, list[Day]] = {}
    for day in days:
        if day.entry is not None:
            by_passage.setdefault(day.entry.id, []).append(day)
    for same in by_passage.values():
        entry = same[0].entry
        assert entry is not None
        files[passage_path(entry)] = passage_page(t, chat, entry, same)
    by_date: dict[date, Day] = {day.local_date: day for day in days}
    digests = reading.sent_digests(store, chat["id"])
    files["feed.atom"] = render_feed(t, chat, digests, by_date, base_url=base_url)
    files["upcoming.ics"] = upcoming_calendar(store, chat, corpus, now)
    return files


def _history_before(days: Sequence[Day], index: int) -> list[tuple[str, str]]:
    """Return the curiosities of the weeks before a day as its evening digest heard them."""
    first = days[index].local_date - timedelta(days=HISTORY_DAYS)
    return [
        (day.local_date.isoformat(), row["text"])
        for day in days[:index]
        if day.local_date >= first
        for row in [c for c in day.rows.curiosities if not c["opted_out"]][:HISTORY_PER_DAY]
    ]


def build_site(
    store: Store,
    chat: Chat,
    corpus: Sequence[Entry],
    out: Path,
    now: datetime,
    *,
    base_url: str | None = None,
) -> Written:
    """Write a published chat's site into ``out``; NotPublished if its admins did not ask."""
    if not chat["published"]:
        raise NotPublished(chat["id"])
    return write_site(out, render_site(store, chat, corpus, now, base_url=base_url))
