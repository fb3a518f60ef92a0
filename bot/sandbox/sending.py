"""Bot API methods that put messages into chats: send, edit, delete, and chat actions."""

from __future__ import annotations

from typing import Any

from bot.sandbox.keyboards import NOT_MODIFIED, inline_markup
from bot.sandbox.markup import MarkupError, auto_entities, parse_html, trim
from bot.sandbox.messages import ADMIN_STATUSES, document_object
from bot.sandbox.methods import api
from bot.sandbox.params import required
from bot.sandbox.rules import bad_request, check_text_length, forbidden
from bot.sandbox.world import ChatState, World


def target_chat(world: World, params: dict[str, Any]) -> ChatState:
    """Return the chat a sending call names, after Telegram's existence and rights checks."""
    chat_id = required(params, "chat_id", "chat_id is empty")
    if chat_id in world.users and chat_id not in world.chats:
        # A person who never opened a private chat with the bot cannot be written to first.
        raise forbidden("bot can't initiate conversation with a user")
    state = world.resolve_chat(chat_id)
    world.check_bot_can_post(state)
    return state


def check_thread(state: ChatState, thread_id: int | None) -> int | None:
    """Return a usable thread id: a forum topic, or a reply chain's root in a supergroup."""
    if not thread_id:
        return None
    if state.is_forum and thread_id in state.topics:
        return thread_id
    if not state.is_forum and state.type == "supergroup" and thread_id in state.thread_roots:
        return thread_id
    raise bad_request("message thread not found")


