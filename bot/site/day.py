"""A day of the group as the site shows it: the passage, every thread, curiosities, resonances.

Pure: rows in, HTML out. The rows hold only people who may be shown (``bot.archive.reading``).
Each message is one ``<article>`` made by ``message_html``, the one place a row becomes markup,
so what a message gains later (reactions, a poll's totals) is added there once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.archive.reading import SiteDay
from bot.compose.digest import lines
from bot.compose.digest.daily import poll_line
from bot.compose.digest.render import Markup, render_line
from bot.core.corpus import Entry
from bot.core.reactions import summary
from bot.core.records import Totals
from bot.core.text import message_link
from bot.core.threads import build_threads, hanging_from, threads_in_order, walk
from bot.i18n import Translator, dates
from bot.site.markup import esc, link, nested_list, paragraphs, telegram_link
from bot.words import Lexicon

Row = Mapping[str, Any]


def day_sections(
    t: Translator,
    chat: Row,
    day: SiteDay,
    entry: Entry | None,
    lexicon: Lexicon,
    *,
    passage_page: str = "",
) -> str:
    """Return a day's body below its heading: passage, threads, curiosities, resonances."""
    answers = hanging_from(
        day.messages, {c["message_id"] for c in day.curiosities if c["message_id"]}
    )
    answered = {m["message_id"] for rows in answers.values() for m in rows}
    threads = [m for m in day.messages if m["message_id"] not in answered]
    post_id = day.post["message_id"] if day.post else None
    parts = []
    if entry is not None:
        parts.append(passage_section(t, chat, entry, post_id, passage_page=passage_page))
        parts.append(_voices_of_passage(t, day))
    parts.append(threads_section(t, chat, threads, reactions=day.reactions))
    if day.curiosities:
        parts.append(_curiosities_section(t, chat, day.curiosities, answers))
    parts.append(_resonances_section(t, lexicon, day))
    return "\n".join(part for part in parts if part)


def passage_section(
    t: Translator,
    chat: Row,
    entry: Entry,
    post_id: int | None,
    *,
    passage_page: str = "",
    chapter: bool = True,
) -> str:
    """Return the passage in full, its counterpoint, and links to the post and its page."""
    links = []
    original = message_link(chat, post_id) if post_id else None
    if original:
        links.append(link(original, esc(t._("The morning post in Telegram")), rel="external"))
    if passage_page:
        links.append(link(passage_page, esc(t._("Every day on this passage"))))
    counterpoint = ""
    if entry.counterpoint.strip():
        label = esc(t._("Counterpoint"))
        counterpoint = (
            f'<h3 class="counterpoint">{label}</h3>'
            f'<blockquote class="counterpoint">{paragraphs(entry.counterpoint)}</blockquote>'
        )
    more = f'<p class="links">{" · ".join(links)}</p>' if links else ""
    named = f'<p class="chapter">{esc(entry.chapter)}</p>' if chapter else ""
    return (
        f'<section class="passage">{named}'
        f'<blockquote class="passage">{paragraphs(entry.passage)}</blockquote>'
        f"{counterpoint}{more}</section>"
    )


def _voices_of_passage(t: Translator, day: SiteDay) -> str:
    """Return the passage's reactions and where the group stood in the day's poll, as the
    evening digest says them; nothing if it had neither."""
    parts = []
    if day.passage_reactions:
        parts.append(f'<p class="reactions">{esc(summary(day.passage_reactions))}</p>')
    if day.poll is not None:
        # Telegram's HTML of the digest's line (bold and escaped text) is HTML for a page too.
        parts.append(f'<p class="poll">{render_line(poll_line(t, day.poll))}</p>')
    return f'<section class="voices">{"".join(parts)}</section>' if parts else ""


def threads_section(
    t: Translator,
    chat: Row,
    messages: Sequence[Row],
    *,
    headed: bool = True,
    reactions: Mapping[int, Totals] | None = None,
) -> str:
    """Return every thread of the messages as nested replies, or a line saying there were none."""
    heading = "<h2>" + esc(t._("The threads")) + "</h2>" if headed else ""
    shown = reactions or {}
    items = [
        (message_html(t, chat, message, reactions=shown.get(message["message_id"], ())), depth)
        for root, rows in lines.by_root(messages).items()
        for thread in threads_in_order(rows, root)
        for message, depth in thread
    ]
    if not items:
        return (
            f'<section class="threads">{heading}<p class="none">{esc(_no_replies(t))}</p>'
            "</section>"
        )
    return f'<section class="threads">{heading}{nested_list(items, "threads")}</section>'


def _no_replies(t: Translator) -> str:
    return t._("No replies are kept for this day.")


def message_html(
    t: Translator, chat: Row, row: Row, *, kind: str = "message", reactions: Totals = ()
) -> str:
    """Return one message (or curiosity) as an article: name, local time, link, whole text,
    and the reactions it received."""
    sent = row["date"] if kind == "message" else row["created_at"]
    when = datetime.fromtimestamp(sent, UTC).astimezone(ZoneInfo(chat["timezone"]))
    clock = esc(dates.clock_time(when, t.locale))
    original = message_link(chat, row["message_id"]) if row.get("message_id") else None
    anchor = f"m{row['message_id']}" if kind == "message" else f"c{row['id']}"
    label = t._("The message in Telegram")
    meta = (
        f'<b class="name">{esc(lines.display_name(t, row))}</b> '
        f'<time datetime="{when.isoformat()}">{clock}</time>'
        f"{telegram_link(original, label)}"
    )
    reacted = f'<p class="reactions">{esc(summary(reactions))}</p>' if reactions else ""
    return (
        f'<article class="{kind}" id="{anchor}"><p class="meta">{meta}</p>'
        f'<div class="text">{paragraphs(_said(row))}</div>{reacted}</article>'
    )


def _said(row: Row) -> str:
    """Return a message's text; another kind as '[photo] caption'."""
    text = row.get("text") or ""
    kind = row.get("kind") or "text"
    return text if kind == "text" else f"[{kind}] {text}".rstrip()


def _curiosities_section(
    t: Translator, chat: Row, curiosities: Sequence[Row], answers: Mapping[int, list[Row]]
) -> str:
    """Return the day's curiosities, each with the replies answering it nested below."""
    items: list[tuple[str, int]] = []
    for curiosity in curiosities:
        items.append((message_html(t, chat, curiosity, kind="curiosity"), 0))
        replies = answers.get(curiosity["message_id"], [])
        tree = walk(build_threads(replies, curiosity["message_id"]))
        items += [(message_html(t, chat, node.message), depth + 1) for node, depth in tree]
    body = nested_list(items, "curiosities")
    heading = esc(t._("Curious today"))
    return f'<section class="curiosities"><h2>{heading}</h2>{body}</section>'


def _resonances_section(t: Translator, lexicon: Lexicon, day: SiteDay) -> str:
    """Return the day's resonances, found as the evening digest finds them, or nothing."""
    voices, themes = lines.resonances(lexicon, day.curiosities, day.messages)
    rows = [*day.curiosities, *day.messages]
    found = [lines.resonance_line(t, theme, voices, rows) for theme in themes]
    if not found:
        return ""
    items = "".join(f"<li>{_line_html(line)}</li>" for line in found)
    heading = esc(t._("Resonances"))
    return f'<section class="resonances"><h2>{heading}</h2><ul>{items}</ul></section>'


def _line_html(line: Sequence[str]) -> str:
    """Return a digest line as HTML: its markup as it is, every person-written part escaped."""
    return "".join(part if isinstance(part, Markup) else esc(part) for part in line)
