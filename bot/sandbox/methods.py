"""Bot API methods about the bot itself: getMe, getUpdates, webhooks, callbacks.

Every method is an ``async (world, params) -> result`` registered under its Bot API name;
``METHODS`` maps the lower-cased name (Telegram ignores case) to the canonical name and handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.rules import ApiError, bad_request
from bot.sandbox.world import ALL_UPDATE_TYPES, DEFAULT_UPDATE_TYPES, World

Handler = Callable[[World, dict[str, Any]], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}
LONG_POLL_CAP = 50.0  # Telegram answers a long poll after at most about 50 seconds
MAX_ANSWER_CHARS = 200  # a button press's popup text


def api(name: str) -> Callable[[Handler], Handler]:
    """Register a handler as the Bot API method ``name``."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


@api("getMe")
async def get_me(world: World, _: dict[str, Any]) -> dict[str, Any]:
    """Return the bot's User, with its capabilities."""
    return dict(world.bot)


@api("getUpdates")
async def get_updates(world: World, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Long-poll: answer as soon as updates wait, or with [] when ``timeout`` runs out."""
    if world.webhook["url"]:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    if "allowed_updates" in params:
        _set_allowed_updates(world, params["allowed_updates"])
    world.confirm(int(params.get("offset") or 0))
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    timeout = min(max(float(params.get("timeout") or 0), 0.0), LONG_POLL_CAP)
    poller = object()
    world.poller = poller
    world.changes.notify()
    await world.changes.wait_for(
        lambda: bool(world.updates) or world.poller is not poller or world.closing, timeout
    )
    if world.poller is not poller:
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )
    world.poller = None
    return world.updates[:limit]


def _set_allowed_updates(world: World, allowed: Any) -> None:
    if not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON array")
    kinds = frozenset(str(kind) for kind in allowed) & ALL_UPDATE_TYPES
    world.allowed_updates = kinds or DEFAULT_UPDATE_TYPES


@api("setWebhook")
async def set_webhook(world: World, params: dict[str, Any]) -> bool:
    """Record the webhook (the sandbox never calls it); getUpdates then answers 409."""
    url = str(params.get("url") or "")
    world.webhook = {"url": url, **{k: v for k, v in params.items() if k != "url"}}
    if url and params.get("drop_pending_updates"):
        world.updates.clear()
    return True


@api("deleteWebhook")
async def delete_webhook(world: World, params: dict[str, Any]) -> bool:
    """Forget the webhook; drop waiting updates if asked."""
    world.webhook = {"url": ""}
    if params.get("drop_pending_updates"):
        world.updates.clear()
        world.changes.notify()
    return True


@api("getWebhookInfo")
async def get_webhook_info(world: World, _: dict[str, Any]) -> dict[str, Any]:
    """Return the WebhookInfo Telegram would give."""
    return {
        "url": world.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }


@api("answerCallbackQuery")
async def answer_callback_query(world: World, params: dict[str, Any]) -> bool:
    """Answer a button press once; an unknown or answered query fails as on Telegram."""
    entry = world.callbacks.get(str(params.get("callback_query_id")))
    if entry is None or entry["answer"] is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    if len(str(params.get("text") or "")) > MAX_ANSWER_CHARS:
        raise bad_request("MESSAGE_TOO_LONG")
    entry["answer"] = {k: v for k, v in params.items() if k != "callback_query_id"}
    world.publish({"type": "answered", **entry})
    return True


@api("close")
async def close(_: World, __: dict[str, Any]) -> bool:
    """Accept close() (Telegram would refuse it for 10 minutes after launch)."""
    return True


@api("logOut")
async def log_out(_: World, __: dict[str, Any]) -> bool:
    """Accept logOut()."""
    return True
