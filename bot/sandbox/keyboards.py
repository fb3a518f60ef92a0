"""Inline keyboards, as Telegram checks them: buttons under a bot message, and their presses.

A callback button carries 1 to 64 bytes of ``callback_data`` (``BUTTON_DATA_INVALID``
otherwise); every button has a text and exactly one action; a person presses only a button
the message carries; a keyboard changes with ``editMessageReplyMarkup``. A press is answered
once (``answerCallbackQuery`` in ``bot.sandbox.methods``, its popup at most 200 characters).
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.methods import api
from bot.sandbox.params import required
from bot.sandbox.rules import bad_request
from bot.sandbox.world import World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)

MAX_CALLBACK_DATA_BYTES = 64
# The fields of which an inline button has exactly one: what pressing it does.
BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def inline_markup(params: dict[str, Any]) -> dict[str, Any]:
    """Return the message fields of a call's inline keyboard ({} if none), checked."""
    markup = params.get("reply_markup")
    # Only inline keyboards belong to the message; reply keyboards live in the client.
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return {}
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            check_button(button)
    return {"reply_markup": markup} if any(rows) else {}


def check_button(button: Any) -> None:
    """Raise Telegram's error for a button it would refuse."""
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise bad_request("text buttons are unallowed in the inline keyboard")
    actions = BUTTON_ACTIONS.intersection(button)
    if len(actions) != 1:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = str(button["callback_data"])
        if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")


def has_button(message: dict[str, Any], data: str) -> bool:
    """True if the message carries a callback button with that data (one a person can press)."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return any(button.get("callback_data") == data for row in rows for button in row)


@api("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Change or remove the keyboard of one of the bot's messages."""
    state = world.resolve_chat(required(params, "chat_id", "chat_id is empty"))
    world.check_bot_can_post(state)
    message_id = required(params, "message_id", "message identifier is not specified")
    old = state.messages.get(message_id)
    if old is None:
        raise bad_request("message to edit not found")
    if old.get("from", {}).get("id") != world.bot_id:
        raise bad_request("message can't be edited")
    markup = inline_markup(params)
    if markup.get("reply_markup") == old.get("reply_markup"):
        raise bad_request(NOT_MODIFIED)
    new = {k: v for k, v in old.items() if k != "reply_markup"} | markup
    new["edit_date"] = world.now()
    world.store(state, new)
    for record in world.sent.get(state.id, []):
        if record["message_id"] == message_id:
            record["message"] = new
            record.setdefault("edits", []).append(params)
    world.publish({"type": "edited", "chat_id": state.id, "message": new})
    return new
