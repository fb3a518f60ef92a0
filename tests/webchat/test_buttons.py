"""Inline buttons in the web chat: shown under the bot's message, pressed as the chosen member,
the bot's answer shown; the page hears when the keyboard changes."""

from __future__ import annotations

import asyncio

from tests.webchat.site import Site

QUEUE = {"inline_keyboard": [[{"text": "Approve #1", "callback_data": "sg:a:1"}]]}


async def test_a_bots_buttons_are_shown_and_pressed_as_the_chosen_member(site: Site) -> None:
    sent = await site.bot_api(
        "sendMessage", json={"chat_id": site.chat_id, "text": "queue", "reply_markup": QUEUE}
    )
    view = await site.view_of(sent["message_id"])

    async def bot_answers() -> None:
        # The bot's side: wait for the press, answer it with a popup.
        await site.sandbox.wait_for(lambda: bool(site.sandbox.world.callbacks))
        [query_id] = site.sandbox.world.callbacks
        await site.bot_api(
            "answerCallbackQuery", json={"callback_query_id": query_id, "text": "Approved #1."}
        )

    body = {"user_id": site.member("Bo"), "message_id": sent["message_id"], "data": "sg:a:1"}
    answered, response = await asyncio.gather(bot_answers(), site.post("/api/press", body))
    [entry] = site.sandbox.world.callbacks.values()
    assert answered is None
    assert view["buttons"] == [[{"text": "Approve #1", "data": "sg:a:1"}]]
    assert response.json() == {"answer": {"text": "Approved #1.", "alert": False}}
    assert entry["query"]["from"]["first_name"] == "Bo"
    assert entry["query"]["message"]["message_id"] == sent["message_id"]


async def test_a_press_of_a_button_the_message_lacks_is_refused(site: Site) -> None:
    sent = await site.bot_says(site.chat_id, "no buttons")
    body = {"user_id": site.member("Bo"), "message_id": sent["message_id"], "data": "sg:a:1"}
    response = await site.post("/api/press", body)
    assert response.status_code == 400
    assert "has no button" in response.json()["error"]
    assert site.sandbox.world.callbacks == {}


async def test_a_keyboard_taken_away_leaves_the_message_without_buttons(site: Site) -> None:
    sent = await site.bot_api(
        "sendMessage", json={"chat_id": site.chat_id, "text": "queue", "reply_markup": QUEUE}
    )
    await site.bot_api(
        "editMessageReplyMarkup", json={"chat_id": site.chat_id, "message_id": sent["message_id"]}
    )
    view = await site.view_of(sent["message_id"])
    assert view["buttons"] == []
