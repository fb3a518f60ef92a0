"""Running the bot: against Telegram with a token, or against the embedded sandbox without one."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from bot.archive import Store
from bot.config import Config
from bot.handlers import build_application
from bot.handlers.app import running
from bot.handlers.outbox import post_digest_now
from bot.handlers.startup import TokenRejected
from bot.sandbox import Sandbox
from bot.webchat import start_webchat

__all__ = ["TokenRejected", "run_bot"]

logger = logging.getLogger(__name__)


def run_bot(config: Config) -> None:
    """Run until SIGINT or SIGTERM: Telegram with a token, else the local sandbox and web chat."""
    config.db_path.parent.mkdir(parents=True, exist_ok=True)
    if config.sandboxed:
        asyncio.run(run_embedded(config))
        return
    asyncio.run(run_on_telegram(config))


async def run_on_telegram(config: Config) -> None:
    """Run against Telegram until a signal: a webhook if configured, else long polling."""
    stop = stop_on_signals()
    app = build_application(config)
    async with running(app, webhook=config):
        await stop.wait()


async def run_embedded(config: Config) -> None:
    """The no-token default: sandbox Bot API, the real bot and the web chat in one process."""
    stop = stop_on_signals()  # first, so a SIGTERM during start-up still stops cleanly
    # Each run's sandbox is a new small Telegram; its chats get ids the archive has not seen.
    sandbox = Sandbox(first_chat_number=next_chat_number(config.db_path))
    await sandbox.start()
    app = build_application(config.with_(token=sandbox.token, base_url=sandbox.base_url))

    async def evening(chat_id: int) -> None:
        await post_digest_now(app, chat_id)

    try:
        async with running(app, poll_timeout=5):
            web = await start_webchat(
                sandbox, host=config.listen, port=config.web_port, on_evening=evening
            )
            print("Commons Bot is running without Telegram, against its local sandbox.")
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
