"""The real bot against the sandbox, with a clock the test controls.

The frozen clock sits years ahead of the real one, so the JobQueue's own timers never fire
during a test; tests move the clock and call ``deliver_due`` (what the minute sweep does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Application, BaseRateLimiter

from bot.archive import Archive
from bot.core.config import Config
from bot.handlers import build_application
from bot.handlers.app import running
from bot.handlers.sweep import deliver_due
from bot.sandbox import Sandbox

Call = Callable[..., Awaitable[Any]]
Wrapper = Callable[[Call], Call]

START = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)  # a Tuesday, years ahead of any real clock
NAMES = ("Ana", "Bo", "Cy", "Dee", "Eli")  # the members of the ``world`` fixture


@dataclass
class Clock:
    """A frozen clock: ``clock()`` is now; tests set or advance it."""

    current: datetime = START

    def __call__(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def timestamp(self) -> float:
        return self.current.timestamp()


@dataclass
class BotWorld:
    """A sandbox Telegram, the real bot talking to it, and helpers to drive both."""

    sandbox: Sandbox
    clock: Clock
    db_path: Path
    app: Application | None = None
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    observer: dict[str, Any] | None = None
    observer_chat: dict[str, Any] | None = None
    rate_limiter: BaseRateLimiter | None = None  # None: the bot's own, paced as for Telegram

    @property
    def config(self) -> Config:
        return Config(
            token=self.sandbox.token, base_url=self.sandbox.base_url, db_path=self.db_path
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Application]:
        """Run the bot (post_init included) until the block ends."""
        app = build_application(self.config, clock=self.clock, rate_limiter=self.rate_limiter)
        async with running(app, poll_timeout=1) as started:
            self.app = started
            try:
                yield started
            finally:
                await self.sandbox.wait_until_consumed(timeout=5)
                self.app = None

    async def deliver_due(self) -> list[str]:
        assert self.app is not None
        return await deliver_due(self.app)

    @property
    def archive(self) -> Archive:
        assert self.app is not None
        return self.app.bot_data["commons"].archive

    async def say(self, chat: Any, who: str, text: str | None, **kwargs: Any) -> dict[str, Any]:
        """A member sends a message; returns it once the bot has handled it."""
        message = await self.sandbox.send_message(chat, self.members[who], text, **kwargs)
        await self.settle()
        return message

    async def settle(self) -> None:
        """Return once the bot has handled every update so far.

        The bot handles updates one at a time, in order, so once it has answered a command
        sent after them in a private chat, everything before it is done.
        """
        if self.observer is None:
            self.observer = await self.sandbox.create_user("Observer", "observer")
            self.observer_chat = await self.sandbox.create_private_chat(self.observer)
        before = len(self.sandbox.sent_messages(self.observer_chat))
        await self.sandbox.send_message(self.observer_chat, self.observer, "/privacy")
        await self.sandbox.wait_for_sent(self.observer_chat, before + 1, timeout=10)

    async def command(self, chat: Any, who: str, text: str, **kwargs: Any) -> str:
        """A member sends a command; returns the text of the bot's reply."""
        before = len(self.sandbox.sent_messages(chat))
        await self.sandbox.send_message(chat, self.members[who], text, **kwargs)
        sent = await self.sandbox.wait_for_sent(chat, before + 1, timeout=10)
        return sent[before]["message"]["text"]

    async def group_with_bot(
        self,
        title: str = "Readers",
        members: Sequence[str] | None = None,
        *,
        by: str = "Ana",
        admin: bool = True,
        **options: Any,
    ) -> dict[str, Any]:
        """A supergroup of these members (everyone, by default) that ``by`` adds the bot to,
        as an admin unless told otherwise; return it once the bot's welcome is out."""
        people = [self.members[name] for name in (members or self.members)]
        group = await self.sandbox.create_supergroup(title, people, **options)
        await self.sandbox.add_bot(group, by=self.members[by], admin=admin)
        await self.sandbox.wait_for_sent(group, 1)  # the welcome
        return group

    async def group_with_passage(
        self, title: str = "Readers", members: Sequence[str] | None = None, **options: Any
    ) -> dict[str, Any]:
        """As group_with_bot, with today's passage out too (the bot joined after 09:00 local,
        so the sweep sends it at once)."""
        group = await self.group_with_bot(title, members, **options)
        await self.deliver_due()
        await self.sandbox.wait_for_sent(group, 2)
        return group

    def passage_post(self, group: Any) -> dict[str, Any]:
        """Return the group's morning post as sent (not a digest, which quotes it too)."""
        return next(s for s in self.sent(group) if "in the margin" in (s["message"]["text"] or ""))

    def sent(self, chat: Any) -> list[dict[str, Any]]:
        return self.sandbox.sent_messages(chat)

    def sent_texts(self, chat: Any) -> list[str]:
        return [s["message"].get("text") or "" for s in self.sent(chat)]


async def make_world(sandbox_factory: Any, tmp_path: Path, names: tuple[str, ...]) -> BotWorld:
    """Start a sandbox on the frozen clock and create the named members."""
    clock = Clock()
    sandbox = await sandbox_factory(clock=clock.timestamp)
    world = BotWorld(sandbox=sandbox, clock=clock, db_path=tmp_path / "commons.db")
    for name in names:
        world.members[name] = await sandbox.create_user(name, name.lower())
    return world


def intercept(archive: Archive, fn: Callable[..., Any], wrap: Wrapper) -> None:
    """Route the archive's calls of ``fn`` through ``wrap`` (a fault a test injects).

    ``wrap`` takes the call as it would run, ``await call(*args, **kwargs)``, and returns its
    stand-in; every other call runs as before. Intercepts stack: the newest wraps the rest.
    """
    run = archive.run

    async def call(*args: Any, **kwargs: Any) -> Any:
        return await run(fn, *args, **kwargs)

    wrapped = wrap(call)

    async def routed(called: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if called is fn:
            return await wrapped(*args, **kwargs)
        return await run(called, *args, **kwargs)

    archive.run = routed  # type: ignore[method-assign]
