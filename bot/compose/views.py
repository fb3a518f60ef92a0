"""Telegram HTML for command replies: status, search, threads. Pure: strings in and out.

Every person-written string is escaped here, once; handlers never escape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.compose.personal import title_of
from bot.core import schedule
from bot.core.corpus import Entry
from bot.core.schedule import RETRY_FAILED_SECONDS, STALE_CLAIM_SECONDS, ScheduleError
from bot.core.text import (
    POST_KINDS,
    escape,
    excerpt,
    fit_lines,
    message_link,
    trim,
)
from bot.core.threads import build_threads, walk
from bot.i18n import N_, Translator, dates

Row = Mapping[str, Any]

KIND_NAMES = {
    "passage": N_("Morning passage"),
    "digest": N_("Evening digest"),
    "weekly": N_("Weekly digest"),
}
LAST_KIND = {
    "passage": N_("Last morning passage: {outcome}"),
    "digest": N_("Last evening digest: {outcome}"),
    "weekly": N_("Last weekly digest: {outcome}"),
}
TRIM_CHARS = 300
MORE = N_("… (more in the digest)")  # after a reply cut to fit Telegram's limit


def more(t: Translator) -> str:
    """Return the note that ends a reply cut to fit Telegram's limit."""
    return "\n" + t._(MORE)


def with_post_link(t: Translator, text: str, chat: Row, message_id: int) -> str:
    """Append a link to the morning post, where replies belong."""
    link = message_link(chat, message_id)
    if link is None:
        invitation = t._("Reply to this morning's post to join the thread.")
    else:
        invitation = t._(
            '<a href="{link}">Reply to this morning\'s post</a> to join the thread.', link=link
        )
    return f"{text}\n\n{invitation}"


def describe_time(t: Translator, when: datetime, chat: Row) -> str:
    """Return 'Tue 25 Nov 09:00 (Europe/Berlin)' for an instant, in the chat's zone."""
    local = when.astimezone(ZoneInfo(chat["timezone"]))
    return f"{t.short_datetime(local)} ({chat['timezone']})"


def render_schedule(
    t: Translator, chat: Row, now: datetime, last_sent: Mapping[str, int | None] | None = None
) -> str:
    """Return the chat's settings and next slots, as confirmed after a change.

    ``last_sent`` gives when each kind last went out, so a day that already had its post in
    the chat's (new) time zone is not promised another.
    """
    quiet = (
        t._("On a quiet day the evening digest is one short line (/quietday).")
        if chat.get("quiet_day", "line") == "line"
        else t._("On a quiet day the evening digest is nothing (/quietday).")
    )
    lines = [
        t._("Time zone: <b>{timezone}</b>", timezone=escape(chat["timezone"])),
        t._("Language: <b>{language}</b> (/setlang)", language=escape(t.language_name)),
        quiet,
        t._("A poll with each morning passage (/setpoll): <b>on</b>.")
        if chat.get("poll")
        else t._("A poll with each morning passage (/setpoll): <b>off</b>."),
    ]
    if chat.get("type") != "private":
        lines.append(published_line(t, chat))
    if chat["paused"]:
        lines.append(t._("Paused: nothing is posted until an admin sends /resume."))
        return "\n".join(lines)
    for kind in POST_KINDS:
        sent = (last_sent or {}).get(kind)
        when = describe_time(t, schedule.next_run(chat, kind, now, sent), chat)
        lines.append(t._("{kind}: next {when}", kind=t._(KIND_NAMES[kind]), when=when))
    return "\n".join(lines)


def published_line(t: Translator, chat: Row) -> str:
    """Return whether the chat's archive is built as a website, as /status says it."""
    if chat.get("published"):
        return t._("Website: published (/publish off stops it).")
    return t._("Website: not published (/publish on).")


def render_published(t: Translator, chat: Row) -> str:
    """Return the answer to /publish: what a published site holds and how a member leaves it."""
    if not chat.get("published"):
        return t._(
            "Not published: no website is built from this chat's archive, and the next build "
            "removes the one made before."
        )
    return t._(
        "Published: the next build of this chat's website holds its passages, the threads "
        "with members' first names, the curiosities and the evening digests. Anyone who "
        "sends /optout or /forgetme is left out of the next build. /publish off stops it."
    )


