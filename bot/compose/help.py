"""What the bot says about itself: the command table, /help, /privacy and the welcome.

The command table is the one source for /help and for Telegram's command menu, so the two list
the same commands in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import N_, Translator


@dataclass(frozen=True)
class Command:
    """A command: its name, its arguments as /help shows them, and what it does."""

    name: str
    about: str
    args: str = ""
    admin: bool = False
    in_help: bool = True

    def menu_text(self, t: Translator) -> str:
        """Return the description Telegram's command menu shows, in the translator's language."""
        about = t._(self.about)
        return t._("Admins: {what}", what=lowered(about)) if self.admin else about


def lowered(text: str) -> str:
    """Return text with its first letter in lower case, to follow a colon."""
    return f"{text[:1].lower()}{text[1:]}"


COMMANDS = (
    Command("start", N_("What this bot does"), in_help=False),
    Command("help", N_("What this bot does, and its commands"), in_help=False),
    Command("today", N_("Today's passage again")),
    Command("curious", N_("Say what you are curious about today"), N_("<i>text</i>")),
    Command("curiosities", N_("What members are curious about today")),
    Command("thread", N_("Reply to a message with this to see its thread")),
    Command("search", N_("Search this chat's conversations"), N_("<i>words</i>")),
    Command("digest", N_("Today's digest so far")),
    Command("week", N_("This week's digest so far")),
    Command(
        "mydigest",
        N_("The evening digest in private, at your time"),
        N_("<i>on|off|HH:MM zone</i>"),
    ),
    Command("status", N_("Time zone, next post, and what I can see")),
    Command("privacy", N_("What is stored, and how to leave")),
    Command("optout", N_("Stop storing what you say")),
    Command("optin", N_("Take part again")),
    Command("forgetme", N_("Delete everything you said, everywhere")),
    Command("setlang", N_("Set the language I speak here"), N_("<i>code</i>"), admin=True),
    Command("settz", N_("Set the time zone"), N_("<i>Area/City</i>"), admin=True),
    Command("settime", N_("Set the morning post time"), N_("<i>HH:MM</i>"), admin=True),
    Command("setdigest", N_("Set the evening digest time"), N_("<i>HH:MM</i>"), admin=True),
    Command(
        "setweekly", N_("Set the weekly digest day and time"), N_("<i>DAY HH:MM</i>"), admin=True
    ),
    Command(
        "quietday", N_("On a quiet day, one line or nothing"), N_("<i>line|silent</i>"), admin=True
    ),
    Command("pause", N_("Pause posts and digests"), admin=True),
    Command("resume", N_("Resume posts and digests"), admin=True),
    Command("skip", N_("Skip to the next passage"), admin=True),
    Command("topic", N_("Post in this forum topic"), admin=True),
    Command("export", N_("This chat's archive as JSON"), admin=True),
    Command("purge", N_("Delete this chat's archive"), admin=True),
)

INTRO = N_(
    "<b>Commons Bot</b> posts one passage of <i>Peer to Peer: The Commons Manifesto</i> "
    "each morning, beside a reader's counterpoint. Reply to it and to each other; each "
    "evening a digest gathers every thread and every curiosity of the day."
)


def render_help(t: Translator, commands: tuple[Command, ...] = COMMANDS) -> str:
    """Return /help: what the bot does, then every command with its arguments."""

    def line(command: Command) -> str:
        args = f" {t._(command.args)}" if command.args else ""
        return f"/{command.name}{args}: {lowered(t._(command.about))}"

    members = [line(c) for c in commands if c.in_help and not c.admin]
    admins = [line(c) for c in commands if c.in_help and c.admin]
    admins_heading = t._("Admins")
    heading = f"<b>{admins_heading}</b>"
    return "\n".join([t._(INTRO), "", *members, "", heading, *admins])


PRIVACY = N_(
    "<b>What I keep</b>: replies to my posts (and replies to those replies), what you tell "
    "me with /curious or #curious, your first name and username. Nothing else said in this "
    "group is stored. Digests name people by first name and never @-mention anyone; "
    "nobody is ranked or counted.\n\n"
    "/optout: nothing you say is kept from now on.\n"
    "/forgetme: delete everything you said, in every chat, and stop keeping anything.\n"
    "/optin: take part again.\n"
    "Admins can /export this chat's archive (I send it to them in private); its creator, or "
    "an admin allowed to delete messages, can /purge it."
)

PURGE_WARNING = N_(
    "This deletes this chat's whole archive: every stored reply, curiosity and post record. "
    "It cannot be undone. To go ahead, send <code>/purge confirm</code> within two minutes."
)

SEARCH_USAGE = N_(
    "Usage: <code>/search words</code>, for example <code>/search reciprocity</code>."
)

WELCOME = N_(
    "Hello! I am <b>Commons Bot</b>. Every morning at {post_time} ({timezone}) I post one "
    "passage of <i>Peer to Peer: The Commons Manifesto</i> beside a reader's blunt "
    "counterpoint. Reply to it, and to each other; at {digest_time} I post a digest of the "
    "day's threads and of what you said you are curious about (<code>/curious ...</code>), "
    "and on {weekly_day} a weekly one.\n\n"
    "Admins can set the time zone with <code>/settz Europe/Berlin</code>, the times with "
    "<code>/settime 09:00</code>, <code>/setdigest 21:00</code> and "
    "<code>/setweekly sunday 18:00</code>, and more: see /help. /privacy says what I keep."
)

PRIVACY_WARNING = N_(
    "⚠️ I can only see replies to my own messages here, so replies to replies will be "
    "missing from the threads. To fix it, make me an admin (no rights needed), or turn off "
    "privacy mode in @BotFather (Bot Settings → Group Privacy) and add me again."
)


def render_welcome(t: Translator, chat: Mapping[str, Any], sees_threads: bool) -> str:
    """Return the welcome message, with the privacy-mode warning when it applies."""
    text = t._(
        WELCOME,
        post_time=chat["post_time"],
        digest_time=chat["digest_time"],
        timezone=chat["timezone"],
        weekly_day=t.weekday(chat["weekly_day"]),
    )
    return text if sees_threads else f"{text}\n\n{t._(PRIVACY_WARNING)}"
