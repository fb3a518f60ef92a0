"""What the bot says about itself: the command table, /help, /privacy and the welcome.

The command table is the one source for /help and for Telegram's command menu, so the two list
the same commands in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.text import WEEKDAYS


@dataclass(frozen=True)
class Command:
    """A command: its name, its arguments as /help shows them, and what it does."""

    name: str
    about: str
    args: str = ""
    admin: bool = False
    in_help: bool = True

    @property
    def menu_text(self) -> str:
        """Return the description Telegram's command menu shows."""
        return f"Admins: {self.about[0].lower()}{self.about[1:]}" if self.admin else self.about


COMMANDS = (
    Command("start", "What this bot does", in_help=False),
    Command("help", "What this bot does, and its commands", in_help=False),
    Command("today", "Today's passage again"),
    Command("curious", "Say what you are curious about today", "<i>text</i>"),
    Command("curiosities", "What members are curious about today"),
    Command("thread", "Reply to a message with this to see its thread"),
    Command("search", "Search this chat's conversations", "<i>words</i>"),
    Command("digest", "Today's digest so far"),
    Command("week", "This week's digest so far"),
    Command("mydigest", "The evening digest in private, at your time", "<i>on|off|HH:MM zone</i>"),
    Command("status", "Time zone, next post, and what I can see"),
    Command("privacy", "What is stored, and how to leave"),
    Command("optout", "Stop storing what you say"),
    Command("optin", "Take part again"),
    Command("forgetme", "Delete everything you said, everywhere"),
    Command("settz", "Set the time zone", "<i>Area/City</i>", admin=True),
    Command("settime", "Set the morning post time", "<i>HH:MM</i>", admin=True),
    Command("setdigest", "Set the evening digest time", "<i>HH:MM</i>", admin=True),
    Command("setweekly", "Set the weekly digest day and time", "<i>DAY HH:MM</i>", admin=True),
    Command("quietday", "On a quiet day, one line or nothing", "<i>line|silent</i>", admin=True),
    Command("pause", "Pause posts and digests", admin=True),
    Command("resume", "Resume posts and digests", admin=True),
    Command("skip", "Skip to the next passage", admin=True),
    Command("topic", "Post in this forum topic", admin=True),
    Command("export", "This chat's archive as JSON", admin=True),
    Command("purge", "Delete this chat's archive", admin=True),
)

INTRO = (
    "<b>Commons Bot</b> posts one passage of <i>Peer to Peer: The Commons Manifesto</i> "
    "each morning, beside a reader's counterpoint. Reply to it and to each other; each "
    "evening a digest gathers every thread and every curiosity of the day."
)


def render_help(commands: tuple[Command, ...] = COMMANDS) -> str:
    """Return /help: what the bot does, then every command with its arguments."""

    def line(command: Command) -> str:
        args = f" {command.args}" if command.args else ""
        return f"/{command.name}{args}: {command.about[0].lower()}{command.about[1:]}"

    members = [line(c) for c in commands if c.in_help and not c.admin]
    admins = [line(c) for c in commands if c.in_help and c.admin]
    return "\n".join([INTRO, "", *members, "", "<b>Admins</b>", *admins])


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

WELCOME = (
    "Hello! I am <b>Commons Bot</b>. Every morning at {post_time} ({timezone}) I post one "
    "passage of <i>Peer to Peer: The Commons Manifesto</i> beside a reader's blunt "
    "counterpoint. Reply to it, and to each other; at {digest_time} I post a digest of the "
    "day's threads and of what you said you are curious about (<code>/curious ...</code>), "
    "and on {weekly_day} a weekly one.\n\n"
    "Admins can set the time zone with <code>/settz Europe/Berlin</code>, the times with "
    "<code>/settime 09:00</code>, <code>/setdigest 21:00</code> and "
    "<code>/setweekly sunday 18:00</code>, and more: see /help. /privacy says what I keep."
)

PRIVACY_WARNING = (
    "⚠️ I can only see replies to my own messages here, so replies to replies will be "
    "missing from the threads. To fix it, make me an admin (no rights needed), or turn off "
    "privacy mode in @BotFather (Bot Settings → Group Privacy) and add me again."
)


def render_welcome(chat: Mapping[str, Any], sees_threads: bool) -> str:
    """Return the welcome message, with the privacy-mode warning when it applies."""
    text = WELCOME.format(
        post_time=chat["post_time"],
        digest_time=chat["digest_time"],
        timezone=chat["timezone"],
        weekly_day=WEEKDAYS[chat["weekly_day"]],
    )
    return text if sees_threads else f"{text}\n\n{PRIVACY_WARNING}"
