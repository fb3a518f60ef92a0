"""Telegram HTML for command replies: status, search, threads, help. Pure: strings in and out.

Every person-written string is escaped here, once; handlers never escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import schedule
from bot.corpus import Entry
from bot.digest_lines import message_link
from bot.render import escape, trim
from bot.threads import ThreadNode, build_threads

KINDS = ("passage", "digest", "weekly")
KIND_NAMES = {"passage": "Morning passage", "digest": "Evening digest", "weekly": "Weekly digest"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TRIM_CHARS = 300
MAX_REPLY_CHARS = 3900  # under Telegram's 4096, with room for a closing note

HELP = (
    "<b>Commons Bot</b> posts one passage of <i>Peer to Peer: The Commons Manifesto</i> "
    "each morning, beside a reader's counterpoint. Reply to it and to each other; each "
    "evening a digest gathers every thread and every curiosity of the day.\n\n"
    "/curious <i>text</i>: what you are curious about today\n"
    "/curiosities: today's curiosities\n"
    "/today: today's passage again\n"
    "/thread (as a reply): the thread of that message\n"
    "/search <i>words</i>: search this chat's conversations\n"
    "/digest, /week: the digest so far\n"
    "/status: time zone, next post, what I can see\n"
    "/privacy, /optout, /optin, /forgetme: what is kept, and leaving\n\n"
    "<b>Admins</b>: /settz <i>Area/City</i>, /settime <i>HH:MM</i>, /setdigest <i>HH:MM</i>, "
    "/setweekly <i>DAY HH:MM</i>, /quietday <i>line|silent</i>, /pause, /resume, /skip, /topic, "
    "/export, /purge"
)

PRIVACY = (
    "<b>What I keep</b>: replies to my posts (and replies to those replies), what you tell "
    "me with /curious or #curious, your first name and username. Nothing else said in this "
    "group is stored. Digests name people by first name and never @-mention anyone; "
    "nobody is ranked or counted.\n\n"
    "/optout: nothing you say is kept from now on.\n"
    "/forgetme: delete everything you said, in every chat, and stop keeping anything.\n"
    "/optin: take part again.\n"
    "Admins can /export this chat's archive or /purge it."
)

PURGE_WARNING = (
    "This deletes this chat's whole archive: every stored reply, curiosity and post record. "
    "It cannot be undone. To go ahead, send <code>/purge confirm</code> within two minutes."
)

SEARCH_USAGE = "Usage: <code>/search words</code>, for example <code>/search reciprocity</code>."


def with_post_link(text: str, chat: dict[str, Any], message_id: int) -> str:
    """Append a link to the morning post, where replies belong."""
    link = message_link(chat, message_id)
    if link is None:
        return f"{text}\n\nReply to this morning's post to join the thread."
    return f'{text}\n\n<a href="{link}">Reply to this morning\'s post</a> to join the thread.'


def describe_time(when: datetime, chat: dict[str, Any]) -> str:
    """Return 'Tue 25 Nov 09:00 (Europe/Berlin)' for an instant, in the chat's zone."""
    local = when.astimezone(ZoneInfo(chat["timezone"]))
    return f"{local:%a %d %b %H:%M} ({chat['timezone']})"


def render_schedule(chat: dict[str, Any], now: datetime) -> str:
    """Return the chat's settings and next slots, as confirmed after a change."""
    quiet = "one short line" if chat.get("quiet_day", "line") == "line" else "nothing"
    lines = [
        f"Time zone: <b>{escape(chat['timezone'])}</b>",
        f"On a quiet day the evening digest is {quiet} (/quietday).",
    ]
    if chat["paused"]:
        lines.append("Paused: nothing is posted until an admin sends /resume.")
        return "\n".join(lines)
    for kind in KINDS:
        when = describe_time(schedule.next_run(chat, kind, now), chat)
        lines.append(f"{KIND_NAMES[kind]}: next {when}")
    return "\n".join(lines)


