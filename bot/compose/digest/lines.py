"""The pieces both digests are made of: names, links, dates, and one line per voice.

Person-written strings go into lines raw; ``render`` escapes them exactly once. People who
opted out are shown as "a member" and never named.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from bot.compose.digest.render import Block, Digest, Line, Markup
from bot.core.text import message_link, trim, weekday_name
from bot.core.themes import Theme, Voice, join_names
from bot.words import Lexicon, languages_of

Row = Mapping[str, Any]

TRIM_TEXT = 300  # a message or curiosity longer than this is cut, with a link to the whole
TRIM_NAME = 64
TRIM_OPENING = 200  # the passage's opening words, and a thread's opening in the weekly
TRIM_CHAPTER = 120
MAX_INDENT = 4  # deeper replies stay at this indent, so a long chain stays readable
ANONYMOUS = "a member"
# A resonance names people so they can find each other; past a handful, a list helps nobody.
MAX_WONDERING = 8
MAX_WRITERS = 4
# Shared pieces of markup, made once: a busy day renders them hundreds of thousands of times.
BOLD, UNBOLD, COLON = Markup("<b>"), Markup("</b>"), Markup(": ")
INDENTS = [Markup("")] + [Markup("   " * (depth - 1) + "↳ ") for depth in range(1, MAX_INDENT + 1)]


def display_name(row: Row) -> str:
    """Return the first name to show for a row's author, or 'a member' if they opted out."""
    if row["opted_out"]:
        return ANONYMOUS
    return trim(" ".join((row.get("author") or "").split()), TRIM_NAME) or "someone"


def person(row: Row) -> object:
    """Return who wrote a row: the user, else the chat they spoke as, else the name."""
    if row.get("user_id") is not None:
        return ("user", row["user_id"])
    if row.get("sender_chat_id") is not None:
        return ("chat", row["sender_chat_id"])
    return ("name", row.get("author"))


def document_title(chat: Row, what: str) -> str:
    """Return the document title: the chat's name (if it has one) and what this is."""
    name = " ".join((chat.get("title") or "").split())
    return f"{trim(name, TRIM_NAME)} · {what}" if name else what


def quiet_digest(chat: Row, title: str, filename: str, when: str, quiet: str) -> Digest:
    """Return one short line, or no blocks at all if the chat asked for silence."""
    if chat.get("quiet_day", "line") == "silent":
        return Digest(title=title, filename=filename, blocks=())
    line = (Markup("<b>"), when, Markup(f"</b>: {quiet}"))
    return Digest(title=title, filename=filename, blocks=(Block(head=(line,)),))


def with_heading(heading: str, blocks: list[Block]) -> list[Block]:
    """Return blocks with a section heading on the first, so a heading never ends a message."""
    if not blocks:
        return blocks
    first = blocks[0]
    return [replace(first, head=(bold(heading), *first.head)), *blocks[1:]]


def bold(text: str) -> Line:
    """Return a line of bold text."""
    return (BOLD, text, UNBOLD)


def name_parts(row: Row) -> Line:
    """Return the author's display name in bold."""
    return (BOLD, display_name(row), UNBOLD)


def link_parts(chat: Row, message_id: int | None) -> Line:
    """Return ' ↗' linking to the message, or nothing where Telegram has no link."""
    link = message_link(chat, message_id) if message_id else None
    return (Markup(f' <a href="{html.escape(link)}">↗</a>'),) if link else ()


def opening(text: str, limit: int) -> str:
    """Return the first paragraph of a text on one line, trimmed."""
    paragraph = text.strip().split("\n\n", 1)[0]
    return trim(" ".join(paragraph.split()), limit)


def said(message: Row) -> str:
    """Return a message's text on one line; other kinds as '[photo] caption'."""
    text = " ".join((message.get("text") or "").split())
    kind = message.get("kind") or "text"
    return text if kind == "text" else f"[{kind}] {text}".rstrip()


def message_line(chat: Row, message: Row, depth: int) -> Line:
    """Return 'Ana: text ↗', indented with an arrow when it is a reply."""
    text = trim(said(message), TRIM_TEXT)
    line = (INDENTS[min(depth, MAX_INDENT)], *name_parts(message), COLON, text)
    return line + link_parts(chat, message["message_id"])


def curiosity_line(chat: Row, row: Row, *, dated: bool = False) -> Line:
    """Return '• Ana: text ↗' (with the weekday, as '• Ana (Tue): ...', if dated)."""
    when = f" ({weekday_name(date.fromisoformat(row['local_date']))[:3]})" if dated else ""
    text = trim(" ".join(row["text"].split()), TRIM_TEXT)
    line = (Markup("• "), *name_parts(row), Markup(f"{when}: "), text)
    return line + link_parts(chat, row.get("message_id"))


def resonance_line(
    theme: Theme, voices: Sequence[Voice], rows: Sequence[Row], *, end: str = "."
) -> Line:
    """Return 'Ana and Bo are both wondering about reciprocity; Cy wrote about it too.'."""
    wondering: dict[object, str] = {}
    writing: dict[object, str] = {}
    for index in theme.voices:
        voice = voices[index]
        names = wondering if voice.wondering else writing
        if voice.person not in names:
            names[voice.person] = display_name(rows[index])
    writers = [name for who, name in writing.items() if who not in wondering]
    verb = {1: " is", 2: " are both"}.get(len(wondering), " are all")
    who = _some_names(list(wondering.values()), MAX_WONDERING)
    line: Line = (who, Markup(f"{verb} wondering about <b>"), " and ".join(theme.words))
    line += (Markup("</b>"),)
    if writers:
        writers_text = _some_names(writers, MAX_WRITERS)
        line += (Markup("; "), writers_text, Markup(" wrote about it in the threads"))
    return (*line, Markup(end))


def resonance_voices(
    lexicon: Lexicon, curiosities: Sequence[Row], messages: Sequence[Row] = ()
) -> list[Voice]:
    """Return a voice per curiosity, then per message, keyed in the curiosities' languages."""
    voices = [Voice(person(r), lexicon.curiosity_words(r["text"])) for r in curiosities]
    keys = {word.key for voice in voices for word in voice.words}
    languages = languages_of(keys)
    return voices + [
        Voice(person(r), lexicon.message_words(r["text"] or "", keys, languages), False)
        for r in messages
    ]


def _some_names(names: list[str], most: int) -> str:
    """Return 'Ana, Bo and Cy', or 'Ana, Bo, Cy and others' past most names (never a count)."""
    return join_names(names if len(names) <= most else [*names[:most], "others"])


def by_root(messages: Iterable[Row]) -> dict[int, list[Row]]:
    """Return messages grouped by thread root, roots in the order their first reply came."""
    roots: dict[int, list[Row]] = {}
    for message in messages:
        roots.setdefault(message["root_message_id"], []).append(message)
    return roots
