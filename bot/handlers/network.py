"""Starting against a network that may not be there yet: retry with backoff, stop on a bad token.

Telegram slow or unreachable for a while at start (a reboot, a flaky link) is not a reason to
exit; each try gets one log line. A token Telegram rejects (401) will not get better by waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter

logger = logging.getLogger(__name__)

T = TypeVar("T")
Pause = Callable[[float], Awaitable[None]]

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


class TokenRejected(Exception):
    """Telegram answered 401: the token is wrong or was revoked."""


def next_delay(delay: float) -> float:
    """Return the wait after one that was ``delay`` seconds: doubled, at most MAX_DELAY."""
    return min(delay * 2, MAX_DELAY)


async def patiently(
    call: Callable[[], Awaitable[T]],
    what: str,
    *,
    sleep: Pause = asyncio.sleep,
) -> T:
    """Return call()'s result, retrying network failures forever with a growing pause."""
    delay, attempt = FIRST_DELAY, 1
    while True:
        try:
            return await call()
        except InvalidToken:
            raise TokenRejected("Telegram rejected the bot token (401 Unauthorized)") from None
        except BadRequest:
            raise  # a mistake in the request itself: retrying sends the same mistake
        except RetryAfter as error:
            wait = error.retry_after
            pause = wait.total_seconds() if not isinstance(wait, int) else float(wait)
            logger.warning(
                "%s: Telegram asks to wait, try %d; again in %.0f s", what, attempt, pause
            )
        except NetworkError as error:  # TimedOut is one too
            pause = delay
            delay = next_delay(delay)
            logger.warning(
                "%s: Telegram unreachable (%s), try %d; again in %.0f s",
                what,
                type(error).__name__,
                attempt,
                pause,
            )
        await sleep(pause)
        attempt += 1
