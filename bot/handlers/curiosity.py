"""Curiosities: what members say they wonder about today (``/curious``, ``#curious``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import schedule
from bot.handlers.chats import ensure_chat
from bot.handlers.replies import remember_author
from bot.handlers.runtime import commons
from bot.views import render_curiosity_list

MAX_CURIOSITY_CHARS = 1000

CURIOUS_USAGE = (
    "Say what you are curious about today after the command, for example:\n"
    "<code>/curious how do commons govern themselves without money?</code>"
)


async def curious(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/curious text: record today's curiosity for the evening digest."""
    text = " ".join(context.args or []).strip()
    if not text:
        await update.effective_message.reply_text(CURIOUS_USAGE)  # type: ignore[union-attr]
        return
    await record_curiosity(update, context, text)


async def record_curiosity(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Store a curiosity for the chat's local today and confirm it briefly."""
    message = update.effective_message
    if message is None or not text:
        return
    state = commons(context)
    chat = await ensure_chat(state, update)
    author = await remember_author(state, message)
    today = schedule.local_date(state.now(), chat["timezone"]).isoformat()
    stored = await state.store.add_curiosity(
        chat["id"],
        user_id=author[0],
        local_date=today,
        text=text[:MAX_CURIOSITY_CHARS],
        message_id=message.message_id,
        now=state.timestamp(),
    )
    if stored is None:
        await message.reply_text(
            "You have opted out, so nothing you say is kept. Send /optin to take part again."
        )
        return
    await message.reply_text("Noted for tonight's digest. 🌱")


async def curiosities(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/curiosities: list what members are curious about today."""
    state = commons(context)
    chat = await ensure_chat(state, update)
    today = schedule.local_date(state.now(), chat["timezone"]).isoformat()
    rows = await state.store.curiosities_between(chat["id"], today, today)
    await update.effective_message.reply_text(render_curiosity_list(rows))  # type: ignore[union-attr]
