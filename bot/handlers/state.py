"""What every handler needs, reached one way: ``context.commons`` (PTB's typed ContextTypes).

The bot's shared state (settings, archive, corpus, clock, small caches) lives in one
``Commons`` object in ``bot_data``; ``Context`` is the CallbackContext every handler and job
receives, with a typed ``commons`` property, as in PTB's ``examples/contexttypesbot.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.archive import Archive
from bot.archive.rows import Chat
from bot.core.config import Config
from bot.core.corpus import Entry
from bot.core.text import POST_KINDS
from bot.handlers.inbox import Inbox

Clock = Callable[[], datetime]

ADMIN_CACHE_SECONDS = 300
COMMONS_KEY = "commons"


def system_clock() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def _no_reschedule(_: Chat) -> None:
    raise RuntimeError("the schedule is not wired yet: build the app with build_application")


@dataclass
class Commons:
    """The bot's shared state: settings, archive, corpus, clock and a few small caches."""

    config: Config
    archive: Archive
    corpus: list[Entry]
    clock: Clock
    inbox: Inbox
    bot_id: int = 0
    can_read_all_group_messages: bool = False
    # Rebuilds a chat's jobs. The schedule (``sweep``) sits above the outbox, which needs this
    # when a send finds that its group became a supergroup; build_application plugs it in.
    reschedule: Callable[[Chat], None] = _no_reschedule
    # (chat_id, user_id) -> (is_admin, monotonic expiry): admin status is asked of Telegram
    # at most once per ADMIN_CACHE_SECONDS, not on every command, and asked again as soon as
    # Telegram says the person's status changed (forget_admin).
    admin_cache: dict[tuple[int, int], tuple[bool, float]] = field(default_factory=dict)
    # chat_id -> monotonic time of a /purge request awaiting its confirmation.
    purge_requests: dict[int, float] = field(default_factory=dict)
    # (chat_id, user_id) already told how to join after answering a bot message off-thread.
    told_how_to_join: set[tuple[int, int | None]] = field(default_factory=set)
    # One backup at a time: the start-up catch-up and the minute's sweep may both find the
    # day's backup due, and two copies into one file would leave it damaged.
    backing_up: asyncio.Lock = field(default_factory=asyncio.Lock)

    def now(self) -> datetime:
        """Return the bot's idea of now (a frozen clock in tests)."""
        return self.clock()

    def timestamp(self) -> int:
        """Return now as unix seconds."""
        return int(self.clock().timestamp())

    def cached_admin(self, chat_id: int, user_id: int) -> bool | None:
        """Return a still-fresh cached admin status, or None."""
        hit = self.admin_cache.get((chat_id, user_id))
        if hit and hit[1] > time.monotonic():
            return hit[0]
        return None

    def remember_admin(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        """Cache an admin status for a few minutes."""
        expiry = time.monotonic() + ADMIN_CACHE_SECONDS
        self.admin_cache[(chat_id, user_id)] = (is_admin, expiry)

    def forget_admin(self, chat_id: int, user_id: int) -> None:
        """Drop a cached admin status, so the next admin command asks Telegram again."""
        self.admin_cache.pop((chat_id, user_id), None)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context of every handler and job, with the bot's shared state on it."""

    @property
    def commons(self) -> Commons:
        """Return the bot's shared state."""
        commons: Commons = self.application.bot_data[COMMONS_KEY]
        return commons


CONTEXT_TYPES = ContextTypes(context=Context)
# PTB's Application is generic in six types that the handlers never use; its jobs and
# handlers get a Context all the same.
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def commons_of(app: App) -> Commons:
    """Return the bot's shared state from the application (for jobs and start-up hooks)."""
    commons: Commons = app.bot_data[COMMONS_KEY]
    return commons


def jobs(app: App) -> JobQueue[Any]:
    """Return the application's JobQueue (installed with the job-queue extra)."""
    if app.job_queue is None:
        raise RuntimeError('no JobQueue: install "python-telegram-bot[job-queue]"')
    return app.job_queue


def job_id(chat_id: int, kind: str) -> str:
    """Return the JobQueue id of a chat's job of one kind."""
    return f"{kind}:{chat_id}"


def unschedule_chat(app: App, chat_id: int) -> None:
    """Remove every job of a chat."""
    for kind in POST_KINDS:
        job = jobs(app).scheduler.get_job(job_id(chat_id, kind))
        if job is not None:
            job.remove()
