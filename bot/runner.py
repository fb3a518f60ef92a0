"""Running the bot: against Telegram with a token, or against the embedded sandbox without one."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update

from bot.config import Config
from bot.handlers import build_application
from bot.handlers.app import running

logger = logging.getLogger(__name__)


def run_bot(config: Config) -> None:
    """Run until SIGINT or SIGTERM: Telegram with a token, else the local sandbox and web chat."""
    config.db_path.parent.mkdir(parents=True, exist_ok=True)
    if config.sandboxed:
        asyncio.run(run_embedded(config))
        return
    app = build_application(config)
    if config.webhook_url:
        app.run_webhook(
            listen=config.listen,
            port=config.port,
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


async def run_embedded(config: Config) -> None:
    """The no-token default: sandbox Bot API, the real bot and the web chat in one process."""
    from bot.sandbox import Sandbox
    from bot.webchat import start_webchat

    sandbox = Sandbox()
    await sandbox.start()
    web = await start_webchat(sandbox, host=config.listen, port=config.web_port)
    bot_config = config.with_(token=sandbox.token, base_url=sandbox.base_url)
    try:
        async with running(build_application(bot_config), poll_timeout=5):
            print("Commons Bot is running without Telegram, against its local sandbox.")
            print(f"Open the web chat: {web.url}")
            print(f"Archive: {config.db_path}   (Ctrl+C to stop)", flush=True)
            await wait_for_signal()
    finally:
        await web.stop()
        await sandbox.stop()


async def wait_for_signal() -> None:
    """Return when the process receives SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    logger.info("stopping")
