"""A local web chat over the sandbox: see a group, post as its members, watch the bot answer.

It shares the in-process ``Sandbox``: messages typed on the page go in through the sandbox's
control API, exactly as a Telegram member's would, and the page follows the sandbox's events
live. Plain HTML and a little JavaScript from ``static/``; no build step.

JSON API: ``GET /api/state``, ``POST /api/send``, ``POST /api/members``, ``POST /api/private``,
``GET``/``POST /api/clock`` (the bot's clock, moved by the page's buttons), ``GET /api/events``
(Server-Sent Events) and ``GET /api/file/{chat_id}/{message_id}``. Links to messages the
sandbox holds open in the page, not on t.me. A text over Telegram's limit goes as several
messages, as Telegram's apps send it (``parts``).

Every request needs a loopback Host (or one the ``hosts`` setting names) and this run's key,
which ``WebChat.url`` carries; writes must come from the page itself (see ``access``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web

from bot.sandbox import Sandbox
from bot.webchat.access import TOKEN_PARAM, Access, access_middleware
from bot.webchat.group import DEMO_MEMBERS, DEMO_TITLE, ensure_demo_group
from bot.webchat.sanitize import sanitize_telegram_html
from bot.webchat.server import ClockHook, WebChatHandlers, guard

__all__ = [
    "DEMO_MEMBERS",
    "DEMO_TITLE",
    "ClockHook",
    "WebChat",
    "sanitize_telegram_html",
    "start_webchat",
]

logger = logging.getLogger(__name__)


@dataclass
class WebChat:
    """A running web chat: where to open it, its demo group, and how to stop it."""

    host: str
    port: int
    chat_id: int
    runner: web.AppRunner
    handlers: WebChatHandlers
    access: Access
    stopped: bool = False

    @property
    def url(self) -> str:
        """Return the address to open, key included: ``http://127.0.0.1:8080/?token=...``."""
        return f"http://{browsable_host(self.host)}:{self.port}/?{TOKEN_PARAM}={self.access.token}"

    async def stop(self) -> None:
        """End the live streams and stop listening (again is a no-op)."""
        if self.stopped:
            return
        self.stopped = True
        self.handlers.close_streams()
        await self.runner.cleanup()
        if self.handlers.clock is not None:
            # A move a closed page asked for still finishes before the bot stops.
            await self.handlers.clock.finish()


async def start_webchat(
    sandbox: Sandbox,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    clock: ClockHook | None = None,
    language_code: str = "en",
    hosts: Iterable[str] = (),
) -> WebChat:
    """Make sure the demo group exists, serve the web chat on ``host:port`` (0: any free port).

    It answers to loopback names, ``host`` unless a wildcard, and ``hosts`` (COMMONS_WEB_HOSTS),
    and only to those holding this run's key (in ``WebChat.url``). ``clock`` is the running
    bot's clock, which the page's "Evening", "Next morning", "End of week" and date buttons
    move; without one (a sandbox with no bot) they are not shown.
    ``language_code`` is the demo members' Telegram language (the corpus's), so the bot, added
    by one of them, speaks it.
    """
    chat_id = await ensure_demo_group(sandbox, language_code)
    handlers = WebChatHandlers(sandbox, chat_id, clock)
    # The bound address is one the operator chose, so the address printed for it must open.
    access = Access.for_run([*hosts, *([] if is_wildcard(host) else [host])])
    # guard first: a refusal gets the page's security headers too.
    app = web.Application(middlewares=[guard, access_middleware(access)])
    app.add_routes(handlers.routes())
    runner = web.AppRunner(app, shutdown_timeout=1.0, handler_cancellation=True, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound = int(runner.addresses[0][1])
    logger.info("web chat listening on %s:%d", host, bound)
    return WebChat(host, bound, chat_id, runner, handlers, access)


def browsable_host(host: str) -> str:
    """Return a host a browser can open: loopback for a wildcard bind, brackets for IPv6."""
    if is_wildcard(host):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def is_wildcard(host: str) -> bool:
    """Return whether ``host`` is an address meaning every interface (0.0.0.0, ::)."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False
