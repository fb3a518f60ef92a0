"""What the bot says about personal digests: /mydigest's answers, and the private intro line.

Every name and title is escaped here. A person is addressed by first name only, and only in
answer to their own /mydigest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.core.text import escape, long_date

Row = Mapping[str, Any]

USAGE = (
    "<b>Your own digest</b>: send <code>/mydigest on</code> in a group and I send you its "
    "evening digest in a private chat each day, at your own time and time zone: "
    "<code>/mydigest 07:30 Europe/Lisbon</code>. <code>/mydigest off</code> stops it."
)
ONLY_PEOPLE = (
    "A personal digest goes to a person: send /mydigest from your own account, not as the "
    "group or a channel."
)
ASK_IN_GROUP = "Send <code>/mydigest on</code> in the group whose evening digest you want."
STOPPED = "Done: no more private digests of {what}."
NOT_ON = "You had no private digest of {what}."


def when(reader: Row) -> str:
    """Return '07:30 (Europe/Lisbon)'."""
    return f"{escape(reader['digest_time'])} ({escape(reader['timezone'])})"


def render_turned_on(first_name: str, reader: Row) -> str:
    """Return the group's answer to /mydigest on when the private chat works."""
    return (
        f"Done, {escape(first_name)}: I will send you this group's evening digest in our "
        f"private chat every day at {when(reader)}. <code>/mydigest off</code> stops it."
    )


def render_private_welcome(chat: Row, reader: Row) -> str:
    """Return the first private message: which group, when, and how to change it."""
    return (
        f"Hello! Every day at {when(reader)} I will send you the evening digest of "
        f"<b>{escape(title_of(chat))}</b> here. Change the time with "
        "<code>/mydigest HH:MM Area/City</code>; <code>/mydigest off</code> stops it."
    )


def render_start_needed(first_name: str, bot_username: str) -> str:
    """Return the group's answer when Telegram refuses a private message (403)."""
    return (
        f"{escape(first_name)}, Telegram lets me write to you only after you have started a "
        f"private chat with me. Open https://t.me/{escape(bot_username)} and press "
        "<b>Start</b>: your digest begins then. Until you do, I will not try again."
    )


def render_status(reader: Row | None, chats: Sequence[Row]) -> str:
    """Return /mydigest alone: what the person gets, or how to ask for it."""
    if reader is None or not chats:
        return USAGE
    titles = ", ".join(f"<b>{escape(title_of(chat))}</b>" for chat in chats)
    refused = (
        " Telegram refused my last private message: send me /start in a private chat."
        if reader.get("refused_at")
        else ""
    )
    return f"Your private digest of {titles} comes every day at {when(reader)}.{refused}"


def render_resumed(reader: Row) -> str:
    """Return the line /start adds in private for a person who asked for a digest."""
    return f"Your personal digest comes here every day at {when(reader)}."


def render_intro(chat: Row, day: date) -> str:
    """Return the private message that opens one group's digest."""
    return f"Your evening digest from <b>{escape(title_of(chat))}</b>, {long_date(day)}:"


def title_of(chat: Row) -> str:
    """Return the group's title, or a plain word if it has none."""
    return str(chat.get("title") or "your group")
