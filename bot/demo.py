"""``python -m bot demo``: a scripted day and week in a sandbox group, told in the terminal.

The real bot runs against the sandbox, on a clock the script moves: the bot joins, posts the
morning passage, five members reply (three levels deep), say what they are curious about, one
edits a reply, and the evening digest arrives; then a compressed week ends in the weekly digest.
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.compose.digest.render import render_plain
from bot.config import Config
from bot.handlers import build_application
from bot.handlers.app import polite_rate_limiter, running
from bot.handlers.sweep import deliver_due
from bot.sandbox import Limits, Sandbox

Echo = Callable[[str], None]
NAMES = ("Ana", "Bo", "Cy", "Dee", "Eli")
WIDTH = 92


@dataclass
class Script:
    """The demo's world: the sandbox, the clock the bot reads, and what was already printed."""

    sandbox: Sandbox
    echo: Echo
    now: datetime
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    chat: dict[str, Any] = field(default_factory=dict)
    shown: int = 0
    app: Any = None
    narrator: dict[str, Any] = field(default_factory=dict)
    narrator_chat: dict[str, Any] = field(default_factory=dict)

    def clock(self) -> datetime:
        return self.now

    async def at(self, day: date, hhmm: str) -> None:
        """Move the clock to a local (UTC) time and let the bot do what is due."""
        hour, minute = map(int, hhmm.split(":"))
        self.now = datetime.combine(day, time(hour, minute), tzinfo=UTC)
        await deliver_due(self.app)
        await self.settle()

    async def say(self, who: str, text: str, reply_to: int | None = None) -> int:
        """A member says something (a reply when ``reply_to`` is given); returns its id."""
        message = await self.sandbox.send_message(
            self.chat, self.members[who], text, reply_to=reply_to
        )
        self.now += timedelta(minutes=7)
        await self.settle()
        return int(message["message_id"])

    async def settle(self) -> None:
        """Wait until the bot has handled everything so far, then print what is new.

        The bot handles updates one at a time, in order: once it has answered a command sent
        after them in the narrator's private chat, everything before it is done.
        """
        if not self.narrator:
            self.narrator = await self.sandbox.create_user("Narrator")
            self.narrator_chat = await self.sandbox.create_private_chat(self.narrator)
        before = len(self.sandbox.sent_messages(self.narrator_chat))
        await self.sandbox.send_message(self.narrator_chat, self.narrator, "/privacy")
        await self.sandbox.wait_for_sent(self.narrator_chat, before + 1, timeout=10)
        self.print_new()

    def last_post(self) -> int:
        """Return the id of the bot's latest morning post."""
        sent = self.sandbox.sent_messages(self.chat)
        return next(
            int(s["message_id"]) for s in reversed(sent) if "Counterpoint" in (s["text"] or "")
        )

    def print_new(self) -> None:
        """Print the chat's messages since the last call, as a transcript."""
        messages = self.sandbox.messages(self.chat)
        html = {s["message_id"]: s["text"] for s in self.sandbox.sent_messages(self.chat)}
        for message in messages[self.shown :]:
            if "text" in message or "caption" in message or "sticker" in message:
                self.echo(format_message(message, html.get(message["message_id"])))
        self.shown = len(messages)


def format_message(message: dict[str, Any], html: str | None) -> str:
    """Return one transcript entry: time, author, what it answers, and the text."""
    when = datetime.fromtimestamp(message["date"], UTC).strftime("%a %H:%M")
    author = message.get("from", {}).get("first_name", "?")
    reply = message.get("reply_to_message")
    head = f"[{when}] {author}"
    if reply:
        head += f"  ↳ replying to {reply.get('from', {}).get('first_name', '?')}"
    if html:
        body = render_plain([html])
    else:
        body = (
            message.get("text")
            or message.get("caption")
            or message.get("sticker", {}).get("emoji", "")
        )
    return f"{head}\n{_indent(body)}\n"


def _indent(text: str) -> str:
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        wrapped = textwrap.wrap(line, WIDTH - 4, replace_whitespace=False) or [""]
        lines.extend("    " + part for part in wrapped)
    return "\n".join(lines)


def next_monday(today: date) -> date:
    """Return the Monday after ``today`` (the demo's week runs Monday to Sunday)."""
    return today + timedelta(days=7 - today.weekday())


async def run_demo(*, db_path: Path | None = None, days: int = 7, echo: Echo = print) -> int:
    """Play the demo and print its transcript; return the exit code."""
    with tempfile.TemporaryDirectory() as scratch:
        path = db_path or Path(scratch) / "demo.db"
        # A week ahead of the real clock, so the JobQueue's own timers stay out of the way.
        monday = next_monday(datetime.now(UTC).date() + timedelta(days=1))
        start = datetime.combine(monday, time(8, 0), tzinfo=UTC)
        # The story runs in seconds on a clock of its own, so the sandbox's flood control (which
        # counts real seconds) is off; the bot's own pacing still applies.
        sandbox = Sandbox(clock=lambda: script.now.timestamp(), limits=Limits.off())
        script = Script(sandbox=sandbox, echo=echo, now=start)
        await script.sandbox.start()
        try:
            config = Config(
                token=script.sandbox.token, base_url=script.sandbox.base_url, db_path=path
            )
            # A week in seconds: pace overall as usual, but not per group per real minute.
            limiter = polite_rate_limiter(per_group_per_minute=0)
            app = build_application(config, clock=script.clock, rate_limiter=limiter)
            async with running(app, poll_timeout=1) as started:
                script.app = started
                await play(script, monday, days)
        finally:
            await script.sandbox.stop()
    return 0


