"""Bot API methods about the command menu: set, get and delete a list for a scope and language,
and the list a person's Telegram shows them in a chat (``menu_shown``).

A list belongs to a scope (``default``, ``all_private_chats``, ``all_group_chats``,
``all_chat_administrators``, or one chat, its admins, or one member of it) and a language
code ("" for everyone). A client shows the first list set, in the order the Bot API documents
("Determining list of commands"), trying the person's language before no language at each scope.
"""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.messages import ADMIN_STATUSES
from bot.sandbox.methods import api
from bot.sandbox.rules import ApiError, bad_request
from bot.sandbox.world import ChatState, World

COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100
CHATLESS_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})

# A scope as the world keys it: its type, and the chat and member it names (if any).
Scope = tuple[str, int | None, int | None]
Menu = list[dict[str, str]]


def scope_error(reason: str) -> ApiError:
    """Return the 400 Telegram gives for a scope it cannot read."""
    return bad_request(f"can't parse BotCommandScope: {reason}")


def read_scope(world: World, params: dict[str, Any]) -> Scope:
    """Return the scope a call names (the default one if none), or Telegram's refusal."""
    scope = params.get("scope")
    if scope is None:
        return ("default", None, None)
    if not isinstance(scope, dict):
        raise scope_error("BotCommandScope must be an Object")
    kind = str(scope.get("type") or "")
    if kind in CHATLESS_SCOPES:
        return (kind, None, None)
    if kind not in CHAT_SCOPES:
        raise scope_error("Unsupported type specified")
    if scope.get("chat_id") in (None, ""):
        raise scope_error("Empty chat_id specified")
    chat_id = world.resolve_chat(scope["chat_id"]).id
    if kind != "chat_member":
        return (kind, chat_id, None)
    user_id = scope.get("user_id")
    if not isinstance(user_id, int) or user_id not in world.users:
        raise bad_request("invalid user_id specified")
    return (kind, chat_id, user_id)


def key_of(scope: Scope, language: str) -> str:
    """Return the world's key for a scope's list in one language ('' for everyone)."""
    kind, chat_id, user_id = scope
    return f"{kind}|{chat_id or ''}|{user_id or ''}|{language}"


def _language(params: dict[str, Any]) -> str:
    return str(params.get("language_code") or "")


@api("setMyCommands")
async def set_my_commands(world: World, params: dict[str, Any]) -> bool:
    """Store the command list for a scope and language, validated as Telegram does.

    An empty list deletes the scope's list, so the next scope's list shows instead.
    """
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not COMMAND_NAME.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = key_of(read_scope(world, params), _language(params))
    if not commands:
        world.commands.pop(key, None)
        return True
    world.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@api("getMyCommands")
async def get_my_commands(world: World, params: dict[str, Any]) -> Menu:
    """Return the commands stored for that scope and language."""
    return world.commands.get(key_of(read_scope(world, params), _language(params)), [])


@api("deleteMyCommands")
async def delete_my_commands(world: World, params: dict[str, Any]) -> bool:
    """Forget the commands of that scope and language."""
    world.commands.pop(key_of(read_scope(world, params), _language(params)), None)
    return True


def scopes_seen(state: ChatState, user_id: int) -> list[Scope]:
    """Return the scopes a person's menu in a chat is looked up in, the most specific first."""
    if state.type == "private":
        return [("chat", state.id, None), ("all_private_chats", None, None), *_default()]
    admin = state.members.get(user_id) in ADMIN_STATUSES
    member: list[Scope] = [("chat_member", state.id, user_id)]
    if admin:
        member.append(("chat_administrators", state.id, None))
    member.append(("chat", state.id, None))
    if admin:
        member.append(("all_chat_administrators", None, None))
    return [*member, ("all_group_chats", None, None), *_default()]


def _default() -> list[Scope]:
    return [("default", None, None)]


def menu_shown(world: World, state: ChatState, user_id: int) -> Menu:
    """Return the command menu a person's Telegram shows them in a chat: the first list set,
    at each scope in their language first (the primary subtag of their language_code)."""
    user = world.find_user(user_id)
    language = str(user.get("language_code") or "").split("-")[0].lower()
    for scope in scopes_seen(state, user_id):
        for code in dict.fromkeys((language, "")):
            menu = world.commands.get(key_of(scope, code))
            if menu is not None:
                return [dict(command) for command in menu]
    return []
