"""The demo world the web chat opens on: one reading group of five people and the bot."""

from __future__ import annotations

from typing import Any

from bot.sandbox import Sandbox
from bot.webchat.views import PRESENT_STATUSES, display_name

DEMO_TITLE = "Commons Reading Group"
# The first is the group's creator, so its admin: the one who can change the bot's settings.
DEMO_MEMBERS = ("Ana", "Bo", "Cy", "Dee", "Eli")


def find_group(sandbox: Sandbox, title: str) -> int | None:
    """Return the id of the supergroup with that title, if the sandbox has one."""
    for chat_id, state in sandbox.world.chats.items():
        if state.type == "supergroup" and state.chat.get("title") == title:
            return chat_id
    return None


async def ensure_demo_group(sandbox: Sandbox, language_code: str = "en") -> int:
    """Return the demo group's id, creating it with its members and the bot the first time.

    The members use Telegram in ``language_code``, so the bot speaks it from its welcome on.
    """
    existing = find_group(sandbox, DEMO_TITLE)
    if existing is not None:
        return existing
    people = [
        await sandbox.create_user(name, name.lower(), language_code=language_code)
        for name in DEMO_MEMBERS
    ]
    group = await sandbox.create_supergroup(DEMO_TITLE, people)
    # As an admin the bot sees replies to replies, so it can keep whole threads.
    await sandbox.add_bot(group, by=people[0], admin=True)
    return int(group["id"])


def group_admin(sandbox: Sandbox, chat_id: int) -> int:
    """Return a person who runs the group: its creator, else any administrator."""
    state = sandbox.world.find_chat(chat_id)
    ranked = sorted(state.members.items(), key=lambda item: item[1] != "creator")
    for user_id, status in ranked:
        if status in ("creator", "administrator") and user_id != sandbox.world.bot_id:
            return user_id
    raise LookupError(f"chat {chat_id} has no admin")


async def ensure_member(sandbox: Sandbox, chat_id: int, name: str) -> dict[str, Any]:
    """Return the member of that name (any case), adding a new person to the group if needed."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a member needs a name")
    state = sandbox.world.find_chat(chat_id)
    for user_id, status in state.members.items():
        user = sandbox.world.users[user_id]
        present = status in PRESENT_STATUSES and not user.get("is_bot")
        if present and display_name(user).casefold() == name.casefold():
            return user
    user = await sandbox.create_user(name[:64])
    await sandbox.add_member(chat_id, user)
    return user
