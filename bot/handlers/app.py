"""``build_application``: every handler, the error handler and the start-up hooks, in one place."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.asyncstore import AsyncStore
from bot.config import Config
from bot.corpus import Entry, load_corpus
from bot.handlers import admin, chats, commands, curiosity, replies
from bot.handlers.errors import log_error
from bot.handlers.jobs import start_schedules
from bot.handlers.runtime import COMMONS_KEY, Clock, Commons, system_clock

logger = logging.getLogger(__name__)

UPDATE_QUEUE_SIZE = 100

# (command, what /help and Telegram's command menu say, callback). Order is the menu's order.
COMMANDS = (
    ("start", "What this bot does", commands.start),
    ("help", "What this bot does, and its commands", commands.start),
    ("today", "Today's passage again", commands.today),
    ("curious", "Say what you are curious about today", curiosity.curious),
    ("curiosities", "What members are curious about today", curiosity.curiosities),
    ("thread", "Reply to a message with this to see its thread", commands.thread),
    ("search", "Search this chat's conversations", commands.search),
    ("digest", "Today's digest so far", commands.digest),
    ("week", "This week's digest so far", commands.week),
    ("status", "Time zone, next post, and what I can see", commands.status),
    ("privacy", "What is stored, and how to leave", commands.privacy),
    ("optout", "Stop storing what you say", commands.optout),
    ("optin", "Take part again", commands.optin),
    ("forgetme", "Delete everything you said, everywhere", commands.forgetme),
    ("settz", "Admins: set the time zone (Area/City)", admin.settz),
    ("settime", "Admins: set the morning post time", admin.settime),
    ("setdigest", "Admins: set the evening digest time", admin.setdigest),
    ("setweekly", "Admins: set the weekly digest day and time", admin.setweekly),
    ("quietday", "Admins: on a quiet day, one line or nothing", admin.quietday),
    ("pause", "Admins: pause posts and digests", admin.pause),
    ("resume", "Admins: resume posts and digests", admin.resume),
    ("skip", "Admins: skip to the next passage", admin.skip),
    ("topic", "Admins: post in this forum topic", admin.topic),
    ("export", "Admins: this chat's archive as JSON", admin.export),
    ("purge", "Admins: delete this chat's archive", admin.purge),
)


def polite_rate_limiter(per_second: float = 29, per_group_per_minute: int = 20) -> AIORateLimiter:
    """Return PTB's rate limiter paced evenly overall, with retries on RetryAfter.

    AIORateLimiter's bucket lets a full second's worth through at once and then refills, so a
    burst can reach twice the rate within one second; a bucket of one request refilled every
    1/rate seconds never exceeds the rate in any window. Per group, Telegram's 20 a minute
    keeps PTB's bucket: a group rarely gets more than one message at a time from us.
    ``per_group_per_minute=0`` turns the group limit off (the demo's compressed clock).
    """
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=1 / per_second,
        group_max_rate=per_group_per_minute,
        group_time_period=60,
        max_retries=3,
    )


def build_application(
    config: Config,
    *,
    clock: Clock = system_clock,
    corpus: list[Entry] | None = None,
    rate_limiter: BaseRateLimiter | None = None,
) -> Application:
    """Return the bot's Application with every handler registered, not yet started."""
    builder = (
        ApplicationBuilder()
        .token(config.token or "")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter or polite_rate_limiter())
        # Bounded, so polling waits for the handlers: fewer fetched-but-unhandled updates to
        # lose in a crash, and less held in memory for the garbage collector to sweep.
        .update_queue(asyncio.Queue(maxsize=UPDATE_QUEUE_SIZE))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if config.base_url:
        builder = builder.base_url(config.base_url)
    app = builder.build()
    corpus = corpus if corpus is not None else load_corpus(config.corpus_path)
    app.bot_data[COMMONS_KEY] = Commons(config, AsyncStore(config.db_path), corpus, clock)
    register_handlers(app)
    return app


def register_handlers(app: Application) -> None:
    """Add every handler. Order matters: group -1 stores replies before anything answers."""
    plain = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(plain, replies.record_reply), group=-1)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, replies.record_edit), -1)
    app.add_handler(ChatMemberHandler(chats.track_chats, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrate_chat))
    for name, _, callback in COMMANDS:
        app.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    app.add_error_handler(log_error)


async def post_init(app: Application) -> None:
    """Open the archive, learn who we are, publish the commands, rebuild the schedule."""
    state: Commons = app.bot_data[COMMONS_KEY]
    await state.store.start()
    me = await app.bot.get_me()
    state.bot_id = me.id
    state.can_read_all_group_messages = bool(me.can_read_all_group_messages)
    await app.bot.set_my_commands([BotCommand(name, text) for name, text, _ in COMMANDS[1:]])
    await start_schedules(app)
    logger.info("ready as @%s with %d passages", me.username, len(state.corpus))


async def post_shutdown(app: Application) -> None:
    """Close the archive."""
    await app.bot_data[COMMONS_KEY].store.close()


@asynccontextmanager
async def running(app: Application, *, poll_timeout: float = 10) -> AsyncIterator[Application]:
    """Run the application with long polling inside an already running event loop."""
    async with app:
        await post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES
        )
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await post_shutdown(app)


async def wait_forever() -> None:
    """Sleep until cancelled (the runner's main task, ended by a signal)."""
    await asyncio.Event().wait()
