"""Sending into a chat: the right forum topic, group migration and removal, each handled once."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import Application

from bot.handlers.runtime import COMMONS_KEY, Commons

logger = logging.getLogger(__name__)


def topic_of(chat: dict[str, Any]) -> int | None:
    """Return the forum topic to post into, or None for General or a chat without topics.

    Only a real forum topic id is ever used: in a plain supergroup a ``message_thread_id`` is
    a reply chain's root, and sending with it fails with "message thread not found".
    """
    if chat.get("is_forum") and chat.get("topic_thread_id"):
        return int(chat["topic_thread_id"])
    return None


async def send_to_chat(
    app: Application, chat: dict[str, Any], text: str, **kwargs: Any
) -> Message | None:
    """Send HTML to a chat, following a migration once; None if the bot was removed."""
    kwargs.setdefault("message_thread_id", topic_of(chat))
    try:
        return await app.bot.send_message(chat["id"], text, **kwargs)
    except ChatMigrated as migrated:
        new_chat = await follow_migration(app, chat["id"], migrated.new_chat_id)
        return await app.bot.send_message(new_chat["id"], text, **kwargs)
    except Forbidden:
        await mark_removed(app, chat["id"])
        return None
    except BadRequest as error:
        if "chat not found" not in error.message.lower():
            raise
        # The chat is gone (deleted, or a sandbox from an earlier run): stop posting to it.
        await mark_removed(app, chat["id"])
        return None


async def send_document_to_chat(
    app: Application, chat: dict[str, Any], filename: str, data: bytes, caption: str
) -> Message | None:
    """Send a file to a chat, with the same topic and removal handling as ``send_to_chat``."""
    try:
        return await app.bot.send_document(
            chat["id"],
            document=data,
            filename=filename,
            caption=caption,
            message_thread_id=topic_of(chat),
        )
    except Forbidden:
        await mark_removed(app, chat["id"])
        return None


async def follow_migration(app: Application, old_id: int, new_id: int) -> dict[str, Any]:
    """Move a group's archive and schedule to its new supergroup id; return the new chat."""
    from bot.handlers.jobs import schedule_chat, unschedule_chat

    state: Commons = app.bot_data[COMMONS_KEY]
    # Both the old and the new chat announce the move; moving twice is a no-op.
    await state.store.migrate_chat(old_id, new_id)
    unschedule_chat(app, old_id)
    moved = await state.store.get_chat(new_id)
    if moved is None:  # a chat the bot never registered: nothing to move
        return {"id": new_id, "is_forum": False, "topic_thread_id": None}
    logger.info("chat %s migrated to %s", old_id, new_id)
    chat = await state.store.register_chat(
        new_id,
        type="supergroup",
        title=moved["title"],
        username=moved["username"],
        is_forum=moved["is_forum"],
        now=state.timestamp(),
    )
    schedule_chat(app, chat)
    return chat


async def mark_removed(app: Application, chat_id: int) -> None:
    """Record that the bot can no longer post in a chat; keep its archive until purged."""
    from bot.handlers.jobs import unschedule_chat

    state: Commons = app.bot_data[COMMONS_KEY]
    await state.store.set_active(chat_id, False)
    unschedule_chat(app, chat_id)
    logger.info("chat %s removed the bot; marked inactive", chat_id)
