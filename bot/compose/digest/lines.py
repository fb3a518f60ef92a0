"""The pieces both digests are made of: names, links, dates, and one line per voice.

Person-written strings go into lines raw; ``render`` escapes them exactly once. People who
opted out are shown as "a member" and never named.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from itertools import repeat
from operator import methodcaller
from typing import Any

from bot.compose.digest.render import Block, Digest, Line, Markup
from bot.core.reactions import summary
from bot.core.records import Totals
from bot.core.text import escape, link_prefix, message_link, one_line, trim
from bot.core.themes import Theme, Voice, find_themes, resonant_keys
from bot.i18n import N_, Translator
from bot.words import Lexicon, languages_of
from bot.words.tokens import kept_words

Row = Mapping[str, Any]

TRIM_TEXT = 300  # a message or curiosity longer than this is cut, with a link to the whole
TRIM_NAME = 64
TRIM_OPENING = 200  # the passage's opening words, and a thread's opening in the weekly
TRIM_CHAPTER = 120
MAX_INDENT = 4  # deeper replies stay at this indent, so a long chain stays readable
ANONYMOUS = N_("a member")
# A resonance names people so they can find each other; past a handful, a list helps nobody.
MAX_WONDERING = 8
MAX_WRITERS = 4
# Shared pieces of markup, made once: a busy day renders them hundreds of thousands of times.
BOLD, UNBOLD = Markup("<b>"), Markup("</b>")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
INDENTS = [Markup("")] + [Markup("   " * (depth - 1) + "↳ ") for depth in range(1, MAX_INDENT + 1)]
REACTIONS_SEPARATOR = Markup(" · ")
_WORDS = methodcaller("get", "words")  # the words the archive keeps beside a message


def display_name(t: Translator, row: Row) -> str:
    """Return the first name to show for a row's author, or 'a member' if they opted out."""
    if row["opted_out"]:
        return t._(ANONYMOUS)
    return trim(one_line(row.get("author") or ""), TRIM_NAME) or t._("someone")


def person(row: Row) -> object:
    """Return who wrote a row: the user, else the chat they spoke as, else the name.

    A user is their id alone (never equal to a tuple): a busy day's themes hash who spoke
    tens of thousands of times, and an int hashes at no cost.
    """
    user_id = row.get("user_id")
    if user_id is not None:
        return user_id
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


def name_parts(t: Translator, row: Row) -> Line:
    """Return the author's display name in bold."""
    return (BOLD, display_name(t, row), UNBOLD)


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
    text = one_line(message.get("text") or "")
    kind = message.get("kind") or "text"
    return text if kind == "text" else f"[{kind}] {text}".rstrip()


class Names:
    """display_name of each row, made once per author: a busy day has thousands of rows from
    far fewer people."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.made: dict[str | None, str] = {}

    def __call__(self, row: Row) -> str:
        """Return display_name(row)."""
        if row["opted_out"]:
            return display_name(self.t, row)
        author = row.get("author")
        name = self.made.get(author)
        if name is None:
            name = self.made[author] = display_name(self.t, row)
        return name


class MessageLines:
    """Makes a digest's line for each message of one chat.

    A busy day has thousands of messages from far fewer people: each name is made once, and
    every link from the chat's one prefix.
    """

    def __init__(
        self, t: Translator, chat: Row, reactions: Mapping[int, Totals] | None = None
    ) -> None:
        self.t = t
        prefix = link_prefix(chat)
        self.href = html.escape(prefix) if prefix else None
        self.name = Names(t)
        self.openings: dict[tuple[int, bool, str | None], Markup] = {}
        self.reactions = reactions or {}

    def line(self, message: Row, depth: int) -> Line:
        """Return 'Ana: text · 👍 2 ↗', indented with an arrow when it is a reply."""
        text = said(message)
        if len(text) > TRIM_TEXT:
            text = trim(text, TRIM_TEXT)
        message_id = message["message_id"]
        opening = self._opening(message, depth if depth < MAX_INDENT else MAX_INDENT)
        if self.reactions and message_id in self.reactions:
            reacted = reaction_parts(self.reactions[message_id])
            return (opening, text, *reacted, *self._link(message_id))
        return (opening, text, *self._link(message_id))

    def _link(self, message_id: int) -> Line:
        """Return ' ↗' linking to the message, or nothing where Telegram has no link."""
        if not message_id or self.href is None:
            return ()
        # A message id is a number: nothing in it to escape.
        return (Markup(f' <a href="{self.href}{message_id}">↗</a>'),)

    def _opening(self, row: Row, indent: int) -> Markup:
        """Return a line's indent and its author's name in bold, made once per author and
        indent (a name is trimmed, so no line is long for it: it need never be shortened)."""
        key = (indent, row["opted_out"], row.get("author"))
        opening = self.openings.get(key)
        if opening is None:
            name = escape(self.name(row))
            opening = self.openings[key] = Markup(f"{INDENTS[indent]}<b>{name}</b>: ")
        return opening


def reaction_parts(totals: Totals) -> Line:
    """Return ' · 👍 3 ❤️ 1' for a message's reactions, or nothing if it had none."""
    return (REACTIONS_SEPARATOR, summary(totals)) if totals else ()


