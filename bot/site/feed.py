"""``feed.atom``: one Atom 1.0 entry per evening and weekly digest the chat was sent.

Written with the standard library's ``xml.etree`` (Atom is a few elements; no package earns
its place here). Each entry's id is a tag URI made of the chat, the kind and the local date,
so it never changes between builds; times are the digest's send time, in UTC. Nothing in the
file depends on when it is built.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.archive.reading import SentDigest
from bot.compose.digest import lines
from bot.core.text import trim
from bot.core.threads import threads_in_order
from bot.i18n import Translator
from bot.site.markup import esc
from bot.site.pages import Day, day_path, site_title, week_of

ATOM = "http://www.w3.org/2005/Atom"
TRIM_TEXT = 300
GENERATOR = "Commons Bot"
# A feed reader wants what is new; the site keeps the rest (a year of digests is megabytes).
FEED_ENTRIES = 50

Row = Mapping[str, Any]


def atom_time(seconds: int) -> str:
    """Return an RFC 3339 time in UTC, as Atom wants it: '2030-06-03T21:00:00Z'."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_id(chat: Row, *path: str) -> str:
    """Return a tag URI naming something of the chat, the same in every build."""
    year = datetime.fromtimestamp(int(chat["created_at"]), UTC).year
    return f"tag:commons-bot,{year}:chat/{chat['id']}" + "".join(f"/{p}" for p in path)


def render_feed(
    t: Translator,
    chat: Row,
    digests: Sequence[SentDigest],
    days: Mapping[date, Day],
    *,
    base_url: str | None = None,
    most: int = FEED_ENTRIES,
) -> str:
    """Return the feed: the chat's latest ``most`` digests, the latest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if base_url:
        feed.set("{http://www.w3.org/XML/1998/namespace}base", base_url)
    _text(feed, "id", tag_id(chat))
    _text(feed, "title", site_title(t, chat))
    newest = max((d["sent_at"] for d in digests), default=int(chat["created_at"]))
    _text(feed, "updated", atom_time(newest))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", GENERATOR)
    _text(feed, "generator", GENERATOR)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href="index.html")
    if base_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base_url}feed.atom")
    ordered = sorted(digests, key=lambda d: (d["local_date"], d["kind"]), reverse=True)
    for digest in ordered[:most]:
        _entry(feed, t, chat, digest, days)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def _text(parent: ET.Element, name: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    element.text = text
    return element


def _entry(
    feed: ET.Element, t: Translator, chat: Row, digest: SentDigest, days: Mapping[date, Day]
) -> None:
    """Add one digest's entry: its title, id, time, link and what it gathered."""
    day = date.fromisoformat(digest["local_date"])
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    if digest["kind"] == "weekly":
        first, last = week_of(chat, day)
        period = t.span(first, last)
        title = t._("Weekly digest, {period} {year}", period=period, year=last.year)
        href = f"index.html#week-{first.isoformat()}"
        content = _week_content(t, [days[d] for d in sorted(days) if first <= d <= last])
    else:
        title = t._("Evening digest, {day} {year}", day=t.long_date(day), year=day.year)
        href = day_path(day)
        content = _day_content(t, days.get(day))
    _text(entry, "id", tag_id(chat, digest["kind"], digest["local_date"]))
    _text(entry, "title", title)
    _text(entry, "updated", atom_time(digest["sent_at"]))
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href)
    _text(entry, "content", content, type="html")


def _day_content(t: Translator, day: Day | None) -> str:
    """Return a day's digest as HTML: the passage's opening, every thread, every curiosity."""
    if day is None:
        return ""
    parts = []
    if day.entry is not None:
        opening = lines.opening(day.entry.passage, TRIM_TEXT)
        parts.append(f"<p><i>{esc(day.entry.chapter)}</i>: {esc(opening)}</p>")
    said = [
        _line(t, message, depth)
        for root, rows in lines.by_root(day.rows.messages).items()
        for thread in threads_in_order(rows, root)
        for message, depth in thread
    ]
    if said:
        heading = esc(t._("The threads"))
        parts.append(f"<h3>{heading}</h3><ul>{''.join(said)}</ul>")
    wondered = [_line(t, curiosity, 0) for curiosity in day.rows.curiosities]
    if wondered:
        heading = esc(t._("Curious today"))
        parts.append(f"<h3>{heading}</h3><ul>{''.join(wondered)}</ul>")
    return "".join(parts)


def _line(t: Translator, row: Row, depth: int) -> str:
    """Return a message or curiosity as a list item: 'Ana: text', a reply indented."""
    arrow = "↳ " * min(depth, lines.MAX_INDENT)
    text = esc(trim(" ".join((row.get("text") or "").split()), TRIM_TEXT))
    return f"<li>{arrow}<b>{esc(lines.display_name(t, row))}</b>: {text}</li>"


def _week_content(t: Translator, days: Sequence[Day]) -> str:
    """Return a week's digest as HTML: each day with its passage's chapter and opening."""
    items = []
    for day in days:
        when = esc(t.long_date(day.local_date))
        if day.entry is None:
            items.append(f"<li>{when}</li>")
            continue
        opening = esc(lines.opening(day.entry.passage, TRIM_TEXT))
        items.append(f"<li>{when} · <i>{esc(day.entry.chapter)}</i>: {opening}</li>")
    heading = esc(t._("The week's passages"))
    return f"<h3>{heading}</h3><ul>{''.join(items)}</ul>"
