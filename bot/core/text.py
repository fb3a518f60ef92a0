"""Telegram's text rules, each written once: escaping, UTF-16 length, fitting, dates, links.

Pure: strings and dates in, strings out. Every module that writes Telegram HTML takes these from
here, so a rule cannot drift between two copies (one counting UTF-16 units, another Python
characters).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final, Literal

PostKind = Literal["passage", "digest", "weekly"]
POST_KINDS: Final[tuple[PostKind, ...]] = ("passage", "digest", "weekly")

MAX_MESSAGE_UNITS = 4096  # Telegram's limit for a message's text, in UTF-16 code units
ELLIPSIS = "…"
TAG = re.compile(r"<[^>]*>")  # our own HTML only: attribute values never hold a '>'

# Our own names, not strftime's %a/%b, so the server's locale cannot change what is posted.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def escape(text: str) -> str:
    """Return person-written text safe inside Telegram HTML."""
    return html.escape(text, quote=False)


def plain_text(html_text: str) -> str:
    """Return the text Telegram shows for an HTML message: tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", html_text))


def units(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units (most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def trim(text: str, limit: int) -> str:
    """Return text cut to at most limit characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]
    space = head.rfind(" ")
    # Only back up to a word boundary if that keeps most of the text.
    cut = head[:space] if space >= len(head) * 2 // 3 else head
    return cut.rstrip() + ELLIPSIS


def escaped_prefix_length(text: str, room: int) -> int:
    """Return how many characters of text fit in room UTF-16 units once escaped."""
    used = 0
    for index, char in enumerate(text):
        used += units(escape(char))
        if used > room:
            return index
    return len(text)


def fit_lines(text: str, limit: int = MAX_MESSAGE_UNITS, note: str = "") -> str:
    """Return HTML cut after its last whole line that fits limit units, then note.

    Each line must be balanced HTML (every tag it opens, it closes), so cutting between lines
    never cuts inside a tag or an entity.
    """
    if units(text) <= limit:
        return text
    room = limit - units(note)
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        cost = units(line) + (1 if kept else 0)
        if used + cost > room:
            break
        kept.append(line)
        used += cost
    return "\n".join(kept) + note


def weekday_name(day: date) -> str:
    """Return 'Tuesday'."""
    return WEEKDAYS[day.weekday()]


def long_date(day: date) -> str:
    """Return 'Tuesday 24 November'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def short_date(day: date) -> str:
    """Return 'Tue 24 Nov'."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {MONTHS[day.month - 1][:3]}"


def short_datetime(moment: datetime) -> str:
    """Return 'Tue 24 Nov 09:00' for a local time."""
    return f"{short_date(moment.date())} {moment:%H:%M}"


def span(first: date, last: date) -> str:
    """Return '18–24 November' or '28 November – 4 December'."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[last.month - 1]}"
    return f"{first.day} {MONTHS[first.month - 1]} – {last.day} {MONTHS[last.month - 1]}"


def message_link(chat: Mapping[str, Any], message_id: int) -> str | None:
    """Return a t.me link to a message: supergroups only (basic groups have none)."""
    if chat.get("type") != "supergroup":
        return None
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message_id}"
    chat_id = str(chat["id"])
    return f"https://t.me/c/{chat_id[4:]}/{message_id}" if chat_id.startswith("-100") else None
