"""Logging set-up that keeps logs private at every level: ids only, never a member's words.

Two rules, applied by one filter on every handler the bot installs:

- Secrets (the token, the webhook secret) and anything shaped like a bot token are replaced
  with a placeholder, in messages and tracebacks alike.
- Below INFO only the bot's own loggers speak. Libraries put whole payloads in their DEBUG
  lines (python-telegram-bot logs every update and every API call with its parameters, so a
  member's words, names and the ``setWebhook`` secret; httpx logs URLs holding the token), and
  the bot's own DEBUG lines carry ids only.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

# Telegram tokens look like 123456789:AA...; the URL form is .../bot<token>/method.
TOKEN_PATTERN = re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{20,}")
OWN_LOGGER = "bot"
RECEIVED_DATA = "Received data was:"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries whose DEBUG output carries payloads: kept at INFO or above, so those lines are
# never even built (PTB formats a whole update for each one).
CHATTY_LIBRARIES = ("telegram", "httpcore", "hpack", "aiohttp", "tornado", "asyncio")
# Logged at WARNING and above only, whatever the level: httpx logs every request URL at INFO,
# and APScheduler each run of every chat's job.
QUIET_LIBRARIES = ("httpx", "apscheduler")


def is_own(name: str) -> bool:
    """Return True for the bot's own loggers (``bot`` and ``bot.*``)."""
    return name == OWN_LOGGER or name.startswith(OWN_LOGGER + ".")


class RedactingFilter(logging.Filter):
    """Replace known secrets and anything shaped like a bot token with a placeholder.

    Also drops a library's record below INFO (see the module docstring).
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret and token-shaped string removed."""
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return TOKEN_PATTERN.sub("[REDACTED]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO and not is_own(record.name):
            return False
        # Format once here, so arguments (URLs, exceptions) are redacted along with the message.
        message = record.getMessage()
        if not is_own(record.name):
            # PTB logs an update it could not read with the update itself: a member's words.
            message = message.split(RECEIVED_DATA, 1)[0] + (
                RECEIVED_DATA + " (left out)" if RECEIVED_DATA in message else ""
            )
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def quiet_libraries(level: str | int) -> None:
    """Keep payload-carrying libraries at INFO (WARNING for a few) whatever ``level`` is."""
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(int(numeric), logging.INFO))
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(
    level: str = "INFO", *, secrets: Iterable[str | None] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Log to ``stream`` (stderr) at ``level``, privately; return the handler installed."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet_libraries(level)
    return handler
