"""Running on Telegram, with Telegram's refusal of the token turned into a one-line answer."""

from __future__ import annotations

import logging

from telegram.error import InvalidToken

from bot.config import Config, ConfigError
from bot.handlers.app import run_on_telegram
from bot.handlers.state import App

# PTB's start-up retry loop logs here, a traceback included, before it gives up on a token.
PTB_BOOTSTRAP_LOGGER = "telegram.ext"


class RefusedTokenFilter(logging.Filter):
    """Drop PTB's log of a refused token unless debugging: the answer below says it in a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        refused = isinstance(error, InvalidToken)
        return not refused or logging.getLogger().isEnabledFor(logging.DEBUG)


def run_until_stopped(app: App, config: Config) -> None:
    """Run until SIGINT or SIGTERM; raise ConfigError if Telegram refuses the token (401)."""
    logging.getLogger(PTB_BOOTSTRAP_LOGGER).addFilter(RefusedTokenFilter())
    try:
        run_on_telegram(app, config)
    except InvalidToken as error:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN was refused by Telegram (401 Unauthorized): the bot may have "
            "been deleted or its token revoked; copy the current token from @BotFather"
        ) from error
