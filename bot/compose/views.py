"""Telegram HTML for command replies: status, search, threads. Pure: strings in and out.

Every person-written string is escaped here, once; handlers never escape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import schedule
from bot.core.corpus import Entry
from bot.core.text import (
    POST_KINDS,
    escape,
    excerpt,
    fit_lines,
    message_link,
    short_datetime,
    trim,
)
from bot.core.threads import build_threads, walk

Row = Mapping[str, Any]

KIND_NAMES = {"passage": "Morning passage", "digest": "Evening digest", "weekly": "Weekly digest"}
TRIM_CHARS = 300
MORE = "\n… (more in the digest)"  # after a reply cut to fit Telegram's limit


def with_post_link(text: str, chat: Row, message_id: int) -> str:
    """Append a link to the morning post, where replies belong."""
    link = message_link(chat, message_id)
    if link is None:
        return f"{text}\n\nReply to this morning's post to join the thread."
    return f'{text}\n\n<a href="{link}">Reply to this morning\'s post</a> to join the thread.'


def describe_time(when: datetime, chat: Row) -> str:
    """Return 'Tue 25 Nov 09:00 (Europe/Berlin)' for an instant, in the chat's zone."""
    local = when.astimezone(ZoneInfo(chat["timezone"]))
    return f"{short_datetime(local)} ({chat['timezone']})"


def render_schedule(
    chat: Row, now: datetime, last_sent: Mapping[str, int | None] | None = None
) -> str:
    """Return the chat's settings and next slots, as confirmed after a change.

    ``last_sent`` gives when each kind last went out, so a day that already had its post in
    the chat's (new) time zone is not promised another.
    """
    quiet = "one short line" if chat.get("quiet_day", "line") == "line" else "nothing"
    lines = [
        f"Time zone: <b>{escape(chat['timezone'])}</b>",
        f"On a quiet day the evening digest is {quiet} (/quietday).",
    ]
    if chat["paused"]:
        lines.append("Paused: nothing is posted until an admin sends /resume.")
        return "\n".join(lines)
    for kind in POST_KINDS:
        sent = (last_sent or {}).get(kind)
        when = describe_time(schedule.next_run(chat, kind, now, sent), chat)
        lines.append(f"{KIND_NAMES[kind]}: next {when}")
    return "\n".join(lines)


def render_status(
    chat: Row,
    now: datetime,
    last: Mapping[str, Row | None],
    sees: bool,
    last_sent: Mapping[str, int | None] | None = None,
) -> str:
    """Return /status: schedule, the outcome of the last of each kind, and visibility."""
    lines = [render_schedule(chat, now, last_sent), ""]
    for kind in POST_KINDS:
        lines.append(f"Last {KIND_NAMES[kind].lower()}: {_outcome(last.get(kind), chat)}")
    lines.append("")
    if sees:
        lines.append("I can see whole threads here, replies to replies included.")
    else:
        lines.append(
            "⚠️ I only see replies to my own messages, so replies to replies are missed. "
            "Make me an admin, or turn off privacy mode in @BotFather and add me again."
        )
    return "\n".join(lines)


def _outcome(post: Row | None, chat: Row) -> str:
    if post is None:
        return "none yet"
    if post["status"] == "sent" and post["sent_at"]:
        return f"sent {describe_time(datetime.fromtimestamp(post['sent_at']), chat)}"
    if post["status"] == "failed":
        return f"{post['local_date']} failed: {escape(post['error'] or 'unknown error')}"
    return f"{post['local_date']} {post['status']}"


def render_setting_error(error: str, usage: str) -> str:
    """Return what was wrong with an admin's setting, then how to use the command."""
    return fit_lines(f"{escape(error)}\n\n{usage}")


def render_skipped(skipped: Entry, upcoming: Entry) -> str:
    """Return the /skip confirmation."""
    return (
        f"Skipped passage {escape(skipped.id)}. The next post will be "
        f"<b>{escape(upcoming.id)}</b> ({escape(upcoming.chapter)})."
    )


def render_search(chat: Row, query: str, results: Sequence[Row]) -> str:
    """Return /search results, newest context first as the store ranks them."""
    if not results:
        return f"Nothing found for <i>{escape(excerpt(query))}</i>."
    lines = [f"<b>Found for</b> <i>{escape(excerpt(query))}</i>:"]
    for row in results:
        when = row.get("local_date") or _date_of(row.get("date"))
        label = "curious" if row["kind"] == "curiosity" else "said"
        line = f"• {escape(row['author'])} {label} ({when}): {escape(trim(row['text'], 200))}"
        lines.append(_with_link(line, chat, row.get("message_id")))
    return fit_lines("\n".join(lines), note=MORE)


def _date_of(timestamp: int | None) -> str:
    return datetime.fromtimestamp(timestamp or 0).strftime("%Y-%m-%d")


def render_thread(chat: Row, rows: Sequence[Row], curiosities: Sequence[Row] = ()) -> str:
    """Return one thread as an indented tree of first names and texts.

    ``curiosities`` are those some of the thread's messages answer: the answers hang under them.
    """
    if not rows:
        return "That message is not part of a thread I keep (replies to my posts)."
    root = rows[0]["root_message_id"]
    asked = [_as_message(c, root) for c in curiosities if c["message_id"] is not None]
    lines = ["<b>The thread</b>"]
    for node, depth in walk(build_threads([*rows, *asked], root)):
        message = node.message
        line = f"{'    ' * depth}↳ <b>{escape(message['author'])}</b>" + _text_of(message)
        lines.append(_with_link(line, chat, message["message_id"]))
    return fit_lines("\n".join(lines), note=MORE)


def _with_link(line: str, chat: Row, message_id: int | None) -> str:
    """Return the line with ' ↗' linking to its message, where Telegram has a link."""
    link = message_link(chat, message_id) if message_id else None
    return f'{line} <a href="{link}">↗</a>' if link else line


def _as_message(curiosity: Row, root: int) -> Row:
    """Return a curiosity shaped as a thread message at the top of the thread."""
    return {
        **curiosity,
        "reply_to_message_id": root,
        "date": curiosity["created_at"],
        "kind": "curiosity",
    }


def _text_of(message: Row) -> str:
    text = escape(trim(message["text"] or "", TRIM_CHARS))
    if message["kind"] == "curiosity":
        return f" is curious: {text}"
    return ": " + (text if message["kind"] == "text" else f"[{message['kind']}] {text}".rstrip())


def render_curiosity_list(rows: Sequence[Row]) -> str:
    """Return today's curiosities, each with its author, or an invitation if there are none."""
    if not rows:
        return "No curiosities yet today. What are you curious about? <code>/curious ...</code>"
    lines = ["<b>Curious today</b>"]
    for row in rows:
        author = "a member" if row["opted_out"] else row["author"]
        lines.append(f"• {escape(author)}: {escape(trim(row['text'], TRIM_CHARS))}")
    return fit_lines("\n".join(lines), note=MORE)
