"""The weekly digest: the week's passages, its threads in brief, its curiosities by theme,
and the curiosities nobody has answered yet. Pure: archive rows in, a Digest out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence, Set
from dataclasses import replace
from datetime import date

from bot.compose.digest import lines
from bot.compose.digest.lines import Row, person
from bot.compose.digest.render import Block, Digest, Line, Markup
from bot.compose.passage import chapter_of
from bot.core.corpus import Entry
from bot.core.records import DayInput
from bot.core.text import trim
from bot.core.threads import ThreadNode, build_threads, hanging_from, walk
from bot.i18n import Translator
from bot.words import Lexicon, lexicon_for

MAX_WITH_NAMES = 8  # names listed beside a thread, in the order they joined; then "others"


def build_weekly_digest(
    t: Translator,
    chat: Row,
    first_date: date,
    last_date: date,
    *,
    days: Sequence[DayInput],
    replied_to: Collection[int] = frozenset(),
    corpus: Sequence[Entry] = (),
    history: Sequence[tuple[str, str]] = (),
) -> Digest:
    """Return the weekly digest: passages, threads in brief, curiosities by theme, open ones.

    A curiosity is still open unless its message_id is in replied_to (message ids that some
    archived message replies to) or a message of the week replies to it. The corpus's frequent
    words never make a theme, nor the group's habits in history, its curiosities of the weeks
    before (local date, text).
    """
    period = t.span(first_date, last_date)
    what = t._("Weekly digest, {period} {year}", period=period, year=last_date.year)
    title = lines.document_title(chat, what)
    filename = f"weekly-{first_date.isoformat()}-to-{last_date.isoformat()}.html"
    messages = [m for day in days for m in day.messages]
    curiosities = [c for day in days for c in day.curiosities]
    reactors = [r for day in days for r in day.reactors]
    if not messages and not curiosities and not reactors:
        quiet = t._("a quiet week, no replies and no curiosities.")
        week = t._("Week of {period}", period=period)
        return lines.quiet_digest(chat, title, filename, week, quiet)
    # Answers to a curiosity sit under it, not among the passages' threads.
    answers = hanging_from(messages, {c["message_id"] for c in curiosities if c["message_id"]})
    answered_ids = {m["message_id"] for rows in answers.values() for m in rows}
    heading = t._("Weekly digest · {period}", period=period)
    blocks = [_passages_block(t, chat, heading, days)]
    # Everyone who took part, reactions included, alphabetically: nobody counted or ranked.
    with_us = lines.people_line(
        t, t._("With us this week: {names}."), [*messages, *curiosities, *reactors]
    )
    if with_us:
        blocks.append(Block(head=(with_us,)))
    threads = _thread_blocks(t, chat, days, answered_ids)
    blocks += lines.with_heading(t._("The week's threads"), threads)
    lexicon = lexicon_for(tuple(corpus)).with_history(history)
    themed = _themed_blocks(t, chat, lexicon, curiosities, answers)
    blocks += lines.with_heading(t._("The week's curiosities"), themed)
    answered = (set(replied_to) | {m["reply_to_message_id"] for m in messages}) - {None}
    still_open = [c for c in curiosities if c.get("message_id") not in answered]
    blocks += _still_open_blocks(t, chat, still_open)
    return Digest(title=title, filename=filename, blocks=tuple(blocks), language=t.language)


def _passages_block(t: Translator, chat: Row, heading: str, days: Sequence[DayInput]) -> Block:
    """Return the heading and one line per day's passage: day, chapter, opening words."""
    body = []
    for day in days:
        if day.entry is None:
            continue
        chapter = trim(chapter_of(t, day.entry), lines.TRIM_CHAPTER)
        words = lines.opening(day.entry.passage, lines.TRIM_OPENING // 2)
        when = Markup(f"• {t.short_date(day.local_date)} · <i>")
        link = lines.link_parts(chat, day.post.get("message_id") if day.post else None)
        body.append((when, chapter, Markup("</i>: "), words, *link))
    head = (lines.bold(heading), lines.bold(t._("The week's passages")))
    return Block(head=head if body else head[:1], body=tuple(body))


def _thread_blocks(
    t: Translator, chat: Row, days: Sequence[DayInput], leave_out: Set[int]
) -> list[Block]:
    """Return, for each day with replies, every thread as its opening and its size."""
    blocks = []
    for day in days:
        messages = [m for m in day.messages if m["message_id"] not in leave_out]
        body = tuple(
            _thread_summary(t, chat, node)
            for root, rows in lines.by_root(messages).items()
            for node in build_threads(rows, root)
        )
        if body:
            heading = (Markup(f"<i>{t.long_date(day.local_date)}</i>"),)
            blocks.append(Block(head=(heading,), body=body))
    return blocks


def _thread_summary(t: Translator, chat: Row, node: ThreadNode) -> Line:
    """Return '• Ana: opening · 3 replies, with Bo and Cy ↗'."""
    rows = [each.message for each, _ in walk([node])]
    first = rows[0]
    text = trim(lines.said(first), lines.TRIM_OPENING)
    line = (Markup("• "), *lines.name_parts(t, first), Markup(": "), text)
    size = _replies(t, first, rows[1:])
    return (*line, *size, *lines.link_parts(chat, first["message_id"]))


def _replies(t: Translator, first: Row, replies: Sequence[Row]) -> Line:
    """Return ' · 3 replies, with Bo and Cy' (' · no replies yet' when there are none)."""
    size = len(replies)
    count = t._("no replies yet") if size == 0 else t.ngettext("{n} reply", "{n} replies", size)
    later = sorted(replies, key=lambda m: (m["date"], m["message_id"]))
    names = _joined_names(t, [m for m in later if person(m) != person(first)])
    joined = (Markup(t._(", with") + " "), names) if names else ()
    return (Markup(f" · {count}"), *joined)


def _curiosity_entry(
    t: Translator, chat: Row, curiosity: Row, answers: Mapping[int, Sequence[Row]]
) -> Line:
    """Return '• Ana (Tue): text ↗', then ' · 2 replies, with Bo and Cy' if it was answered."""
    line = lines.curiosity_line(t, chat, curiosity, dated=True)
    answered = answers.get(curiosity["message_id"], []) if curiosity["message_id"] else []
    return (*line, *_replies(t, curiosity, answered)) if answered else line


def _joined_names(t: Translator, rows: Sequence[Row]) -> str:
    """Return 'Bo, Cy and others': named people in the order they joined, never counted."""
    names: dict[object, str] = {}
    for row in rows:
        if not row["opted_out"]:
            names.setdefault(person(row), lines.display_name(t, row))
    listed = list(names.values())[:MAX_WITH_NAMES]
    anonymous = any(row["opted_out"] for row in rows)
    # After "with": some languages decline it ("mit Bo und anderen").
    others = t.pgettext("after with", "others")
    if listed and (len(names) > MAX_WITH_NAMES or anonymous):
        listed.append(others)
    return t.join_names(listed) if listed else (others if anonymous else "")


def _themed_blocks(
    t: Translator,
    chat: Row,
    lexicon: Lexicon,
    curiosities: Sequence[Row],
    answers: Mapping[int, Sequence[Row]],
) -> list[Block]:
    """Return every curiosity once: under the first theme it shares, then all the rest."""
    named = [c for c in curiosities if not c["opted_out"]]
    voices, themes = lines.resonances(lexicon, named)
    placed: set[int] = set()
    blocks = []
    for theme in themes:
        members = tuple(i for i in theme.voices if i not in placed)
        if len({voices[i].person for i in members}) < 2:
            continue  # its curiosities already sit under an earlier theme
        placed.update(members)
        head = lines.resonance_line(t, replace(theme, voices=members), voices, named, end=":")
        body = tuple(_curiosity_entry(t, chat, named[i], answers) for i in members)
        blocks.append(Block(head=(head,), body=body))
    shown = {id(named[i]) for i in placed}
    rest = [c for c in curiosities if id(c) not in shown]
    if rest:
        heading = lines.bold(t._("More curiosities") if blocks else t._("Curious this week"))
        body = tuple(_curiosity_entry(t, chat, c, answers) for c in rest)
        blocks.append(Block(head=(heading,), body=body))
    return blocks


def _still_open_blocks(t: Translator, chat: Row, still_open: Sequence[Row]) -> list[Block]:
    """Return the curiosities nobody has replied to, as an invitation."""
    if not still_open:
        return []
    body = tuple(lines.curiosity_line(t, chat, c, dated=True) for c in still_open)
    invitation = Markup(t._("Nobody has replied to these yet. Know something? Reply to them."))
    return [Block(head=(lines.bold(t._("Still open")), (invitation,)), body=body)]