def render_status(
    chat: dict[str, Any], now: datetime, last: dict[str, dict[str, Any] | None], sees: bool
) -> str:
    """Return /status: schedule, the outcome of the last of each kind, and visibility."""
    lines = [render_schedule(chat, now), ""]
    for kind in KINDS:
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


def _outcome(post: dict[str, Any] | None, chat: dict[str, Any]) -> str:
    if post is None:
        return "none yet"
    if post["status"] == "sent" and post["sent_at"]:
        return f"sent {describe_time(datetime.fromtimestamp(post['sent_at']), chat)}"
    if post["status"] == "failed":
        return f"{post['local_date']} failed: {escape(post['error'] or 'unknown error')}"
    return f"{post['local_date']} {post['status']}"


def render_skipped(skipped: Entry, upcoming: Entry) -> str:
    """Return the /skip confirmation."""
    return (
        f"Skipped passage {escape(skipped.id)}. The next post will be "
        f"<b>{escape(upcoming.id)}</b> ({escape(upcoming.chapter)})."
    )


def passed_slots(chat: dict[str, Any], now: datetime) -> list[tuple[str, str]]:
    """Return (kind, local date) of today's slots whose time has already passed."""
    unpaused = {**chat, "paused": False}
    return [(k, d) for k in KINDS if (d := schedule.due_now(unpaused, k, now)) is not None]


def render_search(chat: dict[str, Any], query: str, results: Sequence[dict[str, Any]]) -> str:
    """Return /search results, newest context first as the store ranks them."""
    if not results:
        return f"Nothing found for <i>{escape(query)}</i>."
    lines = [f"<b>Found for</b> <i>{escape(query)}</i>:"]
    for row in results:
        when = row.get("local_date") or _date_of(row.get("date"))
        label = "curious" if row["kind"] == "curiosity" else "said"
        line = f"• {escape(row['author'])} {label} ({when}): {escape(trim(row['text'], 200))}"
        link = message_link(chat, row["message_id"]) if row.get("message_id") else None
        lines.append(f'{line} <a href="{link}">↗</a>' if link else line)
    return _fit("\n".join(lines))


def _date_of(timestamp: int | None) -> str:
    return datetime.fromtimestamp(timestamp or 0).strftime("%Y-%m-%d")


def render_thread(chat: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    """Return one thread as an indented tree of first names and texts."""
    if not rows:
        return "That message is not part of a thread I keep (replies to my posts)."
    root = rows[0]["root_message_id"]
    lines = ["<b>The thread</b>"]
    for node, depth in _walk(build_threads(rows, root)):
        message = node.message
        lines.append(f"{'    ' * depth}↳ <b>{escape(message['author'])}</b>: " + _text_of(message))
    return _fit("\n".join(lines))


def _walk(nodes: Sequence[ThreadNode], depth: int = 0) -> list[tuple[ThreadNode, int]]:
    out: list[tuple[ThreadNode, int]] = []
    stack = [(node, depth) for node in reversed(nodes)]
    while stack:
        node, level = stack.pop()
        out.append((node, level))
        stack.extend((child, level + 1) for child in reversed(node.children))
    return out


def _text_of(message: dict[str, Any]) -> str:
    text = escape(trim(message["text"] or "", TRIM_CHARS))
    return text if message["kind"] == "text" else f"[{message['kind']}] {text}".rstrip()


def render_curiosity_list(rows: Sequence[dict[str, Any]]) -> str:
    """Return today's curiosities, each with its author, or an invitation if there are none."""
    if not rows:
        return "No curiosities yet today. What are you curious about? <code>/curious ...</code>"
    lines = ["<b>Curious today</b>"]
    for row in rows:
        author = "a member" if row["opted_out"] else row["author"]
        lines.append(f"• {escape(author)}: {escape(trim(row['text'], TRIM_CHARS))}")
    return _fit("\n".join(lines))


def _fit(text: str) -> str:
    """Cut a reply at a line boundary so it stays under Telegram's limit."""
    if len(text) <= MAX_REPLY_CHARS:
        return text
    cut = text[:MAX_REPLY_CHARS].rsplit("\n", 1)[0]
    return cut + "\n… (more in the digest)"
