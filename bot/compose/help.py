"""What the bot says about itself: the command table, /help, /privacy and the welcome.

The command table is the one source for /help and for Telegram's command menu, so the two list
the same commands in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.i18n import N_, Translator

# Where a command belongs: in groups, in the private chat each person has with the bot, or both.
Place = Literal["groups", "private", "both"]


@dataclass(frozen=True)
class Command:
    """A command: its name, its arguments as /help shows them, what it does, and where."""

    name: str
    about: str
    args: str = ""
    admin: bool = False
    in_help: bool = True
    where: Place = "groups"
    # What it does in a private chat, where that reads otherwise ("" if the same).
    private_about: str = ""

    def fits(self, private: bool) -> bool:
        """Return True if the command belongs in a private chat (or in a group)."""
        return self.where == "both" or self.where == ("private" if private else "groups")

    def about_in(self, t: Translator, private: bool) -> str:
        """Return what it does, in a private chat or in a group."""
        return t._(self.private_about or self.about) if private else t._(self.about)

    def menu_text(self, t: Translator, private: bool = False) -> str:
        """Return the description Telegram's command menu shows, in the translator's language.

        In a private chat there are no admins: the person decides.
        """
        about = self.about_in(t, private)
        if self.admin and not private:
            return t._("Admins: {what}", what=lowered(about))
        return about


def lowered(text: str) -> str:
    """Return text with its first letter in lower case, to follow a colon."""
    return f"{text[:1].lower()}{text[1:]}"


COMMANDS = (
    Command("start", N_("What this bot does"), in_help=False, where="both"),
    Command("help", N_("What this bot does, and its commands"), in_help=False, where="both"),
    Command("today", N_("Today's passage again"), where="both"),
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
        where="both",
        private_about=N_("Your groups' evening digests here, at your time"),
    ),
    Command(
        "passage",
        N_("The morning passage here too, at your time"),
        N_("<i>on|off|HH:MM zone</i>"),
        where="private",
    ),
    Command("status", N_("Time zone, next post, and what I can see")),
    Command(
        "suggest",
        N_("Suggest a passage (or reply to a message with this)"),
        N_("<i>passage // counterpoint</i>"),
    ),
    Command("counter", N_("Add the counterpoint of a suggestion"), N_("<i>N text</i>")),
    Command("upcoming", N_("What the next seven days bring"), N_("<i>[ics]</i>")),
    Command("privacy", N_("What is stored, and how to leave"), where="both"),
    Command("optout", N_("Stop storing what you say"), where="both"),
    Command("optin", N_("Take part again"), where="both"),
    Command("forgetme", N_("Delete everything you said, everywhere"), where="both"),
    Command(
        "setlang",
        N_("Set the language I speak here"),
        N_("<i>code</i>"),
        admin=True,
        where="both",
        private_about=N_("Set the language I speak to you"),
    ),
    Command("settz", N_("Set the time zone"), N_("<i>Area/City</i>"), admin=True),
    Command("settime", N_("Set the morning post time"), N_("<i>HH:MM</i>"), admin=True),
    Command("setdigest", N_("Set the evening digest time"), N_("<i>HH:MM</i>"), admin=True),
    Command(
        "setweekly", N_("Set the weekly digest day and time"), N_("<i>DAY HH:MM</i>"), admin=True
    ),
    Command(
        "quietday", N_("On a quiet day, one line or nothing"), N_("<i>line|silent</i>"), admin=True
    ),
    Command("setpoll", N_("A poll with each morning passage"), N_("<i>on|off</i>"), admin=True),
    Command("pause", N_("Pause posts and digests"), admin=True),
    Command("resume", N_("Resume posts and digests"), admin=True),
    Command(
        "skip", N_("Skip to the next passage, or skip a date"), N_("[<i>DATE</i>]"), admin=True
    ),
    Command("unskip", N_("Post on a skipped date after all"), N_("<i>DATE</i>"), admin=True),
    Command("suggestions", N_("The suggestions waiting, to approve or decline"), admin=True),
    Command("approve", N_("Approve a suggestion"), N_("<i>N</i>"), admin=True),
    Command(
        "decline",
        N_("Decline a suggestion, with a reason if you like"),
        N_("<i>N reason</i>"),
        admin=True,
    ),
    Command("topic", N_("Post in this forum topic"), admin=True),
    Command("export", N_("This chat's archive as JSON"), admin=True),
    Command("purge", N_("Delete this chat's archive"), admin=True),
    Command(
        "publish", N_("Publish this chat's archive as a website"), N_("<i>on|off</i>"), admin=True
    ),
)


def menu_of(private: bool) -> tuple[Command, ...]:
    """Return the commands Telegram's menu lists in private chats, or in groups.

    /start is left out: Telegram's own Start button sends it.
    """
    return tuple(c for c in COMMANDS if c.fits(private) and c.name != "start")


INTRO = N_(
    "<b>Commons Bot</b> posts one passage of <i>Peer to Peer: The Commons Manifesto</i> "
    "each morning, beside a reader's counterpoint. Reply to it and to each other; each "
    "evening a digest gathers every thread and every curiosity of the day."
)


def render_help(t: Translator, commands: tuple[Command, ...] = COMMANDS) -> str:
    """Return /help in a group: what the bot does, then its commands with their arguments."""
    shown = [c for c in commands if c.in_help and c.fits(private=False)]
    members = [_help_line(t, c, private=False) for c in shown if not c.admin]
    admins = [_help_line(t, c, private=False) for c in shown if c.admin]
    admins_heading = t._("Admins")
    heading = f"<b>{admins_heading}</b>"
    return "\n".join([t._(INTRO), "", *members, "", heading, *admins])


def _help_line(t: Translator, command: Command, private: bool) -> str:
    args = f" {t._(command.args)}" if command.args else ""
    return f"/{command.name}{args}: {lowered(command.about_in(t, private))}"


PRIVATE_INTRO = N_(
    "Hello! I am <b>Commons Bot</b>. In groups I post one passage of <i>Peer to Peer: The "
    "Commons Manifesto</i> each morning, and each evening a digest of what was said about it. "
    "This private chat is yours: nothing comes here unless you ask for it."
)
PRIVATE_HOW = N_(
    "To get a group's evening digest here, send <code>/mydigest on</code> in that group. "
    "For the morning passage here as well, send <code>/passage on</code> (or "
    "<code>/passage on 07:30 Europe/Lisbon</code> for your own time), and reply to it as in "
    "a group."
)
PRIVATE_ANSWER = N_(
    "Here I read commands, and keep what you write only when it answers a passage I sent you. "
    "<code>/mydigest on</code>, sent in a group, brings its evening digest here; "
    "<code>/passage on</code> brings the morning passage; /help tells the rest."
)


def render_private_help(t: Translator, commands: tuple[Command, ...] = COMMANDS) -> str:
    """Return /start and /help in a private chat: what the person can do there, and how."""
    shown = [c for c in commands if c.in_help and c.fits(private=True)]
    lines = [_help_line(t, c, private=True) for c in shown]
    return "\n".join([t._(PRIVATE_INTRO), "", *lines, "", t._(PRIVATE_HOW)])


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


REACTIONS_SEEN = N_(
    "Reactions count as taking part: the evening digest shows them, and names everyone "
    "who reacted without writing."
)
REACTIONS_UNSEEN = N_(
    "Reactions count as taking part too, but Telegram tells only admins about them: make me "
    "an admin (no rights needed) and the evening digest will show them."
)


def render_welcome(
    t: Translator, chat: Mapping[str, Any], sees_threads: bool, *, admin: bool
) -> str:
    """Return the welcome message, with what it takes to see reactions, and the privacy-mode
    warning when it applies."""
    text = t._(
        WELCOME,
        post_time=chat["post_time"],
        digest_time=chat["digest_time"],
        timezone=chat["timezone"],
        weekly_day=t.weekday(chat["weekly_day"]),
    )
    text += "\n\n" + t._(REACTIONS_SEEN if admin else REACTIONS_UNSEEN)
    return text if sees_threads else f"{text}\n\n{t._(PRIVACY_WARNING)}"
