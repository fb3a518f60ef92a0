"""Bot API methods about chats: getChat, members and admins, forum topics, leaving."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from bot.sandbox.messages import (
    ACTIVE_STATUSES,
    ADMIN_RIGHTS,
    ADMIN_STATUSES,
    DEFAULT_TOPIC_COLOR,
    member_object,
    strip_reply,
    user_object,
)
from bot.sandbox.methods import api
from bot.sandbox.params import required
from bot.sandbox.rules import bad_request
from bot.sandbox.world import ChatState, World

ACCEPTED_GIFT_TYPES = {
    "unlimited_gifts": True,
    "limited_gifts": True,
    "unique_gifts": True,
    "premium_subscription": True,
    "gifts_from_channels": True,
}


class Administrator(str):
    """The status "administrator" of one admin, carrying the rights they were not given.

    A chat's members map to their status; an admin's status remembers their rights, so that a
    demotion (a new status) takes the rights with it, and a migration copies them.
    """

    withheld: frozenset[str]

    def __new__(cls, withheld: Iterable[str] = ()) -> Administrator:
        rights = frozenset(withheld)
        if unknown := rights - set(ADMIN_RIGHTS):
            raise ValueError(f"no such admin rights: {', '.join(sorted(unknown))}")
        status = super().__new__(cls, "administrator")
        status.withheld = rights
        return status


def member_with_rights(user: dict[str, Any], status: str) -> dict[str, Any]:
    """Return a user's ChatMember of that status: an admin without the rights withheld."""
    member = member_object(user, str(status))
    if isinstance(status, Administrator):
        member.update(dict.fromkeys(status.withheld, False))
    return member


def readable_chat(world: World, params: dict[str, Any]) -> ChatState:
    """Return the chat a reading call names; in groups the bot must still be a member."""
    state = world.resolve_chat(required(params, "chat_id", "chat_id is empty"))
    if state.is_group:
        world.check_bot_can_post(state)
    return state


@api("getChat")
async def get_chat(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Return the ChatFullInfo of a chat."""
    state = readable_chat(world, params)
    info = copy.deepcopy(state.chat)
    info.update(
        accent_color_id=0, max_reaction_count=11, accepted_gift_types=dict(ACCEPTED_GIFT_TYPES)
    )
    return info


def status_in(world: World, state: ChatState, user_id: int) -> str:
    """Return a user's status in a chat ('left' for a stranger)."""
    if state.type == "private":
        return "member" if user_id in (state.id, world.bot_id) else "left"
    return state.members.get(user_id, "left")


@api("getChatMember")
async def get_chat_member(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Return one member's ChatMember: status plus the rights that come with it."""
    state = readable_chat(world, params)
    user_id = required(params, "user_id", "invalid user_id specified")
    if user_id not in world.users:
        raise bad_request("user not found")
    return member_with_rights(world.users[user_id], status_in(world, state, user_id))


@api("getChatAdministrators")
async def get_chat_administrators(world: World, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the creator and the admins of a group, the creator first."""
    state = readable_chat(world, params)
    if state.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [(uid, status) for uid, status in state.members.items() if status in ADMIN_STATUSES]
    admins.sort(key=lambda pair: pair[1] != "creator")
    return [member_with_rights(world.users[uid], status) for uid, status in admins]


@api("getChatMemberCount")
async def get_chat_member_count(world: World, params: dict[str, Any]) -> int:
    """Return how many members a chat has."""
    state = readable_chat(world, params)
    if state.type == "private":
        return 2
    return sum(1 for status in state.members.values() if status in ACTIVE_STATUSES)


@api("createForumTopic")
async def create_forum_topic(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Open a forum topic; the bot must be an admin of a forum supergroup."""
    state = readable_chat(world, params)
    if not state.is_forum:
        raise bad_request("the chat is not a forum")
    if state.members.get(world.bot_id) not in ADMIN_STATUSES:
        raise bad_request("not enough rights to create a topic")
    name = str(params.get("name") or "").strip()
    if not name:
        raise bad_request("TOPIC_TITLE_EMPTY")
    if len(name) > 128:
        raise bad_request("TOPIC_TITLE_TOO_LONG")
    color = int(params.get("icon_color") or DEFAULT_TOPIC_COLOR)
    topic, message = open_topic(world, state, world.bot, name, color)
    world.publish({"type": "sent", "chat_id": state.id, "message": message})
    return topic


def open_topic(
    world: World, state: ChatState, creator: dict[str, Any], name: str, color: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Create a topic: its id is the id of its forum_topic_created service message."""
    created = {"name": name, "icon_color": color}
    message = world.compose(state, creator, {"forum_topic_created": created})
    thread_id = message["message_id"]
    message.update(message_thread_id=thread_id, is_topic_message=True)
    world.store(state, message)
    topic = {"message_thread_id": thread_id, "name": name, "icon_color": color}
    state.topics[thread_id] = topic
    return dict(topic), strip_reply(message)


@api("leaveChat")
async def leave_chat(world: World, params: dict[str, Any]) -> bool:
    """Make the bot leave a group; it gets the my_chat_member update like on Telegram."""
    state = readable_chat(world, params)
    if state.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    old = state.members.get(world.bot_id, "left")
    state.members[world.bot_id] = "left"
    world.deliver("my_chat_member", member_change(world, state, world.bot, old, "left"))
    return True


def member_change(
    world: World,
    state: ChatState,
    by: dict[str, Any],
    old: str,
    new: str,
    subject: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a ChatMemberUpdated: ``subject`` (the bot by default) went from old to new."""
    subject = subject or world.bot
    return {
        "chat": copy.deepcopy(state.chat),
        "from": user_object(by),
        "date": world.now(),
        "old_chat_member": member_with_rights(subject, old),
        "new_chat_member": member_with_rights(subject, new),
    }
