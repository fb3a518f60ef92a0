"""The web chat's HTTP side: the page, its JSON API and the live event stream."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from bot.sandbox import Sandbox
from bot.webchat import buttons
from bot.webchat.group import ensure_member
from bot.webchat.parts import MAX_UNITS, split_message
from bot.webchat.quotes import quote_of
from bot.webchat.views import (
    chat_view,
    member_views,
    message_view,
    message_views,
    poll_view,
    sent_records,
)

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# A paste of a whole book would flood the chat: past this many parts, the page is told so.
MAX_PARTS = 16
KEEPALIVE_SECONDS = 15.0
# The page loads nothing from elsewhere and runs only its own script, so even markup that
# slipped past the sanitiser could not run.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
CLOSING: dict[str, Any] = {"type": "closing"}

NO_CLOCK = "this web chat has no bot clock to move: run python -m bot without a token"


class ClockHook(Protocol):
    """The running bot's clock, which the page's buttons move (see bot.demo.clock)."""

    async def read(self, chat_id: int) -> Mapping[str, Any]:
        """Return now, in the chat's time zone, and where each button would take it."""

    async def move(self, chat_id: int, to: str) -> Mapping[str, Any]:
        """Move to "evening", "morning", "week" or a YYYY-MM-DD day; run what falls due.

        The move runs to its end even if the request is cancelled (the page went away), and
        its answer's ``summary`` says what the chat received, in the chat's language.
        """

    async def finish(self) -> None:
        """Wait for the moves under way."""


