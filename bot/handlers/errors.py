"""The one error handler: log first, then tell the chat something went wrong if we can."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.handlers.state import Context
from bot.i18n import language_for, translator

logger = logging.getLogger(__name__)


async def log_error(update: object, context: Context) -> None:
    """Log the error with its traceback and keep going; apologise in the chat if there is one."""
    # Log the error first, so we see it even if the apology fails to send.
    chat_id = (
        update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    )
    logger.error("error while handling an update in chat %s", chat_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    if isinstance(context.error, TelegramError):
        return  # Telegram itself refused; another message would likely fail the same way.
    # In the person's own language, without asking the archive: it may be what failed.
    user = update.effective_user
    t = translator(language_for(user.language_code if user else None))
    try:
        await update.effective_message.reply_text(
            t._(
                "Sorry, something went wrong on my side. Nothing you said was lost; "
                "please try again in a minute."
            )
        )
    except TelegramError:
        logger.warning("could not send the apology to chat %s", chat_id)
