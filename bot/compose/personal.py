"""What the bot says about a person's own things: /mydigest's and /passage's answers, and the
private intro line.

Every name and title is escaped here. A person is addressed by first name only, and only in
answer to their own /mydigest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.core.personal import gets_passages
from bot.core.text import escape
from bot.i18n import N_, Translator

Row = Mapping[str, Any]

USAGE = N_(
    "<b>Your own digest</b>: send <code>/mydigest on</code> in a group and I send you its "
    "evening digest in a private chat each day, at your own time and time zone: "
    "<code>/mydigest 07:30 Europe/Lisbon</code>. <code>/mydigest off</code> stops it."
)
ONLY_PEOPLE = N_(
    "A personal digest goes to a person: send /mydigest from your own account, not as the "
    "group or a channel."
)
ASK_IN_GROUP = N_("Send <code>/mydigest on</code> in the group whose evening digest you want.")


def render_stopped(t: Translator, stopped: bool, in_group: bool) -> str:
    """Return the answer to /mydigest off: stopped, or there was nothing to stop."""
    if in_group:
        if stopped:
            return t._("Done: no more private digests of this group.")
        return t._("You had no private digest of this group.")
    if stopped:
        return t._("Done: no more private digests of any group.")
    return t._("You had no private digest of any group.")


def when(reader: Row) -> str:
    """Return '07:30 (Europe/Lisbon)'."""
    return f"{escape(reader['digest_time'])} ({escape(reader['timezone'])})"


def render_turned_on(t: Translator, first_name: str, reader: Row) -> str:
    """Return the group's answer to /mydigest on when the private chat works."""
    return t._(
        "Done, {name}: I will send you this group's evening digest in our private chat every "
        "day at {when}. <code>/mydigest off</code> stops it.",
        name=escape(first_name),
        when=when(reader),
    )


def render_private_welcome(t: Translator, chat: Row, reader: Row) -> str:
    """Return the first private message: which group, when, and how to change it."""
    return t._(
        "Hello! Every day at {when} I will send you the evening digest of <b>{group}</b> "
        "here. Change the time with <code>/mydigest HH:MM Area/City</code>; "
        "<code>/mydigest off</code> stops it.",
        when=when(reader),
        group=escape(title_of(t, chat)),
    )


def render_start_needed(t: Translator, first_name: str, bot_username: str) -> str:
    """Return the group's answer when Telegram refuses a private message (403)."""
    link = f"https://t.me/{escape(bot_username)}"
    return t._(
        "{name}, Telegram lets me write to you only after you have started a private chat "
        "with me. Open {link} and press <b>Start</b>: your digest begins then. Until you do, "
        "I will not try again.",
        name=escape(first_name),
        link=link,
    )


def render_status(t: Translator, reader: Row | None, chats: Sequence[Row]) -> str:
    """Return /mydigest alone: what the person gets, or how to ask for it."""
    if reader is None or not chats:
        return t._(USAGE)
    titles = ", ".join(f"<b>{escape(title_of(t, chat))}</b>" for chat in chats)
    text = t._(
        "Your private digest of {groups} comes every day at {when}.",
        groups=titles,
        when=when(reader),
    )
    if reader.get("refused_at"):
        refused = t._(
            "Telegram refused my last private message: send me /start in a private chat."
        )
        text = f"{text} {refused}"
    return text


def render_resumed(t: Translator, reader: Row) -> str:
    """Return the line /start adds in private for a person who asked for a digest."""
    return t._("Your personal digest comes here every day at {when}.", when=when(reader))


def render_intro(t: Translator, chat: Row, day: date) -> str:
    """Return the private message that opens one group's digest."""
    return t._(
        "Your evening digest from <b>{group}</b>, {day}:",
        group=escape(title_of(t, chat)),
        day=t.long_date(day),
    )


def title_of(t: Translator, chat: Row) -> str:
    """Return the group's title, or a plain word if it has none."""
    return str(chat.get("title") or t._("your group"))


# the morning passage in private (/passage)

PASSAGE_IN_GROUP = N_(
    "<code>/passage</code> is for our private chat, where the morning passage comes only if "
    "you ask for it. Here it comes every morning for everyone."
)
PASSAGE_USAGE = N_(
    "Usage: <code>/passage on</code> or <code>/passage off</code>; "
    "<code>/passage on 07:30 Europe/Lisbon</code> for your own time and zone."
)
NO_PASSAGE_HERE = N_(
    "No passage comes here unless you ask: <code>/passage on</code> sends you one every morning."
)


def passage_time(chat: Row) -> str:
    """Return '09:00 (Europe/Lisbon)': when a chat's passage comes."""
    return f"{escape(chat['post_time'])} ({escape(chat['timezone'])})"


def render_passages(t: Translator, chat: Row) -> str:
    """Return /passage alone in private: whether the passage comes here, and when or how."""
    if gets_passages(chat):
        return t._(
            "The passage comes here every morning at {when}: reply to it as in a group, and "
            "I keep the conversation. <code>/passage off</code> stops it.",
            when=passage_time(chat),
        )
    return t._(
        "No passage comes here. <code>/passage on</code> sends you one every morning at "
        "{when}; <code>/passage on 07:30 Europe/Lisbon</code> at your own time.",
        when=passage_time(chat),
    )


def render_passages_stopped(t: Translator, stopped: bool) -> str:
    """Return the answer to /passage off: stopped, or there was nothing to stop."""
    if stopped:
        return t._("Done: no more passages here. <code>/passage on</code> brings them back.")
    return t._("No passage comes here, so there was nothing to stop.")
