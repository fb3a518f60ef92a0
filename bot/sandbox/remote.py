"""Running the sandbox on its own: ``serve()`` and the control API over HTTP (``/sandbox/...``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox.params import file_summary
from bot.sandbox.server import Sandbox

CONTROL_ACTIONS = frozenset(
    {
        "create_user",
        "create_group",
        "create_supergroup",
        "create_channel",
        "create_private_chat",
        "create_topic",
        "add_member",
        "set_admin",
        "add_bot",
        "remove_bot",
        "block_bot",
        "set_privacy",
        "send_message",
        "edit_message",
        "click_button",
        "migrate_to_supergroup",
    }
)


def jsonable_record(record: dict[str, Any]) -> dict[str, Any]:
    """Return a sent-message record with uploaded bytes replaced by their size."""
    out = dict(record, params=file_summary(record["params"]))
    document = record.get("document")
    if document is not None:
        out["document"] = {
            "filename": document["filename"],
            "mime_type": document["mime_type"],
            "size": len(document["data"]),
        }
    return out


def add_control_routes(sandbox: Sandbox) -> None:
    """Expose the control API under ``/sandbox/`` (call before ``start``).

    ``POST /sandbox/<action>`` with a JSON object of keyword arguments runs that control method,
    e.g. ``send_message`` with ``{"chat": -4000000001, "user": 5000001, "text": "/start"}``;
    ``GET /sandbox/chats/<id>/sent`` and ``/messages`` read a chat back.
    """

    async def act(request: web.Request) -> web.Response:
        action = request.match_info["action"]
        if action not in CONTROL_ACTIONS:
            return web.json_response({"ok": False, "description": "unknown action"}, status=404)
        try:
            kwargs = await request.json() if request.can_read_body else {}
            result = await getattr(sandbox, action)(**kwargs)
        except (TypeError, ValueError, LookupError) as error:
            return web.json_response({"ok": False, "description": str(error)}, status=400)
        return web.json_response({"ok": True, "result": result})

    async def sent(request: web.Request) -> web.Response:
        records = sandbox.sent_messages(int(request.match_info["chat_id"]))
        return web.json_response([jsonable_record(r) for r in records], dumps=_dumps)

    async def messages(request: web.Request) -> web.Response:
        try:
            return web.json_response(sandbox.messages(int(request.match_info["chat_id"])))
        except LookupError as error:
            return web.json_response({"ok": False, "description": str(error)}, status=404)

    sandbox.app.router.add_post("/sandbox/{action}", act)
    sandbox.app.router.add_get("/sandbox/chats/{chat_id}/sent", sent)
    sandbox.app.router.add_get("/sandbox/chats/{chat_id}/messages", messages)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def seed_world(sandbox: Sandbox) -> dict[str, Any]:
    """Create two readers and a group with the bot in it; return them by name."""
    ada = await sandbox.create_user("Ada", "ada")
    ben = await sandbox.create_user("Ben", "ben")
    group = await sandbox.create_group("Commons readers", [ada, ben], with_bot=True)
    return {"ada": ada, "ben": ben, "group": group}


async def serve(
    host: str = "127.0.0.1",
    port: int = 8081,
    *,
    echo: Callable[[str], None] = print,
    seed: bool = True,
    **options: Any,
) -> None:
    """Run a sandbox until cancelled (Ctrl-C), printing its base URL and how to drive it.

    ``options`` go to ``Sandbox`` (token, limits, bot_username, ...). With ``seed`` a group
    with two readers and the bot is ready, so a bot pointed at it has somewhere to talk.
    """
    sandbox = Sandbox(**options)
    add_control_routes(sandbox)
    await sandbox.start(host, port)
    try:
        echo(f"Bot API sandbox listening on {sandbox.base_url}")
        echo(f"  TELEGRAM_BASE_URL={sandbox.base_url} TELEGRAM_BOT_TOKEN={sandbox.token}")
        if seed:
            world = await seed_world(sandbox)
            _print_seed(echo, sandbox, world)
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def _print_seed(echo: Callable[[str], None], sandbox: Sandbox, world: dict[str, Any]) -> None:
    group, ada = world["group"], world["ada"]
    control = sandbox.base_url.removesuffix("/bot") + "/sandbox"
    users = f"Ada {ada['id']}, Ben {world['ben']['id']}"
    echo(f"  group {group['title']!r} id {group['id']}; users {users}")
    body = json.dumps({"chat": group["id"], "user": ada["id"], "text": "/start"})
    echo(f"  say something: curl -X POST {control}/send_message -d '{body}'")
    echo(f"  read the bot's replies: curl {control}/chats/{group['id']}/sent")
