"""What a member said, read from a message as the Bot API spells it (its JSON).

The archive reads each fetched batch in this form before python-telegram-bot parses it, and the
handlers read a parsed message through ``Message.to_dict()``, so each rule is written once
here: which kind a message is, who wrote it, whether it answers a message or only sits in its
forum topic, and whether it is a command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

Json = Mapping[str, Any]

# The fields that make a message a service message, as the Bot API names them
# (python-telegram-bot's filters.StatusUpdate.ALL reads the same ones).
SERVICE_FIELDS = (
    "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
    "delete_chat_photo", "group_chat_created", "supergroup_chat_created", "channel_chat_created",
    "message_auto_delete_timer_changed", "migrate_to_chat_id", "migrate_from_chat_id",
    "pinned_message", "users_shared", "chat_shared", "connected_website", "write_access_allowed",
    "proximity_alert_triggered", "chat_background_set", "chat_owner_changed", "chat_owner_left",
    "checklist_tasks_added", "checklist_tasks_done", "direct_message_price_changed",
    "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
    "general_forum_topic_hidden", "general_forum_topic_unhidden", "gift", "gift_upgrade_sent",
    "unique_gift", "giveaway_created", "giveaway_completed", "managed_bot_created",
    "paid_message_price_changed", "poll_option_added", "poll_option_deleted",
    "refunded_payment", "suggested_post_approval_failed", "suggested_post_approved",
    "suggested_post_declined", "suggested_post_paid", "suggested_post_refunded",
    "video_chat_scheduled", "video_chat_started", "video_chat_ended",
    "video_chat_participants_invited", "web_app_data",
)  # fmt: skip
SERVICE = frozenset(SERVICE_FIELDS)
# A message holding it says what its author is curious about today.
CURIOUS_TAG = re.compile(r"(?i)#curious\b")

# Message field -> the kind we store; the first one present wins.
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


class Incoming(TypedDict):
    """A message on its way into a thread, as read from an update."""

    chat_id: int
    message_id: int
    root_message_id: int  # 0 when the archive is to find it from the parent
    reply_to_message_id: int | None
    date: int
    user_id: NotRequired[int | None]
    sender_chat_id: NotRequired[int | None]
    kind: NotRequired[str]
    text: NotRequired[str]


@dataclass(frozen=True)
class Author:
    """Whoever wrote a message: a person, or a chat (a channel, an anonymous admin)."""

    user_id: int | None
    sender_chat_id: int | None
    name: str
    username: str | None


@dataclass(frozen=True)
class Said:
    """A message a member sent, as the archive keeps it if it belongs to one of our threads.

    ``message["reply_to_message_id"]`` is the message it answers, or None when it answers
    nothing but its forum topic's opening; ``topic`` is that forum topic; ``answers_bot``
    says that the message it answers was written by a bot.
    """

    message: Incoming
    author: Author
    private: bool
    topic: int | None
    answers_bot: bool = False


def kind_and_text(message: Json) -> tuple[str, str]:
    """Return what kind of message this is and its text (caption, or a sticker's emoji)."""
    if message.get("text") is not None:
        return "text", message["text"]
    if message.get("sticker") is not None:
        return "sticker", message["sticker"].get("emoji") or ""
    for field, kind in KINDS:
        if message.get(field):
            return kind, message.get("caption") or ""
    return "other", message.get("caption") or ""


def author_of(message: Json) -> Author:
    """Return who wrote the message."""
    sender = message.get("sender_chat")
    if sender is not None:
        # A channel or an anonymous admin speaks as a chat, not as a person.
        name = sender.get("title") or sender.get("username") or ""
        return Author(None, sender["id"], name, None)
    user = message.get("from")
    if user is None:
        return Author(None, None, "", None)
    return Author(user["id"], None, user.get("first_name") or "", user.get("username"))


def is_command(message: Json) -> bool:
    """True if the message opens with a bot command, as Telegram marks one."""
    entities = message.get("entities")
    if not entities:
        return False
    return bool(entities[0]["type"] == "bot_command" and entities[0]["offset"] == 0)


def is_plain(message: Json) -> bool:
    """True if a member said this message: not a command, not a service message (a member
    joined, the chat moved, a topic opened...). The one definition: the handlers' filter
    (``bot.handlers.app.PLAIN_MESSAGE``) says the same, and a test holds them together."""
    if is_command(message):
        return False
    # The few fields a message has, not the fifty it might (every reply of a batch asks).
    service = any(message[field] is not None for field in SERVICE.intersection(message))
    return bool(message.get("text")) or not service


def is_curious(message: Json) -> bool:
    """True if the message's text holds the #curious tag: its text is a curiosity."""
    return CURIOUS_TAG.search(message.get("text") or "") is not None


def opens_topic(message: Json) -> bool:
    """True if the message's reply_to is only its forum topic's opening, not a real reply."""
    parent = message.get("reply_to_message")
    if parent is None or not message.get("is_topic_message"):
        return False
    return parent.get("forum_topic_created") is not None or parent["message_id"] == message.get(
        "message_thread_id"
    )


def said_in(message: Json) -> Said:
    """Return what a member said in this message (not a command: the caller has checked)."""
    kind, text = kind_and_text(message)
    author = author_of(message)
    parent = message.get("reply_to_message")
    answers = parent["message_id"] if parent is not None and not opens_topic(message) else None
    row: Incoming = {
        "chat_id": message["chat"]["id"],
        "message_id": message["message_id"],
        "root_message_id": 0,
        "reply_to_message_id": answers,
        "user_id": author.user_id,
        "sender_chat_id": author.sender_chat_id,
        "kind": kind,
        "text": text,
        "date": int(message["date"]),
    }
    topic = message.get("message_thread_id") if message.get("is_topic_message") else None
    # An anonymous admin or a channel posts as a bot account (GroupAnonymousBot,
    # Channel_Bot) with a sender_chat: a reply to them is a reply to a member, on plain roads.
    by_bot = (
        parent is not None
        and answers is not None
        and bool((parent.get("from") or {}).get("is_bot"))
        and parent.get("sender_chat") is None
    )
    return Said(row, author, message["chat"]["type"] == "private", topic or None, by_bot)


def said_on_arrival(update: Json) -> Said | None:
    """Return what a member said if the update is a plain message the archive may store as it
    arrives, or None if its handlers must see it first (a command, a service message, a member
    joining, a button, a ``#curious`` message...): any of those may change what is kept of the
    messages after it, or where they go.

    An edit changes nothing for the messages after it, so it is neither (see ``passes_by``).
    """
    message = update.get("message")
    try:
        if message is None or not is_plain(message) or is_curious(message):
            return None
        return said_in(message)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not as the Bot API spells a message: its handlers will see what it is


def passes_by(update: Json) -> bool:
    """True for an update that changes nothing about what is kept of the ones after it."""
    return "edited_message" in update
