"""Telegram's text rules, each written once: escaping, UTF-16 length, fitting, links.

Pure: strings and dates in, strings out. Every module that writes Telegram HTML takes these from
here, so a rule cannot drift between two copies (one counting UTF-16 units, another Python
characters).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Final, Literal

PostKind = Literal["passage", "digest", "weekly", "personal"]
# A chat's own slots, each on the chat's calendar.
POST_KINDS: Final[tuple[PostKind, ...]] = ("passage", "digest", "weekly")
# A person's digest, claimed under their private chat, on their own calendar.
PERSONAL_KIND: Final = "personal"
CLAIM_KINDS: Final[tuple[PostKind, ...]] = (*POST_KINDS, PERSONAL_KIND)

MAX_MESSAGE_UNITS = 4096  # Telegram's limit for a message's text, in UTF-16 code units
ELLIPSIS = "…"
# How much of a person's text the bot repeats back (a wrong argument, a search query).
EXCERPT_CHARS = 40
# Right-to-left and isolate controls: an echo of them would turn the bot's own answer around.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Telegram HTML as the parser sees it: a tag, a character reference, or a run of text.
_HTML_TOKEN = re.compile(r"<[^>]*>|&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);|[^<&]+|&")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
TAG = re.compile(r"<[^>]*>")  # our own HTML only: attribute values never hold a '>'


def N_(message: str) -> str:
    """Mark a message for translation where it is written (the core has no gettext of its own).

    The message is returned as it is; ``bot.i18n`` translates it where it reaches a person.
    """
    return message


def escape(text: str) -> str:
    """Return person-written text safe inside Telegram HTML (as html.escape with quote=False).

    Written out: a digest escapes every line it renders, and the call saved adds up.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    """Return text on one line: each run of whitespace one space, none at either end."""
    # Most texts are one line already. Every whitespace character but the space is also
    # unprintable, so these checks (in C) tell, and spare splitting and joining the text.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


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


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return person-written text as a short one-line excerpt to repeat back (not escaped).

    Line breaks and runs of spaces become one space, control and direction characters go, and
    the rest is cut to ``limit`` characters with an ellipsis.
    """
    line = " ".join(text.split())
    kept = (c for c in line if c not in BIDI_CONTROLS and unicodedata.category(c) != "Cc")
    return trim("".join(kept), limit)


def visible_units(html_text: str) -> int:
    """Return the UTF-16 length Telegram counts for HTML: its text once tags are parsed."""
    return sum(_token_units(token) for token in _HTML_TOKEN.findall(html_text))


def _token_units(token: str) -> int:
    if token.startswith("<"):
        return 0
    if token.startswith("&") and len(token) > 1:
        return units(html.unescape(token))
    return units(token)


def fit_html(html_text: str, limit: int = MAX_MESSAGE_UNITS) -> str:
    """Return balanced HTML cut to ``limit`` UTF-16 units of text, ending in an ellipsis.

    The cut falls between characters of the text, never inside a tag or a character
    reference, and every tag still open there is closed, so Telegram accepts the result.
    """
    if visible_units(html_text) <= limit:
        return html_text
    room = limit - units(ELLIPSIS)
    kept: list[str] = []
    open_tags: list[str] = []
    for token in _HTML_TOKEN.findall(html_text):
        cost = _token_units(token)
        if cost > room:
            kept.append(_prefix(token, room) if token[0] not in "<&" else "")
            break
        room -= cost
        kept.append(token)
        _track_tag(token, open_tags)
    return "".join(kept) + ELLIPSIS + "".join(f"</{name}>" for name in reversed(open_tags))


def _track_tag(token: str, open_tags: list[str]) -> None:
    """Push an opening tag's name, pop on a closing one (the input is balanced)."""
    match = _TAG_NAME.match(token) if token.startswith("<") else None
    if match is None:
        return
    if token.startswith("</"):
        if open_tags:
            open_tags.pop()
    elif not token.endswith("/>"):
        open_tags.append(match[1].lower())


def _prefix(text: str, room: int) -> str:
    """Return the longest start of plain text that fits room UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += units(char)
        if used > room:
            return text[:index]
    return text


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
    if not kept:  # not even the first line fits: cut inside it, between its tags
        return fit_html(text, limit)
    return "\n".join(kept) + note


def message_link(chat: Mapping[str, Any], message_id: int) -> str | None:
    """Return a t.me link to a message: supergroups only (basic groups have none)."""
    prefix = link_prefix(chat)
    return f"{prefix}{message_id}" if prefix else None


def link_prefix(chat: Mapping[str, Any]) -> str | None:
    """Return what every t.me link to a message of the chat starts with, or None if none has."""
    if chat.get("type") != "supergroup":
        return None
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/"
    chat_id = str(chat["id"])
    return f"https://t.me/c/{chat_id[4:]}/" if chat_id.startswith("-100") else None
