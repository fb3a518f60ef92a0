"""The bot's rate limiter: Telegram's limits kept per chat, and a 429 holds up only its chat.

PTB's ``AIORateLimiter`` pauses every request of the bot for ``retry_after`` after a 429 from
any chat, so one group over its limit would hold up the morning posts of all the others. This
one keeps Telegram's limits itself (overall, per group, per chat), so a 429 is rare, and when
one comes it pauses that chat alone and tries the request again after its ``retry_after``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

# Telegram's numbers (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)
# with room to spare overall: 30 messages a second, 20 a minute in a group, about one a second
# in a chat, where a short burst passes (the sandbox models it as five in five seconds).
PER_SECOND = 29.0
PER_GROUP_PER_MINUTE = 20
PER_CHAT_PER_SECOND = 1.0
PER_CHAT_BURST = 5
MAX_RETRIES = 3
# After a chat's retry_after, a little more, as PTB does: Telegram counts from its own clock.
RETRY_MARGIN_SECONDS = 0.1
# A message leaves a chat's window this much later than its own time: Telegram counts when a
# message arrives, a moment after it is sent, and the moment varies.
WINDOW_MARGIN_SECONDS = 0.1
# Chats with nothing in flight or in their windows are forgotten once this many are known.
KEEP_CHATS = 512

Result = bool | dict[str, Any] | list[dict[str, Any]]


class Window:
    """At most ``capacity`` events in any ``seconds``-long sliding window (as Telegram counts)."""

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = capacity
        self.seconds = seconds + WINDOW_MARGIN_SECONDS
        self.times: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        """Return how long until one more event fits (0: now)."""
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return 0.0
        return self.times[0] + self.seconds - now

    def add(self, now: float) -> None:
        self.times.append(now)


@dataclass
class ChatPace:
    """One chat's windows, the end of its pause after a 429, and the turn its requests take."""

    windows: list[Window]
    paused_until: float = 0.0
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wait_needed(self, now: float) -> float:
        return max(self.paused_until - now, *(w.wait_needed(now) for w in self.windows), 0.0)

    def idle(self, now: float) -> bool:
        return not self.turn.locked() and self.wait_needed(now) == 0


class ChatRateLimiter(BaseRateLimiter[int]):
    """Paces requests evenly overall, keeps each group's and each chat's limit, and on a 429
    pauses only the chat it came from, then sends again (up to ``max_retries`` times).

    A chat's messages go one at a time, in the order they were made. Other requests naming a
    chat (looking it up, editing, deleting) are only paced overall, and requests that name no
    chat (getMe, setMyCommands...) not at all, as with PTB's limiter. A rate or burst of 0 turns
    that limit off.
    """

    def __init__(
        self,
        per_second: float = PER_SECOND,
        per_group_per_minute: int = PER_GROUP_PER_MINUTE,
        per_chat_per_second: float = PER_CHAT_PER_SECOND,
        per_chat_burst: int = PER_CHAT_BURST,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self._gap = 1 / per_second if per_second else 0.0
        self._next_slot = 0.0
        self._per_group_per_minute = per_group_per_minute
        self._per_chat = (per_chat_burst, per_chat_burst / per_chat_per_second) if (
            per_chat_per_second and per_chat_burst
        ) else None  # fmt: skip
        self._max_retries = max_retries
        self._chats: dict[int | str, ChatPace] = {}
        self._forget_at = KEEP_CHATS

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Forget every chat's pace."""
        self._chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send when the chat's limits and the overall pace allow; after a 429, pause that chat
        for its retry_after and send again."""
        chat_id = chat_of(data)
        if chat_id is None:
            return await callback(*args, **kwargs)
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        if not is_message(endpoint):
            # Looking a chat up, editing, deleting: paced overall, but no message for the
            # chat's limits and no place in its line of messages.
            return await self._send(ChatPace([]), retries, callback, args, kwargs, endpoint)
        chat = self._pace_of(chat_id)
        async with chat.turn:
            return await self._send(chat, retries, callback, args, kwargs, endpoint)

    async def _send(
        self,
        chat: ChatPace,
        retries: int,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
    ) -> Result:
        for attempt in range(retries + 1):
            await self._wait_for_turn(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                pause = seconds_of(error.retry_after) + RETRY_MARGIN_SECONDS
                logger.info("a chat over its limit: %s again in %.1f s", endpoint, pause)
                chat.paused_until = asyncio.get_running_loop().time() + pause
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_for_turn(self, chat: ChatPace) -> None:
        """Wait until the chat may be sent to, then for the next overall slot; count the send."""
        loop = asyncio.get_running_loop()
        while (wait := chat.wait_needed(loop.time())) > 0:
            await asyncio.sleep(wait)
        now = loop.time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._gap
        for window in chat.windows:
            window.add(slot)
        if slot > now:
            await asyncio.sleep(slot - now)

    def _pace_of(self, chat_id: int | str) -> ChatPace:
        if chat_id not in self._chats:
            if len(self._chats) >= self._forget_at:
                self._forget_idle_chats()
                # Looked over again only once as many more are known: a morning's fan-out to
                # thousands of chats, all busy for their minute, is not walked at every chat.
                self._forget_at = max(KEEP_CHATS, 2 * len(self._chats))
            windows = []
            if self._per_chat is not None:
                windows.append(Window(*self._per_chat))
            if self._per_group_per_minute and is_group(chat_id):
                windows.append(Window(self._per_group_per_minute, 60.0))
            self._chats[chat_id] = ChatPace(windows)
        return self._chats[chat_id]

    def _forget_idle_chats(self) -> None:
        now = asyncio.get_running_loop().time()
        for chat_id in [c for c, pace in self._chats.items() if pace.idle(now)]:
            del self._chats[chat_id]


def chat_of(data: dict[str, Any]) -> int | str | None:
    """Return the chat a request goes to (an id, or an @username), or None."""
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)
    return str(chat_id)


def is_message(endpoint: str) -> bool:
    """Return True for the requests Telegram counts against a chat's limits: new messages."""
    name = endpoint.lower()
    return name.startswith(("send", "copymessage", "forwardmessage")) and name != "sendchataction"


def is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids (or are named by @username)."""
    return isinstance(chat_id, str) or chat_id < 0


def seconds_of(retry_after: int | timedelta) -> float:
    """Return a RetryAfter's wait in seconds (PTB gives an int or a timedelta)."""
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
