"""What a t.me message link opens, as a Telegram app resolves it: a chat and a message id.

``https://t.me/c/<id>/<message>`` opens a message of a private supergroup (its id without the
-100 prefix), ``https://t.me/<username>/<message>`` one of a public chat; a topic link
(``/c/<id>/<topic>/<message>``) opens the message too.
"""

from __future__ import annotations

import re

from bot.sandbox.world import World

PRIVATE_LINK = re.compile(r"https?://t\.me/c/(\d+)/(?:\d+/)?(\d+)/?(?:[?#].*)?")
PUBLIC_LINK = re.compile(r"https?://t\.me/([A-Za-z]\w{3,31})/(?:\d+/)?(\d+)/?(?:[?#].*)?")


def linked_message(world: World, url: str) -> tuple[int, int] | None:
    """Return (chat id, message id) of the sandbox message a link opens, or None."""
    url = url.strip()
    if match := PRIVATE_LINK.fullmatch(url):
        chat_id, message_id = int(f"-100{match[1]}"), int(match[2])
    elif match := PUBLIC_LINK.fullmatch(url):
        named = _chat_named(world, match[1])
        if named is None:
            return None
        chat_id, message_id = named, int(match[2])
    else:
        return None
    state = world.chats.get(chat_id)
    if state is None or message_id not in state.messages:
        return None
    return chat_id, message_id


def _chat_named(world: World, username: str) -> int | None:
    wanted = username.lower()
    for chat_id, state in world.chats.items():
        if (state.chat.get("username") or "").lower() == wanted:
            return chat_id
    return None
