"""The web chat's HTTP side: the page, its JSON API and the live event stream."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox import Sandbox
from bot.webchat.demo import ensure_member, group_admin
from bot.webchat.views import (
    chat_view,
    member_views,
    message_view,
    message_views,
    sent_records,
)

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4096  # what Telegram accepts in one message
KEEPALIVE_SECONDS = 15.0
# The page loads nothing from elsewhere and runs only its own script, so even markup that
# slipped past the sanitiser could not run.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
CLOSING: dict[str, Any] = {"type": "closing"}

EveningHook = Callable[[int], Awaitable[None]]


class WebChatHandlers:
    """Request handlers bound to one sandbox and its demo group."""

    def __init__(self, sandbox: Sandbox, chat_id: int, on_evening: EveningHook | None) -> None:
        self.sandbox = sandbox
        self.chat_id = chat_id
        self.on_evening = on_evening
        self.streams: set[asyncio.Queue[dict[str, Any]]] = set()

    def routes(self) -> list[web.AbstractRouteDef]:
        """Return every route of the web chat."""
        return [
            web.get("/", self.page),
            web.get("/api/state", self.state),
            web.post("/api/send", self.send),
            web.post("/api/members", self.add_member),
            web.post("/api/evening", self.evening),
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
            if state.is_group and state.migrated_to is None
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
        """POST /api/send {chat_id, user_id | name, text, reply_to}: post as a member."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text must be a non-empty string")
        if len(text) > MAX_TEXT:
            raise ValueError(f"text is longer than {MAX_TEXT} characters")
        user_id = await self.sender_of(chat_id, body)
        reply_to = optional_int(body.get("reply_to"), "reply_to")
        message = await self.sandbox.send_message(chat_id, user_id, text, reply_to=reply_to)
        return web.json_response({"message": message_view(self.sandbox, message)})

    async def add_member(self, request: web.Request) -> web.Response:
        """POST /api/members {chat_id, name}: a new person joins (or the existing one is named)."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        user = await ensure_member(self.sandbox, chat_id, str(body.get("name") or ""))
        members = member_views(self.sandbox, chat_id)
        return web.json_response({"member": {"id": user["id"]}, "members": members})

    async def evening(self, request: web.Request) -> web.Response:
        """POST /api/evening {chat_id}: skip to evening, so the bot posts the digest now."""
        body = await read_json(request)
        chat_id = self.chat_of(body.get("chat_id"))
        if self.on_evening is not None:
            await self.on_evening(chat_id)
            return web.json_response({"ok": True, "via": "hook"})
        await self.sandbox.send_message(chat_id, group_admin(self.sandbox, chat_id), "/digest")
        return web.json_response({"ok": True, "via": "command"})

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
        """Return the group a request names (the demo group if none); LookupError if unknown."""
        chat_id = optional_int(value, "chat_id")
        chat_id = self.chat_id if chat_id is None else chat_id
        state = self.sandbox.world.find_chat(chat_id)
        if not state.is_group:
            raise LookupError(f"chat {chat_id} is not a group")
        return chat_id

    async def sender_of(self, chat_id: int, body: dict[str, Any]) -> int:
        """Return who posts: ``user_id`` if given, else the member called ``name`` (new or not)."""
        user_id = optional_int(body.get("user_id"), "user_id")
        if user_id is not None:
            return user_id
        user = await ensure_member(self.sandbox, chat_id, str(body.get("name") or ""))
        return int(user["id"])


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
