"""Reply threads: every reply under the bot's post, at any depth, stored before anything else.

Only the discussion of the bot's own posts is kept. A message belongs to a thread when it replies
to the post or to a stored reply, when it is a plain message in the post's forum topic, or when
it is said to the bot in a private chat. Other group chatter is never stored.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.handlers.runtime import Commons, commons

logger = logging.getLogger(__name__)

CURIOUS_TAG = re.compile(r"(?i)#curious\b")

# Message attribute -> the kind we store; the first one present wins.
KINDS = (
    ("photo", "photo"),
    ("video", "video"),
    ("animation", "animation"),
    ("voice", "voice"),
    ("video_note", "video"),
    ("audio", "audio"),
    ("sticker", "sticker"),
    ("document", "document"),
)


def kind_and_text(message: Message) -> tuple[str, str]:
    """Return what kind of message this is and its text (caption, or a sticker's emoji)."""
    if message.text is not None:
        return "text", message.text
    for attribute, kind in KINDS:
        if getattr(message, attribute):
            if kind == "sticker":
                return kind, message.sticker.emoji or ""  # type: ignore[union-attr]
            return kind, message.caption or ""
    return "other", message.caption or ""


def opens_topic(message: Message) -> bool:
    """True if the message's reply_to is only its forum topic's opening, not a real reply."""
    reply = message.reply_to_message
    if reply is None or not message.is_topic_message:
        return False
    return reply.forum_topic_created is not None or reply.message_id == message.message_thread_id


async def topic_or_private_root(state: Commons, message: Message) -> int | None:
    """Return the post a non-reply belongs to (its topic's, or a private chat's latest)."""
    chat_id, topic = message.chat_id, message.message_thread_id
    if message.is_topic_message and topic:
        post = await state.store.latest_passage_in_topic(chat_id, topic)
    elif message.chat.type == "private":
        post = await state.store.last_post(chat_id, "passage")
    else:
        return None  # group chatter is never stored
    return post["message_id"] if post is not None else None


def author_of(message: Message) -> tuple[int | None, int | None, str, str | None]:
    """Return (user_id, sender_chat_id, name, username) of whoever wrote the message."""
    if message.sender_chat is not None:
        # A channel or an anonymous admin speaks as a chat, not as a person.
        sender = message.sender_chat
        return None, sender.id, sender.title or sender.username or "", None
    user = message.from_user
    if user is None:
        return None, None, "", None
    return user.id, None, user.first_name, user.username


async def remember_author(state: Commons, message: Message) -> tuple[int | None, int | None]:
    """Store the author's name; return (user_id, sender_chat_id)."""
    user_id, sender_chat_id, name, username = author_of(message)
    if sender_chat_id is not None:
        await state.store.upsert_sender_chat(sender_chat_id, title=name)
    elif user_id is not None:
        await state.store.upsert_user(user_id, first_name=name, username=username)
    return user_id, sender_chat_id


def message_row(
    message: Message, root: int, parent: int, author: tuple[int | None, int | None]
) -> dict[str, Any]:
    """Return the archive row for a thread message."""
    kind, text = kind_and_text(message)
    return {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "root_message_id": root,
        "reply_to_message_id": parent,
        "user_id": author[0],
        "sender_chat_id": author[1],
        "kind": kind,
        "text": text,
        "date": int(message.date.timestamp()),
    }


async def record_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a message that belongs to one of the bot's threads, and any #curious in it."""
    message = update.message
    if message is None:
        return
    state = commons(context)
    user_id, sender_chat_id, name, username = author_of(message)
    if message.reply_to_message is not None and not opens_topic(message):
        # The common case, in one trip to the database: the store finds the thread.
        parent = message.reply_to_message.message_id
        row = message_row(message, 0, parent, (user_id, sender_chat_id))
        await state.store.store_reply(row, name=name, username=username)
    elif (root := await topic_or_private_root(state, message)) is not None:
        row = message_row(message, root, root, (user_id, sender_chat_id))
        await state.store.store_authored(row, name=name, username=username)
    if message.text and CURIOUS_TAG.search(message.text):
        from bot.handlers.curiosity import record_curiosity

        await record_curiosity(
            update, context, " ".join(CURIOUS_TAG.sub("", message.text).split())
        )


async def record_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message replaces the stored text, if we stored it."""
    message = update.edited_message
    if message is None:
        return
    _, text = kind_and_text(message)
    edited_at = int((message.edit_date or message.date).timestamp())
    await commons(context).store.edit_message(
        message.chat_id, message.message_id, text=text, edited_at=edited_at
    )
