"""Inline buttons in the web chat: what the page shows under a bot message, and a press.

A press is made as the member chosen on the page, through the sandbox, as Telegram's app would
send it; the bot's answer (``answerCallbackQuery``) comes back as the popup's text.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox import Sandbox

ANSWER_WAIT_SECONDS = 5.0


def button_rows(message: dict[str, Any]) -> list[list[dict[str, str]]]:
    """Return the message's callback buttons, row by row, as {"text", "data"}."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [
        [
            {"text": str(b["text"]), "data": str(b["callback_data"])}
            for b in row
            if "callback_data" in b
        ]
        for row in rows
    ]


async def press(
    sandbox: Sandbox, chat_id: int, user_id: int, message_id: int, data: str
) -> dict[str, Any]:
    """Press a button as a member; return the bot's answer ({} if it gave no text in time)."""
    query = await sandbox.click_button(chat_id, user_id, message_id, data)
    try:
        await sandbox.wait_for(
            lambda: sandbox.callback_answer(query["id"]) is not None, ANSWER_WAIT_SECONDS
        )
    except TimeoutError:
        return {}
    answer = sandbox.callback_answer(query["id"]) or {}
    return {"text": answer.get("text") or "", "alert": bool(answer.get("show_alert"))}
