"""Inline keyboards in the sandbox, checked as Telegram checks them: callback data of 1 to 64
bytes, a text and one action on every button, one answer to each press (its popup at most 200
characters), a press only of a button the message carries, and keyboards edited."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.sandbox import Sandbox
from tests.sandbox.test_sandbox import build_app, polling

ANSWER_TWICE = "query is too old and response timeout expired or query ID is invalid"


def one_button(data: str) -> dict:
    return {"inline_keyboard": [[{"text": "Press", "callback_data": data}]]}


async def private_chat(sb: Sandbox) -> tuple[dict, dict]:
    ada = await sb.create_user("Ada")
    return ada, await sb.create_private_chat(ada)


@pytest.mark.parametrize(
    ("data", "accepted"),
    [("x" * 64, True), ("x" * 65, False), ("é" * 32, True), ("é" * 33, False), ("", False)],
)
async def test_callback_data_is_one_to_sixty_four_bytes(sandbox, data, accepted):
    sb = await sandbox()
    _, private = await private_chat(sb)
    async with polling(_app(sb)) as app:
        if accepted:
            sent = await app.bot.send_message(private["id"], "menu", reply_markup=one_button(data))
            assert sent.reply_markup.inline_keyboard[0][0].callback_data == data
        else:
            with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
                await app.bot.send_message(private["id"], "menu", reply_markup=one_button(data))
    assert len(sb.sent_messages(private)) == (1 if accepted else 0)


@pytest.mark.parametrize(
    "button",
    [
        {"text": "Nothing happens"},
        {"text": "", "callback_data": "x"},
        {"text": "Two", "url": "https://example.org", "callback_data": "x"},
    ],
)
async def test_a_button_needs_a_text_and_exactly_one_action(sandbox, button):
    sb = await sandbox()
    _, private = await private_chat(sb)
    async with polling(_app(sb)) as app:
        with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
            await app.bot.send_message(
                private["id"], "menu", reply_markup={"inline_keyboard": [[button]]}
            )


async def test_a_press_is_answered_once_and_its_popup_is_short(sandbox):
    sb = await sandbox()
    ada, private = await private_chat(sb)
    answers: list[str] = []
    async with polling(_app(sb, answers)) as app:
        sent = await app.bot.send_message(private["id"], "menu", reply_markup=one_button("go"))
        query = await sb.click_button(private, ada, sent.message_id, "go")
        await sb.wait_for(lambda: len(answers) == 3)
    assert answers == ["Message_too_long", "ok", ANSWER_TWICE.capitalize()]
    assert sb.callback_answer(query["id"]) == {"text": "fine", "show_alert": True}


async def test_only_a_button_the_message_carries_can_be_pressed(sandbox):
    sb = await sandbox()
    ada, private = await private_chat(sb)
    async with polling(_app(sb)) as app:
        plain = await app.bot.send_message(private["id"], "no buttons")
        with_one = await app.bot.send_message(private["id"], "menu", reply_markup=one_button("go"))
        with pytest.raises(ValueError, match="no button"):
            await sb.click_button(private, ada, plain.message_id, "go")
        with pytest.raises(ValueError, match="no button"):
            await sb.click_button(private, ada, with_one.message_id, "gone")


async def test_a_keyboard_is_changed_and_taken_away(sandbox):
    sb = await sandbox()
    ada, private = await private_chat(sb)
    two = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("A", callback_data="a")],
            [InlineKeyboardButton("B", callback_data="b")],
        ]
    )
    async with polling(_app(sb)) as app:
        sent = await app.bot.send_message(private["id"], "menu", reply_markup=two)
        one = InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="b")]])
        await app.bot.edit_message_reply_markup(private["id"], sent.message_id, reply_markup=one)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await app.bot.edit_message_reply_markup(
                private["id"], sent.message_id, reply_markup=one
            )
        with pytest.raises(ValueError, match="no button"):
            await sb.click_button(private, ada, sent.message_id, "a")
        await app.bot.edit_message_reply_markup(private["id"], sent.message_id)
    [record] = sb.sent_messages(private)
    assert "reply_markup" not in record["message"]
    assert len(record["edits"]) == 2


def _app(sb: Sandbox, answers: list[str] | None = None) -> Application:
    """The sandbox tests' bot; with ``answers``, one that answers a press with a popup too long
    to show, then properly, then once more."""
    app = build_app(sb)
    if answers is None:
        return app

    async def answer_thrice(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        for text, alert in (("x" * 201, False), ("fine", True), ("again", False)):
            try:
                await query.answer(text, show_alert=alert)
                answers.append("ok")
            except BadRequest as error:
                answers.append(error.message)

    app.handlers.clear()
    app.add_handler(CallbackQueryHandler(answer_thrice))
    return app