class WebChatHandlers:
    """Request handlers bound to one sandbox and its demo group."""

    def __init__(self, sandbox: Sandbox, chat_id: int, clock: ClockHook | None) -> None:
        self.sandbox = sandbox
        self.chat_id = chat_id
        self.clock = clock
        self.streams: set[asyncio.Queue[dict[str, Any]]] = set()

    def routes(self) -> list[web.AbstractRouteDef]:
        """Return every route of the web chat."""
        return [
            web.get("/", self.page),
            web.get("/api/state", self.state),
            web.post("/api/send", self.send),
            web.post("/api/press", self.press),
            web.post("/api/members", self.add_member),
            web.post("/api/private", self.private),
            web.post("/api/react", self.react),
            web.post("/api/vote", self.vote),
            web.get("/api/clock", self.read_clock),
            web.post("/api/clock", self.move_clock),
            web.get("/api/events", self.events),
            web.get("/api/file/{chat_id}/{message_id}", self.file),
            web.static("/static", STATIC_DIR),
        ]

    def close_streams(self) -> None:
        """Tell every open event stream to finish, so stopping does not wait on them."""
        for queue in list(self.streams):
            queue.put_nowait(CLOSING)

    async def page(self, _: web.Request) -> web.StreamResponse:
        """GET /: the chat page."""
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def state(self, request: web.Request) -> web.Response:
        """GET /api/state: the chats, the members and every message of one chat."""
        chat_id = self.chat_of(request.query.get("chat_id"))
        bot = self.sandbox.bot_user
        chats = [
            chat_view(state.chat)
            for state in self.sandbox.world.chats.values()
            if (state.is_group or state.type == "private") and state.migrated_to is None
        ]
        return web.json_response(
            {
                "chat": chat_view(self.sandbox.world.find_chat(chat_id).chat),
                "chats": chats,
                "bot": {"id": bot["id"], "name": bot["first_name"]},
                "members": member_views(self.sandbox, chat_id),
                "messages": message_views(self.sandbox, chat_id),
            }
        )

    async def send(self, request: web.Request) -> web.Response:
        """POST /api/send {chat_id, user_id | name, text, reply_to, quote}: post as a member.

        ``quote`` is ``{"text": what was selected, "offset": where on the page}``: the reply
        then quotes that part of the message it answers, as Telegram's ``quote`` field. A text
        over Telegram's limit goes as several messages, as Telegram's apps send it (``parts``).
        """
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        parts = parts_of(body.get("text"))
        user_id = await self.sender_of(chat_id, body)
        reply_to = optional_int(body.get("reply_to"), "reply_to")
        quote = self.quote_for(chat_id, reply_to, body.get("quote"))
        views: list[dict[str, Any]] = []
        for part in parts:
            # Every part answers the same message; the quote goes with the first only.
            message = await self.sandbox.send_message(
                chat_id, user_id, part, reply_to=reply_to, quote=None if views else quote
            )
            views.append(message_view(self.sandbox, message))
        return web.json_response({"message": views[0], "messages": views})

    async def press(self, request: web.Request) -> web.Response:
        """POST /api/press {chat_id, user_id, message_id, data}: press a bot message's button
        as a member; answer with the bot's popup ({"answer": {"text", "alert"}})."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        user_id = await self.sender_of(chat_id, body)
        message_id = optional_int(body.get("message_id"), "message_id")
        if message_id is None or not isinstance(body.get("data"), str):
            raise ValueError("a press names a message_id and the button's data")
        answer = await buttons.press(self.sandbox, chat_id, user_id, message_id, body["data"])
        return web.json_response({"answer": answer})

    def quote_for(self, chat_id: int, reply_to: int | None, quote: Any) -> dict[str, Any] | None:
        """Return the TextQuote fields for a selection in the replied-to message, or None."""
        if quote is None:
            return None
        text = quote.get("text") if isinstance(quote, dict) else None
        if reply_to is None or not isinstance(text, str):
            raise ValueError('a quote is {"text": ...} on a reply')
        parent = self.sandbox.world.find_chat(chat_id).messages.get(reply_to)
        if parent is None:
            raise LookupError(f"no message {reply_to} in chat {chat_id}")
        return quote_of(parent, text, optional_int(quote.get("offset"), "offset"))

    async def add_member(self, request: web.Request) -> web.Response:
        """POST /api/members {chat_id, name}: a new person joins (or the existing one is named)."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        if not self.sandbox.world.find_chat(chat_id).is_group:
            raise ValueError("only a group has members to add")
        user = await ensure_member(self.sandbox, chat_id, str(body.get("name") or ""))
        members = member_views(self.sandbox, chat_id)
        return web.json_response({"member": {"id": user["id"]}, "members": members})

    async def private(self, request: web.Request) -> web.Response:
        """POST /api/private {user_id}: open a member's private chat with the bot.

        The first time, the member sends ``/start`` there, as anyone opening a bot does.
        """
        body = await read_json(request)
        user_id = optional_int(body.get("user_id"), "user_id")
        if user_id is None:
            raise ValueError("user_id is required")
        chat = await self.sandbox.create_private_chat(user_id)
        if not self.sandbox.messages(chat["id"]):
            await self.sandbox.send_message(chat["id"], user_id, "/start")
        return web.json_response({"chat": chat_view(chat)})

    async def react(self, request: web.Request) -> web.Response:
        """POST /api/react {chat_id, message_id, user_id, emoji}: a member taps a reaction.

        As in Telegram's apps without Premium, a person has one reaction on a message: tapping
        another replaces it, tapping the same one again takes it back.
        """
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        message_id = optional_int(body.get("message_id"), "message_id") or 0
        user_id = await self.sender_of(chat_id, body)
        emoji = str(body.get("emoji") or "")
        state = self.sandbox.world.find_chat(chat_id)
        mine = state.reactions.get(message_id, {}).get(user_id, [])
        await self.sandbox.react(chat_id, user_id, message_id, [] if mine == [emoji] else [emoji])
        return web.json_response({"reactions": self.sandbox.reactions_on(chat_id, message_id)})

    async def vote(self, request: web.Request) -> web.Response:
        """POST /api/vote {chat_id, message_id, user_id, option}: a member votes in a poll."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        message_id = optional_int(body.get("message_id"), "message_id") or 0
        option = optional_int(body.get("option"), "option")
        user_id = await self.sender_of(chat_id, body)
        await self.sandbox.vote(chat_id, user_id, message_id, [] if option is None else [option])
        message = self.sandbox.world.find_chat(chat_id).messages[message_id]
        return web.json_response({"poll": poll_view(message.get("poll"))})

    async def read_clock(self, request: web.Request) -> web.Response:
        """GET /api/clock?chat_id=: the bot's now, and where each button would take it."""
        chat_id = self.chat_of(request.query.get("chat_id"))
        if self.clock is None:
            return web.json_response({"clock": None})
        return web.json_response({"clock": dict(await self.clock.read(chat_id))})

    async def move_clock(self, request: web.Request) -> web.Response:
        """POST /api/clock {chat_id, to}: move time forward; the bot posts what falls due."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        to = body.get("to")
        if not isinstance(to, str):
            raise ValueError('"to" is "evening", "morning", "week" or a YYYY-MM-DD date')
        if self.clock is None:
            raise LookupError(NO_CLOCK)
        return web.json_response({"clock": dict(await self.clock.move(chat_id, to))})

    async def events(self, request: web.Request) -> web.StreamResponse:
        """GET /api/events?chat_id=: Server-Sent Events with the chat's new messages."""
        chat_id = self.chat_of(request.query.get("chat_id"))
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        queue = self.sandbox.subscribe()
        self.streams.add(queue)
        try:
            await response.prepare(request)
            await response.write(sse({"type": "hello", "chat_id": chat_id}))
            await self.pump(queue, response, chat_id)
        except ConnectionError:
            # The page went away: nothing left to tell it.
            pass
        finally:
            self.streams.discard(queue)
            self.sandbox.unsubscribe(queue)
        return response

    async def pump(
        self, queue: asyncio.Queue[dict[str, Any]], response: web.StreamResponse, chat_id: int
    ) -> None:
        """Write the chat's events to the stream until told to close."""
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event is CLOSING:
                return
            for payload in self.payloads(event, chat_id):
                await response.write(sse(payload))

    def payloads(self, event: dict[str, Any], chat_id: int) -> list[dict[str, Any]]:
        """Return what the page needs to hear about one sandbox event in its chat."""
        if event.get("chat_id") != chat_id:
            return []
        kind = event["type"]
        if kind == "deleted":
            return [{"type": "deleted", "message_id": event["message_id"]}]
        if kind == "member":
            return [{"type": "members", "members": member_views(self.sandbox, chat_id)}]
        if kind == "reactions":
            message_id, totals = event["message_id"], event["totals"]
            return [{"type": "reactions", "message_id": message_id, "reactions": totals}]
        if kind == "poll":
            kind = "edited"  # a vote changes the poll message's totals
        if kind not in ("message", "sent", "edited"):
            return []
        message = event["message"]
        record = sent_records(self.sandbox, chat_id).get(message["message_id"])
        view = message_view(self.sandbox, message, record)
        out: list[dict[str, Any]] = [
            {"type": "edited" if kind == "edited" else "message", "message": view}
        ]
        if "new_chat_members" in message or "left_chat_member" in message:
            out.append({"type": "members", "members": member_views(self.sandbox, chat_id)})
        return out

    async def file(self, request: web.Request) -> web.Response:
        """GET /api/file/{chat_id}/{message_id}: download a file the bot sent."""
        chat_id = self.chat_of(request.match_info["chat_id"])
        message_id = optional_int(request.match_info["message_id"], "message_id")
        record = sent_records(self.sandbox, chat_id).get(message_id or 0)
        if record is None or record.get("document") is None:
            raise web.HTTPNotFound(text="no such file")
        document = record["document"]
        name = re.sub(r"[^\w.-]", "_", document.get("filename") or "file")
        headers = {
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Security-Policy": "sandbox",
        }
        mime = document.get("mime_type") or "application/octet-stream"
        return web.Response(body=document["data"], content_type=mime, headers=headers)

    def chat_of(self, value: Any) -> int:
        """Return the chat a request names (the demo group if none); LookupError if unknown.

        A group, or a member's private chat with the bot.
        """
        chat_id = optional_int(value, "chat_id")
        chat_id = self.chat_id if chat_id is None else chat_id
        state = self.sandbox.world.find_chat(chat_id)
        if not state.is_group and state.type != "private":
            raise LookupError(f"chat {chat_id} is not a group or a private chat")
        return chat_id

    async def sender_of(self, chat_id: int, body: dict[str, Any]) -> int:
        """Return who posts: ``user_id`` if given, else the member called ``name`` (new or not)."""
        user_id = optional_int(body.get("user_id"), "user_id")
        if self.sandbox.world.find_chat(chat_id).type == "private":
            # Only its person writes in a private chat with the bot.
            if user_id not in (None, chat_id):
                raise ValueError(f"only user {chat_id} writes in this private chat")
            return chat_id
        if user_id is not None:
            return user_id
        user = await ensure_member(self.sandbox, chat_id, str(body.get("name") or ""))
        return int(user["id"])


def parts_of(text: Any) -> list[str]:
    """Return the messages a typed text goes as; ValueError if it is empty or far too long."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    parts = split_message(text)
    if len(parts) > MAX_PARTS:
        raise ValueError(f"text is longer than {MAX_PARTS} messages of {MAX_UNITS} characters")
    return parts


def optional_int(value: Any, name: str) -> int | None:
    """Return ``value`` as an int (None stays None); ValueError names the field otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number") from None


async def read_json(request: web.Request) -> dict[str, Any]:
    """Return a POST's JSON object; only JSON, so other sites cannot post without CORS."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send application/json")
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise ValueError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def sse(payload: dict[str, Any]) -> bytes:
    """Return one Server-Sent Event carrying ``payload`` as JSON."""
    return f"data: {json.dumps(payload)}\n\n".encode()


@web.middleware
async def guard(request: web.Request, handler: Callable[..., Awaitable[Any]]) -> Any:
    """Answer bad input with a 400 and a reason, and send the page's security headers."""
    try:
        response = await handler(request)
    except (ValueError, LookupError) as error:
        logger.debug("web chat: %s %s refused: %s", request.method, request.path, error)
        response = web.json_response({"error": str(error)}, status=400)
    if response.prepared:
        return response
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response
