"""``python -m bot demo``: a scripted day and week in a sandbox group, told in the terminal.

The real bot runs against the sandbox, on a clock the script moves: the bot joins, posts the
morning passage, five members reply (three levels deep), say what they are curious about, one
edits a reply, and the evening digest arrives; then a compressed week ends in the weekly digest.
Each day's conversation is the one scripted for the passage the bot posted that day
(``bot.demo.talks``), so the replies always answer the passage above them. On Tuesday evening
a member suggests a passage and an admin approves it with the queue's button: it is posted on
Wednesday morning, before the book goes on.
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.archive import agenda
from bot.archive.store import Store
from bot.compose.digest.render import render_plain
from bot.compose.passage import HEADER_PREFIX
from bot.core.config import Config
from bot.core.corpus import corpus_language
from bot.demo.talks import TALKS, Talk, talk_about
from bot.handlers import build_application
from bot.handlers.app import polite_rate_limiter, running
from bot.handlers.state import commons_of
from bot.handlers.sweep import deliver_due
from bot.i18n import DEFAULT_LANGUAGE
from bot.sandbox import Limits, Sandbox

Echo = Callable[[str], None]
NAMES = ("Ana", "Bo", "Cy", "Dee", "Eli")
WIDTH = 92
WEEKLY_TIME = "21:30"
REACTIONS = ("👍", "❤", "🤔", "🙏", "👏")


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

    async def todays_talk(self, day: date) -> Talk:
        """Return the conversation scripted for the passage posted on ``day``."""
        state = commons_of(self.app)
        post = await state.archive.run(Store.get_post, self.chat["id"], day.isoformat(), "passage")
        assert post is not None
        entry = await state.archive.read(
            agenda.passage_entry, self.chat["id"], post["passage_id"], state.corpus
        )
        assert entry is not None
        return TALKS.get(entry.id) or talk_about(entry)

    def last_post(self) -> int:
        """Return the id of the bot's latest morning post."""
        sent = self.sandbox.sent_messages(self.chat)
        posts = [s for s in sent if (s["text"] or "").startswith(f"<b>{HEADER_PREFIX}")]
        return int(posts[-1]["message_id"])

    def todays_poll(self) -> int | None:
        """Return the message id of the day's poll, if the bot sent one after its passage."""
        sent = self.sandbox.sent_messages(self.chat)
        after = [s for s in sent if s["message_id"] > self.last_post()]
        return next((int(s["message_id"]) for s in after if "poll" in s["message"]), None)

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


async def run_demo(
    *,
    db_path: Path | None = None,
    days: int = 7,
    echo: Echo = print,
    corpus_path: Path | None = None,
) -> int:
    """Play the demo and print its transcript; return the exit code.

    The bot speaks the corpus's language (default: the bundled corpus, in English).
    """
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
                token=script.sandbox.token,
                base_url=script.sandbox.base_url,
                db_path=path,
                corpus_path=corpus_path,
            )
            # A week in seconds: pace overall as usual, but not per group per real minute.
            limiter = polite_rate_limiter(per_group_per_minute=0, per_chat_per_second=0)
            app = build_application(config, clock=script.clock, rate_limiter=limiter)
            async with running(app, poll_timeout=1) as started:
                script.app = started
                await play(script, monday, days)
        finally:
            await script.sandbox.stop()
    return 0


async def play(script: Script, monday: date, days: int) -> None:
    """The whole story: one full day, a compressed rest of the week, then the weekly digest."""
    await cast(script)
    await first_day(script, monday)
    for offset in range(1, days):
        await quick_day(script, monday + timedelta(days=offset))
        if offset == 1:
            await suggestion_approved(script)
    script.echo(rule("The end: the bot keeps going, one conversation a day."))


async def cast(script: Script) -> None:
    """Five members make a group; Ana adds the bot as an admin and sets the weekly digest."""
    sandbox = script.sandbox
    # The members use Telegram in the corpus's language, so the bot speaks it to them.
    corpus_path = commons_of(script.app).config.corpus_path
    language = corpus_language(corpus_path) or DEFAULT_LANGUAGE
    for name in NAMES:
        script.members[name] = await sandbox.create_user(
            name, name.lower(), language_code=language
        )
    members = [script.members[n] for n in NAMES]
    script.chat = await sandbox.create_supergroup("Commons Reading Group", members)
    script.echo(rule("Monday morning: Ana adds Commons Bot to the reading group"))
    await sandbox.add_bot(script.chat, by=script.members["Ana"], admin=True)
    await sandbox.wait_for_sent(script.chat, 1)
    await script.settle()
    # Late on Sunday, after the last evening digest, so the week ends with its weekly digest.
    await script.say("Ana", f"/setweekly sunday {WEEKLY_TIME}")
    # And a poll with each morning passage: where does each member stand today?
    await script.say("Ana", "/setpoll on")