def render_status(
    t: Translator,
    chat: Row,
    now: datetime,
    last: Mapping[str, Row | None],
    sees: bool,
    last_sent: Mapping[str, int | None] | None = None,
    *,
    admin: bool = True,
) -> str:
    """Return /status: schedule, the outcome of the last of each kind, and what the bot sees
    (whole threads; reactions, which Telegram reports only to admins)."""
    lines = [render_schedule(t, chat, now, last_sent), ""]
    for kind in POST_KINDS:
        lines.append(t._(LAST_KIND[kind], outcome=_outcome(t, last.get(kind), chat, now)))
    lines.append("")
    if sees:
        lines.append(t._("I can see whole threads here, replies to replies included."))
    else:
        lines.append(
            t._(
                "⚠️ I only see replies to my own messages, so replies to replies are missed. "
                "Make me an admin, or turn off privacy mode in @BotFather and add me again."
            )
        )
    if admin:
        lines.append(t._("I see reactions here: the evening digest shows them."))
    else:
        lines.append(
            t._(
                "I cannot see reactions: Telegram tells only admins about them. Make me an "
                "admin (no rights needed) and the evening digest will show them."
            )
        )
    return "\n".join(lines)


def _outcome(t: Translator, post: Row | None, chat: Row, now: datetime) -> str:
    """Return what became of a post, as members would say it: never the archive's own word."""
    if post is None:
        return t._("none yet")
    day = t.short_date(date.fromisoformat(post["local_date"]))
    if post["status"] == "sent" and post["sent_at"]:
        when = describe_time(t, datetime.fromtimestamp(post["sent_at"]), chat)
        return t._("sent {when}", when=when)
    if post["status"] == "skipped":
        return t._("nothing to post ({day})", day=day)
    # Claimed or failed: still on its way, unless its day is over.
    pending = schedule.due_day(chat, post["kind"], now) == post["local_date"]
    if post["status"] == "failed":
        return _failed(t, post, chat, now, day) if pending else _lost(t, post, day)
    retry = int(post["claimed_at"] or 0) + STALE_CLAIM_SECONDS
    if now.timestamp() < retry:
        return t._("being sent now ({day})", day=day)
    if not pending:
        return t._("not sent ({day}): interrupted", day=day)
    when = _clock_time(t, max(retry, now.timestamp()), chat)
    return t._("interrupted ({day}); will be retried after {time}", day=day, time=when)


def _failed(t: Translator, post: Row, chat: Row, now: datetime, day: str) -> str:
    """Return a failed send the sweep will try again, and from when."""
    retry = int(post["claimed_at"] or 0) + RETRY_FAILED_SECONDS
    when = _clock_time(t, max(retry, now.timestamp()), chat)
    error = escape(post["error"] or t._("unknown error"))
    return t._(
        "not sent yet ({day}): {error}; will be retried after {time}",
        day=day,
        error=error,
        time=when,
    )


def _lost(t: Translator, post: Row, day: str) -> str:
    """Return a failed send whose day is over: it will not be sent."""
    error = escape(post["error"] or t._("unknown error"))
    return t._("not sent ({day}): {error}", day=day, error=error)


def _clock_time(t: Translator, timestamp: float, chat: Row) -> str:
    """Return '21:02' for a unix time, in the chat's zone."""
    local = datetime.fromtimestamp(timestamp, ZoneInfo(chat["timezone"]))
    return dates.clock_time(local, t.locale)


def render_setting_error(t: Translator, error: ScheduleError, usage: str) -> str:
    """Return what was wrong with a setting, then how to use the command, in t's language."""
    return fit_lines(f"{escape(describe_error(t, error))}\n\n{t._(usage)}")


def describe_error(t: Translator, error: ScheduleError) -> str:
    """Return a schedule error in t's language (a list of alternatives as 'a or b')."""
    params = {
        name: value if isinstance(value, str) else t.join_alternatives(value)
        for name, value in error.params.items()
    }
    return t._(error.template, **params)


