"""Telegram's refusals: error answers with its exact wording, and flood control."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.sandbox.markup import utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code", "description", "parameters"?}``."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """Return a 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """Return a 403 with Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """Return the 429 flood-control answer with ``parameters.retry_after``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def chat_migrated(new_chat_id: int) -> ApiError:
    """Return the answer for a group that became a supergroup."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


def check_text_length(text: str, *, caption: bool = False) -> None:
    """Refuse text over Telegram's limit, counted in UTF-16 code units after entity parsing.

    The unit of entity offsets is the unit of the limit too: 2,048 emoji of the astral plane
    (two units each) fill a message, and one more character is refused.
    """
    units = utf16_len(text)
    if caption and units > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    if not caption and units > TEXT_LIMIT:
        raise bad_request("message is too long")


@dataclass(frozen=True)
class Limits:
    """Flood-control limits; ``scaled(10)`` lets a benchmark send ten times as fast."""

    per_chat_per_second: float = 1.0
    # Telegram lets a chat take a short burst before the 1/s pace: at most this many messages
    # in any window of per_chat_burst / per_chat_per_second seconds.
    per_chat_burst: int = 5
    per_group_per_minute: int = 20
    global_per_second: int = 30
    enabled: bool = True

    def scaled(self, factor: float) -> Limits:
        """Return these limits with every rate multiplied by ``factor``."""
        return replace(
            self,
            per_chat_per_second=self.per_chat_per_second * factor,
            per_chat_burst=max(1, round(self.per_chat_burst * factor)),
            per_group_per_minute=max(1, round(self.per_group_per_minute * factor)),
            global_per_second=max(1, round(self.global_per_second * factor)),
        )

    @classmethod
    def off(cls) -> Limits:
        """Return limits that never refuse."""
        return cls(enabled=False)


class _Window:
    """At most ``capacity`` events in any ``seconds``-long sliding window."""

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self.times: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return 0.0
        return self.times[0] + self.seconds - now

    def add(self, now: float) -> None:
        self.times.append(now)


class FloodControl:
    """Sliding windows per chat, per group and overall; ``admit`` raises the 429."""

    def __init__(self, limits: Limits, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._now = now
        self._global = _Window(limits.global_per_second, 1.0)
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}
        self._held: dict[int, float] = {}

    def hold(self, chat_id: int, seconds: float) -> None:
        """Refuse every message to ``chat_id`` for the next ``seconds`` with a 429 whose
        retry_after says how long is left: a chat that went far over its limit."""
        self._held[chat_id] = self._now() + seconds

    def admit(self, chat_id: int, *, is_group: bool) -> None:
        """Count one message into ``chat_id``, or raise ApiError 429 if it is over a limit."""
        if not self.limits.enabled:
            return
        now = self._now()
        held = self._held.get(chat_id, now) - now
        if held > 0:
            raise too_many_requests(max(1, math.ceil(held)))
        windows = [self._global, self._chat_window(chat_id)]
        if is_group:
            windows.append(self._group_window(chat_id))
        wait = max(window.wait_needed(now) for window in windows)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for window in windows:
            window.add(now)

    def _chat_window(self, chat_id: int) -> _Window:
        if chat_id not in self._chats:
            burst = self.limits.per_chat_burst
            self._chats[chat_id] = _Window(burst, burst / self.limits.per_chat_per_second)
        return self._chats[chat_id]

    def _group_window(self, chat_id: int) -> _Window:
        if chat_id not in self._groups:
            self._groups[chat_id] = _Window(self.limits.per_group_per_minute, 60.0)
        return self._groups[chat_id]
