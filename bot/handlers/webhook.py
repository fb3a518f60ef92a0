"""The webhook: Telegram's calls, proven by their secret and recorded before the 200.

Telegram sends ``X-Telegram-Bot-Api-Secret-Token`` with every call once ``setWebhook`` was
given a secret; anyone else who finds the URL can POST too. So a call is taken only with that
header, compared in constant time; a body is read up to 1 MiB (Telegram's updates are a few
KiB: 413 beyond); what is not an update gets 400 and a log line with its size alone, never its
content; an update is recorded in the archive by the Application's queue (``InboxQueue``)
before the 200 that confirms it. This is a small aiohttp server rather than PTB's own, which
checks no header when given no secret, compares with ``==``, reads 100 MB bodies and logs an
update it cannot parse with its data.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.core.config import Config, ConfigError
from bot.handlers.state import App

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1 << 20
SECRET_BYTES = 32  # token_urlsafe(32): 43 letters, digits, - and _, as Telegram allows


def new_secret() -> str:
    """Return a new webhook secret: 43 of the characters Telegram's ``secret_token`` allows."""
    return secrets.token_urlsafe(SECRET_BYTES)


class WebhookServer:
    """An HTTP server that hands Telegram's proven updates to the Application's queue."""

    def __init__(self, app: App, *, secret: str, path: str = "/") -> None:
        if not secret:
            raise ValueError("a webhook needs a secret: anyone could post updates without one")
        self.app = app
        self.secret = secret.encode()
        self.path = path or "/"
        self._runner: web.AppRunner | None = None

    async def start(self, listen: str, port: int) -> None:
        """Listen on ``listen:port`` (once: a second call changes nothing)."""
        if self._runner is not None:
            return
        server = web.Application(client_max_size=MAX_BODY_BYTES)
        server.router.add_post(self.path, self.receive)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def receive(self, request: web.Request) -> web.Response:
        """Take one call: 403 without the secret, 413 too large, 400 not an update, else 200."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            logger.warning("webhook: a call without the secret, refused")
            return web.Response(status=403)
        body = await request.read()  # over client_max_size, aiohttp answers 413
        update = self._parse(body)
        if update is None:
            logger.warning("webhook: a body of %d bytes that is not an update, refused", len(body))
            return web.Response(status=400)
        await self.app.update_queue.put(update)  # recorded in the archive before it returns
        return web.Response()

    def _parse(self, body: bytes) -> Update | None:
        try:
            data: Any = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return None
            return Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


@dataclass(frozen=True)
class Webhook:
    """The webhook the settings ask for: its server, and the settings that say where it
    listens and where Telegram is told to call."""

    server: WebhookServer
    config: Config


def webhook_for(app: App, config: Config) -> Webhook | None:
    """Return the webhook the settings ask for, or None for long polling.

    Never without a secret: ``python -m bot run`` makes one for the run when none is set.
    """
    if not config.webhook_url:
        return None
    if not config.webhook_secret:
        raise ConfigError("COMMONS_WEBHOOK_SECRET: a webhook needs a secret")
    path = urlsplit(config.webhook_url).path or "/"
    return Webhook(WebhookServer(app, secret=config.webhook_secret, path=path), config)