def render_export_caption(t: Translator, chat: Row) -> str:
    """Return the caption of an exported archive, naming the group (it arrives in private)."""
    if chat["type"] == "private":
        return t._("This chat's archive.")
    return t._("The archive of <b>{group}</b>, as JSON.", group=escape(title_of(t, chat)))


def render_export_start_needed(t: Translator, bot_username: str) -> str:
    """Return the group's answer when Telegram refuses to send an admin the export (403)."""
    return t._(
        "I send the archive only in private, and Telegram lets me write to you only after "
        "you have started a chat with me: open {link}, send /start, then /export here again.",
        link=f"https://t.me/{escape(bot_username)}",
    )


def render_skipped(t: Translator, skipped: Entry, upcoming: Entry) -> str:
    """Return the /skip confirmation."""
    return t._(
        "Skipped passage {skipped}. The next post will be <b>{upcoming}</b> ({chapter}).",
        skipped=escape(skipped.id),
        upcoming=escape(upcoming.id),
        chapter=escape(upcoming.chapter),
    )


def render_search(t: Translator, chat: Row, query: str, results: Sequence[Row]) -> str:
    """Return /search results, newest context first as the store ranks them."""
    asked = escape(excerpt(query))
    if not results:
        return t._("Nothing found for <i>{query}</i>.", query=asked)
    lines = [t._("<b>Found for</b> <i>{query}</i>:", query=asked)]
    for row in results:
        when = row.get("local_date") or _date_of(row.get("date"))
        said = (
            t._("{name} curious ({when}): {text}")
            if row["kind"] == "curiosity"
            else t._("{name} said ({when}): {text}")
        )
        text = escape(trim(row["text"], 200))
        line = "• " + said.format(name=escape(row["author"]), when=when, text=text)
        lines.append(_with_link(line, chat, row.get("message_id")))
    return fit_lines("\n".join(lines), note=more(t))


def _date_of(timestamp: int | None) -> str:
    return datetime.fromtimestamp(timestamp or 0).strftime("%Y-%m-%d")


def render_thread(
    t: Translator, chat: Row, rows: Sequence[Row], curiosities: Sequence[Row] = ()
) -> str:
    """Return one thread as an indented tree of first names and texts.

    ``curiosities`` are those some of the thread's messages answer: the answers hang under them.
    """
    if not rows:
        return t._("That message is not part of a thread I keep (replies to my posts).")
    root = rows[0]["root_message_id"]
    asked = [_as_message(c, root) for c in curiosities if c["message_id"] is not None]
    heading = t._("The thread")
    lines = [f"<b>{heading}</b>"]
    for node, depth in walk(build_threads([*rows, *asked], root)):
        message = node.message
        line = f"{'    ' * depth}↳ " + _said(t, message)
        lines.append(_with_link(line, chat, message["message_id"]))
    return fit_lines("\n".join(lines), note=more(t))


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


def _said(t: Translator, message: Row) -> str:
    """Return '<b>Ana</b>: text', or '<b>Bo</b> is curious: text' for a curiosity."""
    name = f"<b>{escape(message['author'])}</b>"
    text = escape(trim(message["text"] or "", TRIM_CHARS))
    if message["kind"] == "curiosity":
        return t._("{name} is curious: {text}", name=name, text=text)
    return f"{name}: " + (
        text if message["kind"] == "text" else f"[{message['kind']}] {text}".rstrip()
    )


def render_curiosity_list(t: Translator, rows: Sequence[Row]) -> str:
    """Return today's curiosities, each with its author, or an invitation if there are none."""
    if not rows:
        return t._(
            "No curiosities yet today. What are you curious about? <code>/curious ...</code>"
        )
    heading = t._("Curious today")
    lines = [f"<b>{heading}</b>"]
    for row in rows:
        author = t._("a member") if row["opted_out"] else row["author"]
        lines.append(f"• {escape(author)}: {escape(trim(row['text'], TRIM_CHARS))}")
    return fit_lines("\n".join(lines), note=more(t))
