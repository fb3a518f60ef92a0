"""The sandbox's HTTP side: ``/bot<token>/<method>`` routes, faults, and the call log."""

from __future__ import annotations

import asyncio
import collections
import copy
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox import (  # noqa: F401  (they register methods)
    chatinfo,
    keyboards,
    menus,
    methods,
    sending,
    voices,
)
from bot.sandbox.control import Control, Ref, ref_id
from bot.sandbox.faults import Fault, FaultPlan
from bot.sandbox.links import linked_message
from bot.sandbox.messages import user_object
from bot.sandbox.methods import METHODS, Handler
from bot.sandbox.params import file_summary, read_params
from bot.sandbox.rules import ApiError, FloodControl, Limits, too_many_requests
from bot.sandbox.voices import VoicesControl
from bot.sandbox.world import World

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-TOKEN"
TOKEN_SHAPE = re.compile(r"^\d+:[\w-]+$")
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for files a bot sends
CALL_LOG_SIZE = 100_000


class Sandbox(Control, VoicesControl):
    """A loopback Telegram Bot API server plus its control API (see the package docstring)."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        limits: Limits | None = None,
        bot_username: str = "commons_bot",
        bot_name: str = "Commons Bot",
        clock: Callable[[], float] = time.time,
        seed: int = 0,
        can_read_all_group_messages: bool = False,
        first_chat_number: int = 1,
    ) -> None:
        self.token = token
        bot = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.world = World(
            bot, clock=clock, limits=limits or Limits(), first_chat_number=first_chat_number
        )
        self.faults = FaultPlan(seed)
        self.calls: collections.deque[dict[str, Any]] = collections.deque(maxlen=CALL_LOG_SIZE)
        self.app = web.Application(client_max_size=MAX_UPLOAD)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.host = "127.0.0.1"
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    @property
    def bot_user(self) -> dict[str, Any]:
        """Return the bot's User dict, as in the ``from`` of its messages."""
        return user_object(self.world.bot)

    @property
    def base_url(self) -> str:
        """Return the Bot API base URL for PTB's ``ApplicationBuilder().base_url(...)``."""
        if self.port is None:
            raise RuntimeError("the sandbox is not started")
        return f"http://{self.host}:{self.port}/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (0 picks a free port)."""
        self.world.closing = False
        self._runner = web.AppRunner(
            self.app, shutdown_timeout=1.0, handler_cancellation=True, access_log=None
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.host, self.port = host, int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls and stop listening."""
        self.world.closing = True
        self.world.changes.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def set_limits(self, limits: Limits) -> None:
        """Replace the flood-control limits (and forget the counts so far)."""
        self.world.flood = FloodControl(limits)

    def hold_chat(self, chat: Ref, seconds: float) -> None:
        """Answer every message to that chat with a 429 for the next ``seconds`` (its
        ``retry_after`` the time left), as Telegram does for a chat far over its limit."""
        self.world.flood.hold(ref_id(chat), seconds)

    # Read-back --------------------------------------------------------------------------------

    def sent_messages(self, chat: Ref) -> list[dict[str, Any]]:
        """Return what the bot sent to a chat, oldest first, with the parameters it used."""
        return list(self.world.sent.get(ref_id(chat), []))

    def messages(self, chat: Ref) -> list[dict[str, Any]]:
        """Return every message in a chat, users' and the bot's, by message id."""
        state = self.world.find_chat(ref_id(chat))
        return [copy.deepcopy(m) for _, m in sorted(state.messages.items())]

    def message_at_link(self, url: str) -> tuple[int, int] | None:
        """Return (chat id, message id) of the message a t.me link opens, or None."""
        return linked_message(self.world, url)

    def menu(self, chat: Ref, user: Ref) -> list[dict[str, str]]:
        """Return the command menu the person's Telegram shows them in a chat, as it picks it
        from the lists the bot set for each scope and language."""
        state = self.world.find_chat(ref_id(chat))
        return menus.menu_shown(self.world, state, ref_id(user))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Return the recorded calls of one Bot API method (any case)."""
        return [call for call in self.calls if call["method"].lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Return the updates the bot has not confirmed yet."""
        return list(self.world.updates)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Return once ``predicate()`` holds; TimeoutError after ``timeout`` seconds."""
        if not await self.world.changes.wait_for(predicate, timeout):
            raise TimeoutError(f"condition not met within {timeout}s; {self._recent_failures()}")

    async def wait_for_sent(
        self, chat: Ref, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Return the bot's messages to a chat once there are ``count``; else TimeoutError."""
        chat_id = ref_id(chat)
        done = await self.world.changes.wait_for(
            lambda: len(self.world.sent.get(chat_id, [])) >= count, timeout
        )
        sent = self.sent_messages(chat_id)
        if not done:
            raise TimeoutError(
                f"chat {chat_id}: the bot sent {len(sent)} of {count} messages within "
                f"{timeout}s; {self._recent_failures()}"
            )
        return sent

    async def wait_until_consumed(self, timeout: float = 5.0) -> None:
        """Return once the bot confirmed every update (fetched, then offset past it)."""
        if not await self.world.changes.wait_for(lambda: not self.world.updates, timeout):
            left = [u["update_id"] for u in self.world.updates]
            raise TimeoutError(f"updates {left} still unconfirmed after {timeout}s")

    def _recent_failures(self) -> str:
        failed = [c for c in self.calls if c["status"] not in (200, None)][-3:]
        return f"last failed calls: {failed}" if failed else "no failed calls"

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        """Return a queue of events: message, sent, edited, deleted, update, member, answered."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.world.subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop feeding a queue from ``subscribe``."""
        if queue in self.world.subscribers:
            self.world.subscribers.remove(queue)

    # HTTP -------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, name = request.match_info["token"], request.match_info["method"]
        if token != self.token:
            # Telegram: 401 for a well-formed but unknown token, 404 for anything else.
            code = 401 if TOKEN_SHAPE.match(token) else 404
            return _error(ApiError(code, "Unauthorized" if code == 401 else "Not Found"), {})
        entry = METHODS.get(name.lower())
        call: dict[str, Any] = {
            "method": entry[0] if entry else name,
            "params": {},
            "status": None,
            "description": None,
            "fault": None,
            "after": False,
        }
        self.calls.append(call)
        try:
            params = await read_params(request)
            call["params"] = file_summary(params)
            if entry is None:
                raise ApiError(404, "Not Found")
            response = await self._answer(request, call, entry[1], params)
        except ApiError as error:
            response = _error(error, call)
        if call["fault"] != "drop":
            call["status"] = response.status
        return response

    async def _answer(
        self, request: web.Request, call: dict[str, Any], handler: Handler, params: dict[str, Any]
    ) -> web.StreamResponse:
        fault = self.faults.next_fault(call["method"])
        if fault is not None:
            call["fault"] = fault.kind
            call["after"] = fault.after  # the method ran: its effect happened, the answer failed
        if fault is not None and not fault.after:
            early = await self._apply(request, call, fault)
            if early is not None:
                return early
        try:
            result = await handler(self.world, params)
            response: web.StreamResponse = web.json_response({"ok": True, "result": result})
        except ApiError as error:
            response = _error(error, call)
        if fault is not None and fault.after:
            late = await self._apply(request, call, fault)
            if late is not None:
                return late
        return response

    async def _apply(
        self, request: web.Request, call: dict[str, Any], fault: Fault
    ) -> web.StreamResponse | None:
        if fault.kind == "retry_after":
            return _error(too_many_requests(fault.retry_after), call)
        if fault.kind == "server_error":
            return _error(ApiError(fault.status, fault.description), call)
        if fault.kind == "slow":
            # Wait on the world, not a bare sleep, so stopping the sandbox cuts it short.
            await self.world.changes.wait_for(lambda: self.world.closing, fault.delay)
            return None
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=499)


def _error(error: ApiError, call: dict[str, Any]) -> web.Response:
    call["description"] = error.description
    return web.json_response(error.payload(), status=error.code)