async def first_day(script: Script, day: date) -> None:
    """A full day: post, replies three deep, curiosities, an edit, the digest."""
    script.echo(rule("09:00: the morning post"))
    await script.at(day, "09:00")
    talk = await script.todays_talk(day)
    script.echo(rule("The conversation"))
    ids = await tell(script, talk)
    if talk.edit is not None:
        index, edited = talk.edit
        who = talk.replies[index][0]
        script.echo(rule(f"{who} edits a reply"))
        await script.sandbox.edit_message(script.chat, ids[index], edited)
        script.echo(f"[{script.now:%a %H:%M}] {who} (edited)\n{_indent(edited)}\n")
        await script.settle()
    script.echo(rule("21:00: the evening digest"))
    await script.at(day, "21:00")


async def quick_day(script: Script, day: date) -> None:
    """A compressed day: the post, its conversation, the digest (and on Sunday, the week's)."""
    script.echo(rule(f"{day:%A}"))
    await script.at(day, "09:00")
    await tell(script, await script.todays_talk(day))
    script.echo(rule(f"{day:%A} 21:00: the evening digest"))
    await script.at(day, "21:00")
    if day.weekday() == 6:
        script.echo(rule(f"{day:%A} {WEEKLY_TIME}: the weekly digest"))
        await script.at(day, WEEKLY_TIME)


SUGGESTION = (
    "/suggest A commons is not a thing but a practice: a resource, the people who share it, "
    "and the rules they make together. // and who enforces the rules when a neighbour cheats?"
)


async def suggestion_approved(script: Script) -> None:
    """Cy suggests a passage; Ana opens the queue and presses Approve; all see what is coming.

    It is posted the next morning, before the book goes on.
    """
    script.echo(rule("Late evening: Cy suggests a passage, Ana approves it"))
    await script.say("Cy", SUGGESTION)
    await script.say("Ana", "/suggestions")
    queue = next(
        s for s in reversed(script.sandbox.sent_messages(script.chat)) if s["reply_markup"]
    )
    rows = queue["reply_markup"]["inline_keyboard"]
    await script.sandbox.click_button(
        script.chat, script.members["Ana"], queue["message_id"], rows[0][0]["callback_data"]
    )
    await script.settle()
    script.echo(f"(Ana pressed “{rows[0][0]['text']}”)\n")
    await script.say("Dee", "/upcoming")


async def tell(script: Script, talk: Talk) -> list[int]:
    """Play a day's replies (each under the post or an earlier reply), then its curiosities."""
    post = script.last_post()
    ids: list[int] = []
    for who, text, answers in talk.replies:
        ids.append(await script.say(who, text, post if answers is None else ids[answers]))
    for who, text in talk.curiosities:
        await script.say(who, f"/curious {text}")
    await without_words(script, talk, post, ids)
    return ids


async def without_words(script: Script, talk: Talk, post: int, ids: list[int]) -> None:
    """Those who wrote nothing today react to the passage; everyone votes in the poll; the
    first reply gets a 🔥. The choices turn with the days, so no two days look alike."""
    writers = {who for who, _, _ in talk.replies} | {who for who, _ in talk.curiosities}
    day = script.now.toordinal()
    for number, name in enumerate(NAMES):
        member = script.members[name]
        if name not in writers:
            emoji = REACTIONS[(day + number) % len(REACTIONS)]
            await script.sandbox.react(script.chat, member, post, [emoji])
        poll = script.todays_poll()
        if poll is not None:
            await script.sandbox.vote(script.chat, member, poll, [(day + number) % 4])
    if ids:
        await script.sandbox.react(
            script.chat, script.members[NAMES[day % len(NAMES)]], ids[0], ["🔥"]
        )
    await script.settle()


def rule(title: str) -> str:
    """Return a section heading for the transcript."""
    return f"\n{'═' * 4} {title} {'═' * max(4, WIDTH - len(title) - 6)}\n"
