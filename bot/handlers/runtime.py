"""What every handler needs, reached through ``context.bot_data`` rather than globals."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import CallbackContext, ContextTypes

from bot.asyncstore import AsyncStore
from bot.config import Config
from bot.corpus import Entry

Clock = Callable[[], datetime]

ADMIN_CACHE_SECONDS = 300


def system_clock() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class Commons:
    """The bot's shared state: settings, archive, corpus, clock and a few small caches."""

    config: Config
    store: AsyncStore
    corpus: list[Entry]
    clock: Clock = system_clock
    bot_id: int = 0
    can_read_all_group_messages: bool = False
    # (chat_id, user_id) -> (is_admin, monotonic expiry): admin status is asked of Telegram
    # at most once per ADMIN_CACHE_SECONDS, not on every command.
    admin_cache: dict[tuple[int, int], tuple[bool, float]] = field(default_factory=dict)
    # chat_id -> monotonic time of a /purge request awaiting its confirmation.
    purge_requests: dict[int, float] = field(default_factory=dict)

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


Context = CallbackContext[Any, Any, Any, Any]
COMMONS_KEY = "commons"


def commons(context: Context | ContextTypes.DEFAULT_TYPE) -> Commons:
    """Return the bot's shared state from a handler's context."""
    return context.application.bot_data[COMMONS_KEY]