def formatted(
    params: dict[str, Any], key: str, entities_key: str, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Return text and entities as Telegram stores them: parsed, trimmed, checked."""
    raw = str(params.get(key) or "")
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(raw)
        except MarkupError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif not mode:
        text, entities = raw, list(params.get(entities_key) or [])
    elif mode in ("markdown", "markdownv2"):
        raise bad_request(f"the sandbox parses HTML only, not parse_mode {params['parse_mode']}")
    else:
        raise bad_request("unsupported parse_mode")
    text, entities = trim(text, entities)
    check_text_length(text, caption=caption)
    if not text and not caption:
        raise bad_request("message text is empty")
    return text, auto_entities(text, entities)


def reply_target(state: ChatState, params: dict[str, Any]) -> int | None:
    """Return the id of the message to reply to, from reply_parameters or the legacy fields."""
    reply = params.get("reply_parameters") or {}
    if not reply and params.get("reply_to_message_id"):
        reply = {
            "message_id": params["reply_to_message_id"],
            "allow_sending_without_reply": params.get("allow_sending_without_reply"),
        }
    if not reply:
        return None
    message_id = reply.get("message_id")
    if message_id in state.messages:
        return int(message_id)
    if reply.get("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


def _text_fields(text: str, entities: list[dict[str, Any]], key: str) -> dict[str, Any]:
    fields: dict[str, Any] = {key: text} if text else {}
    if entities:
        fields["entities" if key == "text" else "caption_entities"] = entities
    return fields


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    return inline_markup(params)  # checked as Telegram does (bot.sandbox.keyboards)


def deliver_content(
    world: World, state: ChatState, params: dict[str, Any], content: dict[str, Any]
) -> dict[str, Any]:
    thread_id = check_thread(state, params.get("message_thread_id"))
    reply_to = reply_target(state, params)
    world.flood.admit(state.id, is_group=state.is_group)
    message = world.compose(state, world.bot, content, reply_to=reply_to, thread_id=thread_id)
    world.store(state, message)
    return message


@api("sendMessage")
async def send_message(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Send a text message, enforcing length, HTML, reply, thread and flood rules."""
    state = target_chat(world, params)
    text, entities = formatted(params, "text", "entities")
    content = _text_fields(text, entities, "text") | _markup(params)
    message = deliver_content(world, state, params, content)
    world.record_sent(
        state,
        "sendMessage",
        params,
        message,
        reply_to_message_id=(message.get("reply_to_message") or {}).get("message_id"),
        document=None,
    )
    return message


def _document(world: World, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    upload = params.get("document")
    if isinstance(upload, str) and upload:
        # A file_id or URL: Telegram fetches it; the sandbox keeps just its name.
        upload = {"filename": upload.rsplit("/", 1)[-1], "mime_type": None, "data": b""}
    if not isinstance(upload, dict) or "data" not in upload:
        raise bad_request("there is no document in the request")
    if isinstance(params.get("document"), dict) and not upload["data"]:
        raise bad_request("file must be non-empty")
    mime = upload.get("mime_type") or "application/octet-stream"
    number = next(world.file_numbers)
    document = document_object(number, upload["filename"] or "file", mime, len(upload["data"]))
    return document, upload


@api("sendDocument")
async def send_document(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Send an uploaded file with an optional caption (at most 1024 UTF-16 units)."""
    state = target_chat(world, params)
    document, upload = _document(world, params)
    caption, entities = formatted(params, "caption", "caption_entities", caption=True)
    content = {"document": document} | _text_fields(caption, entities, "caption")
    message = deliver_content(world, state, params, content | _markup(params))
    world.record_sent(
        state,
        "sendDocument",
        params,
        message,
        reply_to_message_id=(message.get("reply_to_message") or {}).get("message_id"),
        document=upload,
    )
    return message


@api("editMessageText")
async def edit_message_text(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Edit one of the bot's text messages; refuse a no-op edit as Telegram does."""
    if params.get("inline_message_id"):
        raise bad_request("the sandbox does not keep inline messages")
    state = target_chat(world, params)
    message_id = required(params, "message_id", "message identifier is not specified")
    old = state.messages.get(message_id)
    if old is None:
        raise bad_request("message to edit not found")
    if old.get("from", {}).get("id") != world.bot_id:
        raise bad_request("message can't be edited")
    if "text" not in old:
        raise bad_request("there is no text in the message to edit")
    text, entities = formatted(params, "text", "entities")
    markup = _markup(params)
    if (text, entities, markup.get("reply_markup")) == (
        old["text"],
        old.get("entities", []),
        old.get("reply_markup"),
    ):
        raise bad_request(NOT_MODIFIED)
    new = {k: v for k, v in old.items() if k not in ("entities", "reply_markup")}
    new.update(_text_fields(text, entities, "text") | markup, edit_date=world.now())
    world.store(state, new)
    _note_edit(world, state, new, params)
    return new


def _note_edit(
    world: World, state: ChatState, message: dict[str, Any], params: dict[str, Any]
) -> None:
    for record in world.sent.get(state.id, []):
        if record["message_id"] == message["message_id"]:
            record["message"] = message
            record.setdefault("edits", []).append(params)
    world.publish({"type": "edited", "chat_id": state.id, "message": message})


@api("deleteMessage")
async def delete_message(world: World, params: dict[str, Any]) -> bool:
    """Delete a message: the bot's own, or anyone's when the bot is an admin."""
    state = target_chat(world, params)
    message_id = required(params, "message_id", "message identifier is not specified")
    message = state.messages.get(message_id)
    if message is None:
        raise bad_request("message to delete not found")
    own = message.get("from", {}).get("id") == world.bot_id
    if not own and state.members.get(world.bot_id) not in ADMIN_STATUSES:
        raise bad_request("message can't be deleted")
    del state.messages[message["message_id"]]
    for record in world.sent.get(state.id, []):
        if record["message_id"] == message["message_id"]:
            record["deleted"] = True
    world.publish({"type": "deleted", "chat_id": state.id, "message_id": message["message_id"]})
    return True


@api("sendChatAction")
async def send_chat_action(world: World, params: dict[str, Any]) -> bool:
    """Accept a "typing…" indicator into a chat the bot may post in."""
    state = target_chat(world, params)
    check_thread(state, params.get("message_thread_id"))
    required(params, "action", "wrong parameter action in request")
    return True
