"""The evening and weekly digests: archive rows in, a Digest of blocks out. Pure: no I/O.

Every voice appears, in the order it spoke: every thread message and every curiosity of the
period, trimmed if long. Nothing is ranked and nobody is counted. People who opted out are
shown as "a member" and never named; forgotten people are simply not in the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.compose.digest import lines
from bot.compose.digest.lines import Row
from bot.compose.digest.render import Block, Digest, Line, Markup
from bot.compose.passage import chapter_of
from bot.core.corpus import Entry
from bot.core.records import Totals
from bot.core.text import trim
from bot.core.threads import build_threads, hanging_from, threads_in_order, walk
from bot.i18n import N_, Translator
from bot.words import Lexicon, lexicon_for

COLLAPSE_FROM = 4  # a thread with this many replies folds them into an expandable quote
# The poll's answers as the evening digest names them, in the poll's order.
POLL_STOOD = (
    N_("with the passage"),
    N_("with the counterpoint"),
    N_("between"),
    N_("not sure"),
)


def build_daily_digest(
    t: Translator,
    chat: Row,
    local_date: date,
    *,
    entry: Entry | None,
    post: Row | None,
    messages: Sequence[Row],
    curiosities: Sequence[Row],
    corpus: Sequence[Entry] = (),
    reactions: Mapping[int, Totals] | None = None,
    passage_reactions: Totals = (),
    reactors: Sequence[Row] = (),
    poll: Sequence[int] | None = None,
    history: Sequence[tuple[str, str]] = (),
) -> Digest:
    """Return the evening digest: passage, poll, every thread, every curiosity, everyone who
    reacted without writing, resonances.

    messages are the day's thread rows (any order of roots; by date within), curiosities
    the day's curiosities by created_at, both as the store returns them. reactions give each
    message's reaction totals, passage_reactions the passage's; reactors are the people who
    reacted; poll the day's poll totals. The corpus is the group's reading: its frequent words
    never make a resonance; nor do the words of history, the group's curiosities of the weeks
    before (local date, text), once it says them as a habit.
    """
    day = t.long_date(local_date)
    what = t._("Evening digest, {day} {year}", day=day, year=local_date.year)
    title = lines.document_title(chat, what)
    filename = f"digest-{local_date.isoformat()}.html"
    # Someone who reacted or voted took part: a day with only that is not a quiet day.
    if not messages and not curiosities and not reactors and not any(poll or ()):
        quiet = t._("a quiet day, no replies and no curiosities. A new passage comes tomorrow.")
        return lines.quiet_digest(chat, title, filename, day, quiet)
    # Answers to a curiosity are shown under it, not as a thread of their own.
    answers = hanging_from(messages, {c["message_id"] for c in curiosities if c["message_id"]})
    if answers:
        answered = {m["message_id"] for rows in answers.values() for m in rows}
        threads = [m for m in messages if m["message_id"] not in answered]
    else:
        threads = list(messages)  # most days: nothing answers a curiosity
    heading = t._("Evening digest · {day}", day=day)
    blocks = [_passage_block(t, chat, heading, entry, post, passage_reactions)]
    if poll is not None:
        blocks.append(Block(head=(poll_line(t, poll),)))
    thread_blocks = _thread_blocks(t, chat, threads, reactions or {})
    blocks += lines.with_heading(t._("The threads"), thread_blocks)
    if curiosities:
        make = lines.MessageLines(t, chat)
        body = tuple(
            line
            for row in curiosities
            for line in _curiosity_lines(t, chat, row, answers.get(row["message_id"], []), make)
        )
        blocks.append(Block(head=(lines.bold(t._("Curious today")),), body=body))
    silent = _silent(reactors, (*messages, *curiosities))
    also = lines.people_line(t, t._("Also with us today: {names}."), silent)
    if also:
        blocks.append(Block(head=(also,)))
    lexicon = lexicon_for(tuple(corpus)).with_history(history)
    blocks += _resonance_blocks(t, lexicon, curiosities, messages)
    return Digest(title=title, filename=filename, blocks=tuple(blocks), language=t.language)


def _silent(reactors: Sequence[Row], said: Sequence[Row]) -> list[Row]:
    """Return the people who reacted and wrote nothing (most days: nobody to look for)."""
    if not reactors:
        return []
    writers = {lines.person(row) for row in said}
    return [row for row in reactors if lines.person(row) not in writers]


def _passage_block(
    t: Translator,
    chat: Row,
    heading: str,
    entry: Entry | None,
    post: Row | None,
    reactions: Totals = (),
) -> Block:
    """Return the digest's heading, with the day's chapter and opening words if known, and
    the reactions the passage received."""
    if entry is None:
        return Block(head=(lines.bold(heading),))
    chapter = trim(chapter_of(t, entry), lines.TRIM_CHAPTER)
    link = lines.link_parts(chat, post.get("message_id") if post else None)
    about = (
        Markup(t._("Today's passage") + " · <i>"),
        chapter,
        Markup("</i>"),
        *lines.reaction_parts(reactions),
        *link,
    )
    body: tuple[Line, ...] = ((lines.opening(entry.passage, lines.TRIM_OPENING),),)
    counterpoint = lines.opening(entry.counterpoint, lines.TRIM_OPENING)
    if counterpoint:
        # Half of what the day was about: the reader's note in the margin, trimmed alike.
        label = t._("Counterpoint")
        body += ((Markup(f"<b>{label}</b>: <i>"), counterpoint, Markup("</i>")),)
    return Block(head=(lines.bold(heading), about), body=body, quote="blockquote")


def poll_line(t: Translator, totals: Sequence[int]) -> Line:
    """Return 'Where we stood: with the passage 3 · with the counterpoint 5 · ...'."""
    stood = " · ".join(
        f"{t._(label)} {total}" for label, total in zip(POLL_STOOD, totals, strict=False)
    )
    return (lines.BOLD, t._("Where we stood:"), lines.UNBOLD, Markup(" "), stood)


def _thread_blocks(
    t: Translator, chat: Row, messages: Sequence[Row], reactions: Mapping[int, Totals]
) -> list[Block]:
    """Return one block per thread: its opening, then its replies as an indented tree."""
    blocks = []
    line = lines.MessageLines(t, chat, reactions).line
    for root, rows in lines.by_root(messages).items():
        for thread in threads_in_order(rows, root):
            head = (line(*thread[0]),)
            if len(thread) == 1:  # most threads: one message, nothing to quote
                blocks.append(Block(head=head))
                continue
            replies = tuple([line(message, depth) for message, depth in thread[1:]])
            quote = "blockquote expandable" if len(replies) >= COLLAPSE_FROM else "blockquote"
            blocks.append(Block(head=head, body=replies, quote=quote))
    return blocks


def _curiosity_lines(
    t: Translator, chat: Row, curiosity: Row, answers: Sequence[Row], make: lines.MessageLines
) -> list[Line]:
    """Return a curiosity's line, then its answers as an indented tree."""
    line = lines.curiosity_line(t, chat, curiosity)
    if not answers:
        return [line]
    tree = walk(build_threads(answers, curiosity["message_id"]))
    return [line, *(make.line(node.message, depth + 1) for node, depth in tree)]


def _resonance_blocks(
    t: Translator, lexicon: Lexicon, curiosities: Sequence[Row], messages: Sequence[Row]
) -> list[Block]:
    """Return the day's resonances: named people whose curiosities share a theme.

    Thread messages can join a theme a curiosity started, never start one: people already
    talking in a thread have found each other.
    """
    wondering = [r for r in curiosities if not r["opted_out"]]
    writing = [r for r in messages if not r["opted_out"]]
    voices, themes = lines.resonances(lexicon, wondering, writing)
    rows = [*wondering, *writing]
    name = lines.Names(t)
    body = tuple(lines.resonance_line(t, theme, voices, rows, name=name) for theme in themes)
    return [Block(head=(lines.bold(t._("Resonances")),), body=body)] if body else []