def people_line(t: Translator, template: str, people: Sequence[Row]) -> Line:
    """Return a sentence naming people by first name, alphabetically: never an order of merit.

    Opted-out people are never named; the template has one {names} placeholder.
    """
    named = {person(row): display_name(t, row) for row in people if not row["opted_out"]}
    names = sorted(named.values(), key=str.casefold)
    return _fill(template, {"names": t.join_names(names)}) if names else ()


def curiosity_line(t: Translator, chat: Row, row: Row, *, dated: bool = False) -> Line:
    """Return '• Ana: text ↗' (with the weekday, as '• Ana (Tue): ...', if dated)."""
    day = date.fromisoformat(row["local_date"]) if dated else None
    when = f" ({t.short_weekday(day)})" if day else ""
    text = trim(" ".join(row["text"].split()), TRIM_TEXT)
    line = (Markup("• "), *name_parts(t, row), Markup(f"{when}: "), text)
    return line + link_parts(chat, row.get("message_id"))


def resonance_line(
    t: Translator,
    theme: Theme,
    voices: Sequence[Voice],
    rows: Sequence[Row],
    *,
    end: str = ".",
    name: Callable[[Row], str] | None = None,
) -> Line:
    """Return 'Ana and Bo are both wondering about <b>reciprocity</b>; Cy wrote about it in the
    threads.' (names and words stay raw parts, escaped when the line is rendered).

    name makes a row's display_name (a day's lines share a Names, each name made once)."""
    name = name or Names(t)
    wondering: dict[object, str] = {}
    writing: dict[object, str] = {}
    everyone = len(theme.people)
    for index in theme.voices:  # the curiosities first: a person is named by their first voice
        voice = voices[index]
        if voice.person in wondering or voice.person in writing:
            continue
        names = wondering if voice.wondering else writing
        names[voice.person] = name(rows[index])
        if len(wondering) + len(writing) == everyone:
            break  # the rest of a theme of everyday words' thousands of voices say no more
    writers = [name for who, name in writing.items() if who not in wondering]
    template = _wondering(t, len(wondering))
    if writers:
        template += t._("; {writers} wrote about it in the threads")
    parts = {
        "names": _some_names(t, list(wondering.values()), MAX_WONDERING),
        "words": t.join_names(theme.words),
        "writers": _some_names(t, writers, MAX_WRITERS),
    }
    return (*_fill(template, parts), Markup(end))


def _wondering(t: Translator, people: int) -> str:
    """Return the resonance's sentence for this many people wondering, still to be filled."""
    if people == 1:
        return t._("{names} is wondering about <b>{words}</b>")
    if people == 2:
        return t._("{names} are both wondering about <b>{words}</b>")
    return t._("{names} are all wondering about <b>{words}</b>")


def _fill(template: str, parts: Mapping[str, str]) -> Line:
    """Return a translated sentence as a line: its words ours, each {placeholder} a raw part.

    The placeholders hold person-written text, so they stay raw parts that rendering escapes
    and fitting may shorten.
    """
    line: list[str] = []
    for index, piece in enumerate(_PLACEHOLDER.split(template)):
        line.append(parts[piece] if index % 2 else Markup(piece))
    return tuple(part for part in line if part)


def resonances(
    lexicon: Lexicon, curiosities: Sequence[Row], messages: Sequence[Row] = ()
) -> tuple[list[Voice], list[Theme]]:
    """Return a voice per curiosity, then per message, and the themes they share.

    A message can only join a theme the curiosities started: it is matched against their
    resonant keys, in their languages, by the words the archive keeps beside it (read from its
    text only where none are kept yet).
    """
    voices = [Voice(person(r), lexicon.curiosity_words(r["text"])) for r in curiosities]
    keys = resonant_keys(voices)  # a message can join these only: match it against no other
    written = lexicon.keys_written(_kept_words(messages), keys, languages_of(keys), len(voices))
    # Their words are in written. Made in C (map, and a named tuple's own way of making one
    # from its fields): a busy day has thousands of them.
    voices += map(Voice._make, zip(map(person, messages), repeat(()), repeat(False)))
    return voices, find_themes(voices, written=written, resonant=keys)


def _kept_words(messages: Sequence[Row]) -> list[str]:
    """Return the words kept beside each message, read from its text where none are kept yet."""
    kept = list(map(_WORDS, messages))  # in C: a busy day has thousands of messages
    if None in kept:  # an archive still reading its messages' words again (rare)
        for index, message in enumerate(messages):
            if kept[index] is None:
                kept[index] = kept_words(message["text"] or "")
    return kept


def _some_names(t: Translator, names: list[str], most: int) -> str:
    """Return 'Ana, Bo and Cy', or 'Ana, Bo, Cy and others' past most names (never a count)."""
    return t.join_names(names if len(names) <= most else [*names[:most], t._("others")])


def by_root(messages: Iterable[Row]) -> dict[int, list[Row]]:
    """Return messages grouped by thread root, roots in the order their first reply came."""
    roots: dict[int, list[Row]] = {}
    for message in messages:
        roots.setdefault(message["root_message_id"], []).append(message)
    return roots
