"""What the page is sent about chats, people and messages: plain JSON built from the sandbox.

A person's text goes out as ``text`` (the page sets it with ``textContent``, never as markup);
the bot's text goes out as ``html``, rebuilt from the HTML it sent and cleaned by the sanitiser.
"""

from __future__ import annotations

import html
from typing import Any

from bot.sandbox import Sandbox
from bot.webchat.buttons import button_rows
from bot.webchat.sanitize import LocalLinks, no_local_links, sanitize_telegram_html

ADMIN_STATUSES = frozenset({"creator", "administrator"})
PRESENT_STATUSES = ADMIN_STATUSES | {"member"}
MEDIA_LABELS = {
    "photo": "photo",
    "video": "video",
    "voice": "voice message",
    "audio": "audio",
    "animation": "GIF",
    "sticker": "sticker",
    "document": "file",
}


def display_name(user: dict[str, Any]) -> str:
    """Return a person's name as a chat shows it."""
    return " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)


def chat_view(chat: dict[str, Any]) -> dict[str, Any]:
    """Return the page's view of a chat."""
    return {
        "id": chat["id"],
        "title": chat.get("title") or display_name(chat),
        "type": chat["type"],
    }


def member_views(sandbox: Sandbox, chat_id: int) -> list[dict[str, Any]]:
    """Return the people of a chat as the page lists them: a group's (not the bot), in the order
    they joined, or a private chat's one person.
    """
    state = sandbox.world.find_chat(chat_id)
    if state.type == "private":
        person = sandbox.world.users[state.id]
        return [{"id": state.id, "name": display_name(person), "admin": False}]
    members = []
    for user_id, status in state.members.items():
        user = sandbox.world.users.get(user_id)
        if user is None or user.get("is_bot") or status not in PRESENT_STATUSES:
            continue
        admin = status in ADMIN_STATUSES
        members.append({"id": user_id, "name": display_name(user), "admin": admin})
    return members


def sent_records(sandbox: Sandbox, chat_id: int) -> dict[int, dict[str, Any]]:
    """Return what the bot sent to a chat, by message id."""
    return {record["message_id"]: record for record in sandbox.sent_messages(chat_id)}


def message_views(sandbox: Sandbox, chat_id: int) -> list[dict[str, Any]]:
    """Return every message of a chat, in order, as the page shows them."""
    records = sent_records(sandbox, chat_id)
    return [
        message_view(sandbox, message, records.get(message["message_id"]))
        for message in sandbox.messages(chat_id)
    ]


def message_view(
    sandbox: Sandbox, message: dict[str, Any], record: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the page's view of one message; ``record`` is the bot's send, if it is the bot's."""
    sender = message.get("from") or {}
    from_bot = sender.get("id") == sandbox.world.bot_id
    reply = message.get("reply_to_message") or {}
    view: dict[str, Any] = {
        "message_id": message["message_id"],
        "chat_id": message["chat"]["id"],
        "from": {"id": sender.get("id"), "name": display_name(sender), "is_bot": from_bot},
        "date": message["date"],
        "edited": "edit_date" in message,
        "reply_to": reply.get("message_id"),
        "quote": (message.get("quote") or {}).get("text"),
        "service": service_line(sandbox, message),
        "media": media_label(message),
        "document": document_link(message, record),
        "text": None,
        "html": None,
        "reactions": sandbox.reactions_on(message["chat"]["id"], message["message_id"]),
        "poll": poll_view(message.get("poll")),
        "buttons": button_rows(message) if from_bot else [],
    }
    if from_bot:
        view["html"] = bot_html(message, record, sandbox.message_at_link)
    else:
        view["text"] = message.get("text") or message.get("caption") or ""
    return view


def poll_view(poll: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return a poll as the page shows it: its question, each answer's votes, closed or not."""
    if poll is None:
        return None
    return {
        "question": poll["question"],
        "options": [{"text": o["text"], "votes": o["voter_count"]} for o in poll["options"]],
        "closed": poll["is_closed"],
    }


def bot_html(
    message: dict[str, Any], record: dict[str, Any] | None, local: LocalLinks = no_local_links
) -> str:
    """Return the bot's message as clean HTML: from the HTML it sent, else its plain text.

    Links to messages in the sandbox (``local`` finds them) become in-page links.
    """
    params = (record or {}).get("params") or {}
    edits = (record or {}).get("edits") or []
    if edits:
        params = edits[-1]
    key = "text" if "text" in message else "caption"
    source = params.get(key)
    if isinstance(source, str) and str(params.get("parse_mode") or "").lower() == "html":
        return sanitize_telegram_html(source, local)
    return html.escape(message.get(key) or "", quote=False)


def document_link(message: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return a download link for a file the bot sent, or None."""
    document = message.get("document")
    if document is None or record is None or record.get("document") is None:
        return None
    url = f"/api/file/{message['chat']['id']}/{message['message_id']}"
    return {"name": document.get("file_name") or "file", "url": url}


def media_label(message: dict[str, Any]) -> str | None:
    """Return what kind of media a message carries ('photo', 'sticker 🙂'...), or None."""
    for key, label in MEDIA_LABELS.items():
        if key in message:
            emoji = message[key].get("emoji") if key == "sticker" else None
            return f"{label} {emoji}" if emoji else label
    return None


def service_line(sandbox: Sandbox, message: dict[str, Any]) -> str | None:
    """Return the grey line a chat shows for a service message, or None for a real message."""
    who = display_name(message.get("from") or {})
    if "new_chat_members" in message:
        joined = ", ".join(display_name(u) for u in message["new_chat_members"])
        return f"{who} joined" if joined == who else f"{who} added {joined}"
    if "left_chat_member" in message:
        return f"{display_name(message['left_chat_member'])} left"
    if "group_chat_created" in message or "supergroup_chat_created" in message:
        return f"{who} created the group"
    if "new_chat_title" in message:
        return f"{who} renamed the group to {message['new_chat_title']}"
    if "pinned_message" in message:
        return f"{who} pinned a message"
    if "migrate_to_chat_id" in message or "migrate_from_chat_id" in message:
        return "the group became a supergroup"
    if "forum_topic_created" in message:
        return f"{who} opened a topic"
    return None
