"""``build_application``: every handler, the error handler and the start-up hooks, in one place."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    MessageReactionHandler,
    PollHandler,
    filters,
)

from bot.archive import Archive, Store
from bot.compose.help import COMMANDS, menu_of
from bot.compose.suggestions import BUTTON_PREFIX
from bot.core import updates
from bot.core.config import Config, ConfigError
from bot.core.corpus import Entry, load_corpus
from bot.handlers import admin, chats, coming, commands, incoming, suggestions, voices
from bot.handlers.errors import log_error
from bot.handlers.inbox import (
    Inbox,
    InboxProcessor,
    InboxQueue,
    InboxRequest,
    Processes,
    replay_unhandled,
)
from bot.handlers.limiter import (
    PER_CHAT_PER_SECOND,
    PER_GROUP_PER_MINUTE,
    PER_SECOND,
    ChatRateLimiter,
)
from bot.handlers.network import Pause, patiently
from bot.handlers.state import (
    COMMONS_KEY,
    CONTEXT_TYPES,
    App,
    Clock,
    Commons,
    Context,
    commons_of,
    system_clock,
)
from bot.handlers.sweep import reschedule_with, start_schedules
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, translator

if TYPE_CHECKING:
    # Only its type: aiohttp, which the webhook's server runs on, is loaded by the command line
    # for a webhook alone, so a bot on long polling does without its memory and import time.
    from bot.handlers.webhook import Webhook

logger = logging.getLogger(__name__)

UPDATE_QUEUE_SIZE = 100
SEND_TIMEOUT_SECONDS = 30

# What answers each command of the table in bot.compose.help (which also gives /help and the
# menu their order and wording).
CALLBACKS = {
    "start": commands.start,
    "help": commands.start,
    "today": commands.today,
    "curious": incoming.curious,
    "curiosities": incoming.curiosities,
    "thread": commands.thread,
    "search": commands.search,
    "digest": commands.digest,
    "week": commands.week,
    "mydigest": commands.mydigest,
    "passage": commands.passage,
    "status": commands.status,
    "privacy": commands.privacy,
    "optout": commands.optout,
    "optin": commands.optin,
    "forgetme": commands.forgetme,
    "setlang": admin.setlang,
    "settz": admin.settz,
    "settime": admin.settime,
    "setdigest": admin.setdigest,
    "setweekly": admin.setweekly,
    "quietday": admin.quietday,
    "setpoll": admin.setpoll,
    "pause": admin.pause,
    "resume": admin.resume,
    "skip": coming.skip,
    "unskip": coming.unskip,
    "upcoming": coming.upcoming,
    "suggest": suggestions.suggest,
    "counter": suggestions.counter,
    "suggestions": suggestions.queue,
    "approve": suggestions.approve,
    "decline": suggestions.decline,
    "topic": admin.topic,
    "export": admin.export,
    "purge": admin.purge,
    "publish": admin.publish,
}


def polite_rate_limiter(
    per_second: float = PER_SECOND,
    per_group_per_minute: int = PER_GROUP_PER_MINUTE,
    per_chat_per_second: float = PER_CHAT_PER_SECOND,
) -> ChatRateLimiter:
    """Return the bot's rate limiter: paced evenly overall, each group's and chat's limit kept,
    and a 429 pausing only its own chat (``bot.handlers.limiter``).

    A bucket of one request refilled every 1/rate seconds never exceeds the rate in any window
    (PTB's bucket lets a full second's worth through at once, twice the rate within a second).
    ``per_group_per_minute=0`` and ``per_chat_per_second=0`` turn those limits off (the demo's
    compressed clock, against a sandbox with no limits).
    """
    return ChatRateLimiter(
        per_second=per_second,
        per_group_per_minute=per_group_per_minute,
        per_chat_per_second=per_chat_per_second,
    )


def build_application(
    config: Config,
    *,
    clock: Clock = system_clock,
    corpus: list[Entry] | None = None,
    rate_limiter: BaseRateLimiter | None = None,
) -> App:
    """Return the bot's Application with every handler registered, not yet started."""
    archive = Archive(config.db_path)
    inbox = Inbox(archive, clock)
    # Bounded, so polling waits for the handlers and less is held in memory; what waits in it
    # is in the inbox already, so a crash loses none of it.
    queue = InboxQueue(inbox, UPDATE_QUEUE_SIZE)
    builder = (
        ApplicationBuilder()
        .token(config.token or "")
        # Patient with a slow Telegram: a send given up on may still have gone through, and
        # its retry would then post twice. A morning's burst also waits for a free connection
        # rather than failing after PTB's 1 s default.
        .request(
            InboxRequest(
                inbox,
                connection_pool_size=256,
                connect_timeout=SEND_TIMEOUT_SECONDS,
                read_timeout=SEND_TIMEOUT_SECONDS,
                write_timeout=SEND_TIMEOUT_SECONDS,
                pool_timeout=SEND_TIMEOUT_SECONDS,
            )
        )
        .get_updates_request(InboxRequest(inbox, connection_pool_size=1))
        .context_types(CONTEXT_TYPES)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter or polite_rate_limiter())
        .update_queue(queue)
        .concurrent_updates(InboxProcessor(inbox, queue))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if config.base_url:
        builder = builder.base_url(config.base_url)
    app: App = builder.build()
    corpus = corpus if corpus is not None else load_corpus(config.corpus_path)
    state = Commons(config, archive, corpus, clock, inbox)
    state.reschedule = reschedule_with(app)
    app.bot_data[COMMONS_KEY] = state
    register_handlers(app)
    return app


