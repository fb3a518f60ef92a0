"""Logging set-up that never lets the bot token reach a log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Telegram tokens look like 123456789:AA...; the URL form is .../bot<token>/method.
TOKEN_PATTERN = re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{20,}")


class RedactingFilter(logging.Filter):
    """Replace known secrets and anything shaped like a bot token with a placeholder."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret and token-shaped string removed."""
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return TOKEN_PATTERN.sub("[REDACTED]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        # Format once here, so arguments (URLs, exceptions) are redacted along with the message.
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def configure_logging(level: str = "INFO", *, secrets: Iterable[str] = ()) -> RedactingFilter:
    """Set up root logging with token redaction on every handler; return the filter."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redactor = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return redactor