async def play(script: Script, monday: date, days: int) -> None:
    """The whole story: one full day, then a compressed rest of the week."""
    await cast(script)
    await first_day(script, monday)
    for offset in range(1, days):
        await quick_day(script, monday + timedelta(days=offset), offset)
    script.echo(rule("The end: the bot keeps going, one conversation a day."))


async def cast(script: Script) -> None:
    """Five members make a group, and Ana adds the bot as an admin."""
    sandbox = script.sandbox
    for name in NAMES:
        script.members[name] = await sandbox.create_user(name, name.lower())
    members = [script.members[n] for n in NAMES]
    script.chat = await sandbox.create_supergroup("Commons Reading Group", members)
    script.echo(rule("Monday morning: Ana adds Commons Bot to the reading group"))
    await sandbox.add_bot(script.chat, by=script.members["Ana"], admin=True)
    await sandbox.wait_for_sent(script.chat, 1)
    await script.settle()


async def first_day(script: Script, day: date) -> None:
    """A full day: post, replies three deep, curiosities, an edit, the digest."""
    script.echo(rule("09:00: the morning post"))
    await script.at(day, "09:00")
    post = script.last_post()
    script.echo(rule("The conversation"))
    ana = await script.say("Ana", "If reciprocity is a killer, what keeps a commons going?", post)
    bo = await script.say("Bo", "Care, maybe. Nobody counts who fed the cat.", ana)
    await script.say("Cy", "But someone notices when nobody does. Is noticing measuring?", bo)
    dee = await script.say("Dee", "I like 'cure ios city' more than 'productivity'.", post)
    await script.say("Ana", "/curious how does a group share without keeping score?")
    await script.say("Eli", "/curious can reciprocity exist between strangers?")
    await script.say("Bo", "/curious what do people crave when they are free as the day?")
    await script.say("Dee", "/curious is keeping score the opposite of sharing?")
    script.echo(rule("Dee edits her reply"))
    edited = "I like 'cure ios city' far more than 'productivity'."
    await script.sandbox.edit_message(script.chat, dee, edited)
    script.echo(f"[{script.now:%a %H:%M}] Dee (edited)\n{_indent(edited)}\n")
    await script.settle()
    script.echo(rule("21:00: the evening digest"))
    await script.at(day, "21:00")


WEEK = (
    ("This one sits uneasily with me: who decides what counts as a contribution?",
     "Nobody, ideally. The moment someone decides, it is a job again.",
     "/curious what would a day without money look like?"),
    ("Infrastructure first, then people? I would turn that around.",
     "Agreed: a conversation is infrastructure too.",
     "/curious can a conversation be infrastructure?"),
    ("Property feels like the wrong word for anything shared.",
     "Stewardship, maybe. Or just care.",
     "/curious what is the difference between stewardship and ownership?"),
    ("Generative towards people and nature: what would that look like in our street?",
     "A tool library, a seed swap, a shared kitchen.",
     "/curious how does a seed library work?"),
    ("Behind those computers are human users, and most of them are tired.",
     "Free as the day would change that.",
     "/curious what do people do when nobody tells them what to do?"),
    ("If the allocation is between the individual and the resource, who keeps the list?",
     "Maybe nobody needs a list if there is enough listening.",
     "/curious can listening replace accounting?"),
)  # fmt: skip


async def quick_day(script: Script, day: date, offset: int) -> None:
    """A compressed day: the post, a reply and an answer, a curiosity, the digest."""
    script.echo(rule(f"{day:%A}"))
    await script.at(day, "09:00")
    opening, answer, curiosity = WEEK[(offset - 1) % len(WEEK)]
    speaker, answerer = NAMES[offset % 5], NAMES[(offset + 2) % 5]
    first = await script.say(speaker, opening, script.last_post())
    await script.say(answerer, answer, first)
    await script.say(NAMES[(offset + 1) % 5], curiosity)
    if day.weekday() == 6:
        script.echo(rule(f"{day:%A} 18:00: the weekly digest"))
        await script.at(day, "18:00")
        script.echo(rule(f"{day:%A} 21:00: the evening digest"))
    await script.at(day, "21:00")


def rule(title: str) -> str:
    """Return a section heading for the transcript."""
    return f"\n{'═' * 4} {title} {'═' * max(4, WIDTH - len(title) - 6)}\n"