# What a member said (core's updates.is_plain, in PTB's filters): a new message, not a command,
# not a service message. A message with text is never a service message, and StatusUpdate.ALL
# checks some fifty kinds of them: asked only of the rest, it stays off the path of every reply.
PLAIN_MESSAGE = (
    filters.UpdateType.MESSAGE & ~filters.COMMAND & (filters.TEXT | ~filters.StatusUpdate.ALL)
)

DECLINE_REASON = PLAIN_MESSAGE & filters.REPLY & filters.TEXT


def register_handlers(app: App) -> None:
    """Add every handler. Order matters: group -1 stores replies before anything answers."""
    # An admin's reason for declining a suggestion answers the bot's question; it is no reply
    # to a passage, so it is taken before the threads see it (group -1).
    app.add_handler(MessageHandler(DECLINE_REASON, suggestions.reason_reply), group=-2)
    app.add_handler(MessageHandler(PLAIN_MESSAGE, incoming.record_reply), group=-1)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, incoming.record_edit), -1)
    # After the reply is stored (group -1), its #curious is noted and confirmed. The tag is
    # looked for first, as most messages have none.
    tagged = filters.Regex(updates.CURIOUS_TAG) & PLAIN_MESSAGE
    app.add_handler(MessageHandler(tagged, incoming.tagged_curiosity))
    app.add_handler(ChatMemberHandler(chats.track_chats, ChatMemberHandler.MY_CHAT_MEMBER))
    # A member promoted, demoted or given other rights: their cached admin status goes stale.
    app.add_handler(ChatMemberHandler(chats.track_admins, ChatMemberHandler.CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrate_chat))
    # Voices without words: reactions (Telegram sends them to admins only) and poll totals.
    reacted, counted = (
        MessageReactionHandler.MESSAGE_REACTION_UPDATED,
        MessageReactionHandler.MESSAGE_REACTION_COUNT_UPDATED,
    )
    app.add_handler(MessageReactionHandler(voices.record_reaction, message_reaction_types=reacted))
    app.add_handler(
        MessageReactionHandler(voices.record_reaction_count, message_reaction_types=counted)
    )
    app.add_handler(PollHandler(voices.record_poll))
    # One handler for the whole command table: PTB asks the handlers of a group one by one, and
    # with one each, every reply in a busy group would be checked against each command.
    names = [command.name for command in COMMANDS]
    app.add_handler(CommandHandler(names, run_command, filters=filters.UpdateType.MESSAGE))
    app.add_handler(CallbackQueryHandler(suggestions.press, pattern=f"^{BUTTON_PREFIX}:"))
    app.add_error_handler(log_error)


async def run_command(update: Update, context: Context) -> None:
    """Run the callback of the command the message opens with (CommandHandler checked it)."""
    message = update.effective_message
    assert message is not None and message.text is not None and message.entities
    # As CommandHandler reads it: "/Today@CommonsBot args" is "today".
    name = message.text[1 : message.entities[0].length].split("@")[0].lower()
    await CALLBACKS[name](update, context)


