"""Builders for Telegram's JSON objects: users, chats, chat members, media and replies."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox.markup import utf16_len

# The senders Telegram shows for anonymous admins and for channels posting into a group.
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
DEFAULT_TOPIC_COLOR = 7322096
ACTIVE_STATUSES = frozenset({"creator", "administrator", "member"})
ADMIN_STATUSES = frozenset({"creator", "administrator"})
SERVICE_KEYS = frozenset(
    {
        "new_chat_members",
        "left_chat_member",
        "new_chat_title",
        "group_chat_created",
        "supergroup_chat_created",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "forum_topic_created",
        "pinned_message",
    }
)
USER_FIELDS = ("id", "is_bot", "first_name", "last_name", "username", "language_code")
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)


def user_object(user: dict[str, Any]) -> dict[str, Any]:
    """Return the public User object (no sandbox bookkeeping, no empty fields)."""
    return {key: user[key] for key in USER_FIELDS if user.get(key) is not None}


def member_object(user: dict[str, Any], status: str) -> dict[str, Any]:
    """Return a ChatMember of the given status with the fields PTB requires for it."""
    member: dict[str, Any] = {"status": status, "user": user_object(user)}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        member.update(dict.fromkeys(ADMIN_RIGHTS, True))
    elif status == "kicked":
        member["until_date"] = 0
    return member


def strip_reply(message: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a message fit to be a ``reply_to_message`` (one level deep)."""
    parent = copy.deepcopy(message)
    parent.pop("reply_to_message", None)
    return parent


def is_service(message: dict[str, Any]) -> bool:
    """Return whether a message is a service message (members, migration, topics...)."""
    return any(key in message for key in SERVICE_KEYS)


def is_implicit_topic_reply(message: dict[str, Any]) -> bool:
    """Return whether reply_to_message only marks the forum topic, not a real reply."""
    parent = message.get("reply_to_message")
    return bool(
        message.get("is_topic_message")
        and parent is not None
        and "forum_topic_created" in parent
        and parent["message_id"] == message.get("message_thread_id")
    )


def media_content(
    number: int,
    *,
    photo: bool = False,
    video: bool = False,
    voice: bool = False,
    audio: bool = False,
    animation: bool = False,
    document: str | None = None,
    sticker: str | None = None,
) -> dict[str, Any]:
    """Return the media fields of a user's message; ``number`` makes the file ids unique."""
    content: dict[str, Any] = {}
    if photo:
        content["photo"] = [
            _file("photo", number, size, width=90 * size, height=60 * size) for size in (1, 4, 9)
        ]
    if video:
        content["video"] = _file("video", number, 0, width=640, height=360, duration=5)
    if voice:
        content["voice"] = _file("voice", number, 0, duration=3, mime_type="audio/ogg")
    if audio:
        content["audio"] = _file("audio", number, 0, duration=180, mime_type="audio/mpeg")
    if animation:
        gif = _file("animation", number, 0, width=320, height=240, duration=2)
        content.update(animation=gif, document=_file("animation", number, 0))
    if document is not None:
        content["document"] = _file("document", number, 0, file_name=document)
    if sticker is not None:
        content["sticker"] = _file(
            "sticker", number, 0, width=512, height=512, emoji=sticker, type="regular"
        )
        content["sticker"].update(is_animated=False, is_video=False)
    return content


def _file(kind: str, number: int, size: int, **fields: Any) -> dict[str, Any]:
    return {
        "file_id": f"{kind}-{number}-{size}",
        "file_unique_id": f"u{kind}{number}{size}",
        "file_size": 1000 * (size + 1),
        **fields,
    }


def document_object(number: int, filename: str, mime_type: str, size: int) -> dict[str, Any]:
    """Return the Document of a file the bot uploaded."""
    return _file("document", number, 0, file_name=filename, mime_type=mime_type) | {
        "file_size": size
    }


def text_quote(parent: dict[str, Any], text: str, position: int | None = None) -> dict[str, Any]:
    """Return the TextQuote of a reply quoting ``text`` of ``parent`` (position in UTF-16 units).

    As in Telegram, the quote must be part of the replied-to message's text or caption; with
    no position, its first occurrence is meant. ValueError otherwise.
    """
    whole = parent.get("text") or parent.get("caption") or ""
    if not text.strip():
        raise ValueError("a quote needs some text")
    if position is None:
        index = whole.find(text)
        if index < 0:
            raise ValueError(f"message {parent['message_id']} does not contain the quoted text")
        position = utf16_len(whole[:index])
    elif _utf16_slice(whole, position, utf16_len(text)) != text:
        raise ValueError(
            f"the quote is not the text of message {parent['message_id']} at position {position}"
        )
    return {"text": text, "position": position, "is_manual": True}


def _utf16_slice(text: str, start: int, length: int) -> str:
    units = text.encode("utf-16-le")
    return units[2 * start : 2 * (start + length)].decode("utf-16-le", errors="replace")
