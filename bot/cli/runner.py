"""Running the bot: against Telegram with a token, or against the embedded sandbox without one.

The sandbox, the web chat and the webhook's server (aiohttp, some 10 MB and a tenth of a
second to import) are imported where they are started: a bot on long polling never loads them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from concurrent.futures import Future
from pathlib import Path

from bot.archive import Store
from bot.cli.refusals import PRIVATE_UMASK, check_start
from bot.core.config import Config, ConfigError
from bot.core.corpus import corpus_language
from bot.handlers import build_application
from bot.handlers.app import running
from bot.handlers.network import TokenRejected
from bot.i18n import DEFAULT_LANGUAGE

__all__ = ["TokenRejected", "run_bot"]

logger = logging.getLogger(__name__)


def run_bot(config: Config, archive_checked: Future[None] | None = None) -> None:
    """Run until SIGINT or SIGTERM: Telegram with a token, else the local sandbox and web chat.

    Raises ConfigError, before anything is stored, when a setting would make the start fail.
    ``archive_checked`` is the archive's check begun earlier (``begin_archive_check``).
    """
    os.umask(PRIVATE_UMASK)
    check_start(config, archive_checked)
    if config.sandboxed:
        asyncio.run(run_embedded(config))
        return
    try:
        asyncio.run(run_on_telegram(config))
    except TokenRejected as error:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN was refused by Telegram (401 Unauthorized): the bot may have "
            "been deleted or its token revoked; copy the current token from @BotFather"
        ) from error


async def run_on_telegram(config: Config) -> None:
    """Run against Telegram until a signal: a webhook if configured, else long polling."""
    stop = stop_on_signals()
    app = build_application(config)
    webhook = None
    if config.webhook_url:
        from bot.handlers.webhook import webhook_for

        webhook = webhook_for(app, config)
    async with running(app, webhook=webhook):
        await stop.wait()


async def run_embedded(config: Config) -> None:
    """The no-token default: sandbox Bot API, the real bot and the web chat in one process."""
    from bot.demo.clock import MovableClock, TimeTravel
    from bot.sandbox import Sandbox
    from bot.webchat import start_webchat

    stop = stop_on_signals()  # first, so a SIGTERM during start-up still stops cleanly
    # The bot and its sandbox share one clock, which the web chat's buttons move forward.
    clock = MovableClock()
    # Each run's sandbox is a new small Telegram; its chats get ids the archive has not seen.
    sandbox = Sandbox(first_chat_number=next_chat_number(config.db_path), clock=clock.timestamp)
    await sandbox.start()
    app = build_application(
        config.with_(token=sandbox.token, base_url=sandbox.base_url), clock=clock
    )
    try:
        async with running(app, poll_timeout=5):
            web = await start_webchat(
                sandbox,
                host=config.listen,
                port=config.web_port,
                clock=TimeTravel(app, clock),
                language_code=corpus_language(config.corpus_path) or DEFAULT_LANGUAGE,
                hosts=config.web_hosts,
            )
            print("Commons Bot is running without Telegram, against its local sandbox.")
            # The address carries this run's key: the web chat answers no one without it.
            print(f"Open the web chat: {web.url}")
            print(f"Archive: {config.db_path}   (Ctrl+C to stop)", flush=True)
            try:
                await stop.wait()
            finally:
                await web.stop()
    finally:
        await sandbox.stop()


def next_chat_number(db_path: Path) -> int:
    """Return a sandbox chat number above any an earlier run left in the archive."""
    if not db_path.exists():
        return 1
    store = Store.open(db_path)
    try:
        return 1000 * (store.db["chats"].count + 1)
    finally:
        store.close()


def stop_on_signals() -> asyncio.Event:
    """Return an event that SIGINT or SIGTERM sets."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