async def post_init(app: App, pause: Pause = asyncio.sleep) -> None:
    """Open the archive, handle what a crash left, learn who we are, rebuild the schedule."""
    state = commons_of(app)
    await state.archive.start()
    me = app.bot.bot  # asked by initialize(), which retried until Telegram answered
    owner = await state.archive.run(Store.claim_owner, me.id)
    if owner != me.id:
        # python -m bot run refuses this before opening the archive; a bot built otherwise
        # (a test, a script) must not act on another bot's groups either.
        await state.archive.close()
        raise ConfigError(f"COMMONS_DB: this archive belongs to bot {owner}, not to bot {me.id}")
    state.bot_id = me.id
    state.can_read_all_group_messages = bool(me.can_read_all_group_messages)
    await replay_unhandled(state.inbox, app.bot, process_with(app))
    await patiently(lambda: publish_menus(app), "publishing the commands", sleep=pause)
    await start_schedules(app)
    # What start-up made (every import, the corpus, each chat's jobs) lives as long as the bot:
    # kept out of the collector's way, a full collection walks only what came after, and holds
    # the event loop that much shorter.
    gc.freeze()
    logger.info("ready as @%s with %d passages", me.username, len(state.corpus))


def process_with(app: App) -> Processes:
    """Return a function handling one update as the running bot would, inbox marks included."""

    async def process(update: Update) -> None:
        await app.update_processor.process_update(update, app.process_update(update))

    return process


# Each kind of chat gets the menu of its own commands: a private chat has no admins' settings
# of a group, and a group no /passage.
MENU_SCOPES: tuple[tuple[BotCommandScope, bool], ...] = (
    (BotCommandScopeAllPrivateChats(), True),
    (BotCommandScopeAllGroupChats(), False),
)


async def publish_menus(app: App) -> None:
    """Publish the command menus of private chats and of groups, each in English for everyone,
    then in each language for its users."""
    for scope, private in MENU_SCOPES:
        await app.bot.set_my_commands(_menu(translator(), private), scope=scope)
        for language in LANGUAGES:
            if language != DEFAULT_LANGUAGE:
                menu = _menu(translator(language), private)
                await app.bot.set_my_commands(menu, scope=scope, language_code=language)


def _menu(t: Translator, private: bool) -> list[BotCommand]:
    return [BotCommand(c.name, c.menu_text(t, private)) for c in menu_of(private)]


async def post_shutdown(app: App) -> None:
    """Write the handled marks still waiting, and close the archive."""
    state = commons_of(app)
    await state.inbox.close()
    await state.archive.close()


@asynccontextmanager
async def running(
    app: App,
    *,
    poll_timeout: float = 10,
    webhook: Webhook | None = None,
    pause: Pause = asyncio.sleep,
) -> AsyncIterator[App]:
    """Run the application inside an already running event loop: long polling, or a webhook
    (``bot.handlers.webhook.webhook_for``).

    Start-up waits out a network that is down (``pause`` waits between tries); a rejected
    token raises TokenRejected.
    """
    try:
        await patiently(app.initialize, "starting", sleep=pause)
    except BaseException:
        await app.bot.shutdown()  # its connections were opened for the first try
        raise
    try:
        await post_init(app, pause)
        await app.start()
        await patiently(
            lambda: start_updates(app, poll_timeout, webhook),
            "fetching updates",
            sleep=pause,
        )
        try:
            yield app
        finally:
            assert app.updater is not None
            if webhook is not None:
                await webhook.server.stop()
            else:
                await app.updater.stop()
            await app.stop()
            await post_shutdown(app)
    finally:
        await app.shutdown()


async def start_updates(app: App, poll_timeout: float, webhook: Webhook | None) -> None:
    """Start long polling, or the webhook server and tell Telegram where it is."""
    assert app.updater is not None
    if webhook is not None:
        config = webhook.config
        await webhook.server.start(config.listen, config.port)
        logger.info(
            "webhook listening on %s:%s, for calls that carry its secret",
            config.listen,
            config.port,
        )
        await app.bot.set_webhook(
            config.webhook_url or "",
            secret_token=config.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        return
    await app.updater.start_polling(
        poll_interval=0, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES
    )
