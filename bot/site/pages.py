"""The site's pages: the index of weeks, a page per day, a page per passage. Pure: HTML out.

Every page links home, a day page to the days before and after it and to its passage's page,
and each message to its original in Telegram where Telegram has a link (supergroups).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.archive.reading import SiteDay
from bot.core.corpus import Entry
from bot.core.text import trim
from bot.i18n import Translator
from bot.site.day import day_sections, passage_section, threads_section
from bot.site.markup import esc, link, page
from bot.words import Lexicon

Row = Mapping[str, Any]
WEEK_DAYS = 7
TRIM_OPENING = 140  # a passage's opening words in the index


@dataclass(frozen=True)
class Day:
    """A day the site has a page for: its rows and the passage it discussed, if any."""

    rows: SiteDay
    entry: Entry | None

    @property
    def local_date(self) -> date:
        return date.fromisoformat(self.rows.local_date)


def site_title(t: Translator, chat: Row) -> str:
    """Return the site's name: the chat's title and 'reading room'."""
    title = " ".join((chat.get("title") or "").split())
    return t._("{chat} · reading room", chat=title) if title else t._("Reading room")


def day_path(day: date) -> str:
    """Return a day page's path within the site."""
    return f"days/{day.isoformat()}.html"


def passage_path(entry: Entry) -> str:
    """Return a passage page's path within the site: a suggestion's id ('suggestion:7')
    becomes a plain file name ('suggestion-7')."""
    return f"passages/{entry.id.replace(':', '-')}.html"


def day_page(
    t: Translator,
    chat: Row,
    day: Day,
    lexicon: Lexicon,
    *,
    before: date | None,
    after: date | None,
) -> str:
    """Return a day's page: its date, the day's sections, links to the days around it."""
    when = day.local_date
    heading = f"{t.long_date(when)} {when.year}"
    nav = _day_nav(t, before, after)
    page_link = "../" + passage_path(day.entry) if day.entry is not None else ""
    sections = day_sections(t, chat, day.rows, day.entry, lexicon, passage_page=page_link)
    body = f"<h1>{esc(heading)}</h1>\n{sections}"
    title = f"{heading} · {site_title(t, chat)}"
    return page(t, title=title, site_title=site_title(t, chat), body=body, root="../", nav=nav)


def _day_nav(t: Translator, before: date | None, after: date | None) -> str:
    """Return the links to the day before, the index and the day after."""
    parts = []
    if before is not None:
        parts.append(link(f"{before.isoformat()}.html", f"← {esc(t.short_date(before))}"))
    parts.append(link("../index.html", esc(t._("All weeks"))))
    if after is not None:
        parts.append(link(f"{after.isoformat()}.html", f"{esc(t.short_date(after))} →"))
    return f'<nav class="days">{" · ".join(parts)}</nav>'


def passage_page(t: Translator, chat: Row, entry: Entry, days: Sequence[Day]) -> str:
    """Return a passage's page: the passage in full, then every day it was discussed, each
    with its threads in full, the latest first."""
    body = [f"<h1>{esc(entry.chapter)}</h1>", passage_section(t, chat, entry, None, chapter=False)]
    for day in sorted(days, key=lambda d: d.local_date, reverse=True):
        when = day.local_date
        heading = link(f"../{day_path(when)}", esc(f"{t.long_date(when)} {when.year}"))
        threads = threads_section(t, chat, day.rows.messages, headed=False)
        body.append(f'<section class="day"><h2>{heading}</h2>{threads}</section>')
    title = f"{entry.chapter} · {site_title(t, chat)}"
    home = link("../index.html", esc(t._("All weeks")))
    nav = f'<nav class="days">{home}</nav>'
    return page(
        t, title=title, site_title=site_title(t, chat), body="\n".join(body), root="../", nav=nav
    )


def week_of(chat: Row, day: date) -> tuple[date, date]:
    """Return the first and last day of the chat's week holding ``day``: a week ends on the
    weekly digest's day."""
    last = day + timedelta(days=(int(chat["weekly_day"]) - day.weekday()) % WEEK_DAYS)
    return last - timedelta(days=WEEK_DAYS - 1), last


def index_page(t: Translator, chat: Row, days: Sequence[Day]) -> str:
    """Return the index: the weeks, the latest first, each listing its days and passages."""
    weeks: dict[tuple[date, date], list[Day]] = {}
    for day in sorted(days, key=lambda d: d.local_date):
        weeks.setdefault(week_of(chat, day.local_date), []).append(day)
    name = site_title(t, chat)
    body = [f"<h1>{esc(name)}</h1>", _subscribe(t)]
    if not weeks:
        nothing = esc(t._("Nothing is published yet."))
        body.append(f'<p class="none">{nothing}</p>')
    for (first, last), in_week in sorted(weeks.items(), reverse=True):
        heading = esc(t._("Week of {period}", period=t.span(first, last)))
        items = "".join(f"<li>{_day_item(t, day)}</li>" for day in in_week)
        body.append(
            f'<section class="week" id="week-{first.isoformat()}"><h2>{heading}</h2>'
            f'<ul class="days">{items}</ul></section>'
        )
    return page(t, title=name, site_title=name, body="\n".join(body), root="")


def _day_item(t: Translator, day: Day) -> str:
    """Return a day's line in the index: its date, and its passage's chapter and opening."""
    when = day.local_date
    head = link(day_path(when), esc(t.long_date(when)))
    if day.entry is None:
        only = esc(t._("Curiosities"))
        return f'{head} <span class="chapter">{only}</span>'
    opening = trim(" ".join(day.entry.passage.split()), TRIM_OPENING)
    return (
        f'{head} <span class="chapter">{esc(day.entry.chapter)}</span>'
        f'<span class="opening">{esc(opening)}</span>'
    )


def _subscribe(t: Translator) -> str:
    """Return the links to the feed of digests and the calendar of coming passages."""
    feed = link("feed.atom", esc(t._("Digests as a feed")))
    calendar = link("upcoming.ics", esc(t._("Coming passages as a calendar")))
    return f'<p class="subscribe">{feed} · {calendar}</p>'
