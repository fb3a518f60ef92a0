"""What members say: replies into the bot's threads (stored before anything else answers),
their edits, and curiosities (``/curious``, ``#curious``).

Only the discussion of the bot's own posts is kept. A message belongs to a thread when it replies
to the post or to a stored reply, when it is a plain message in the post's forum topic, or when
it is said to the bot in a private chat. Other group chatter is never stored.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType

from bot.archive import operations, replies
from bot.archive.replies import Placement
from bot.archive.store import Store
from bot.compose.help import PRIVATE_ANSWER
from bot.compose.views import render_curiosity_list
from bot.core import schedule, updates
from bot.core.personal import gets_passages
from bot.core.text import N_
from bot.handlers.attribution import join_bot_thread
from bot.handlers.chats import chat_and_translator, translator_of
from bot.handlers.outbox import reply
from bot.handlers.state import Commons, Context

logger = logging.getLogger(__name__)

MAX_CURIOSITY_CHARS = 1000
CURIOUS_USAGE = N_(
    "Say what you are curious about today after the command, for example:\n"
    "<code>/curious how do commons govern themselves without money?</code>"
)

OPTED_OUT = N_("You have opted out, so nothing you say is kept. Send /optin to take part again.")


async def record_reply(update: Update, context: Context) -> None:
    """Store a message that belongs to one of the bot's threads, unless its arrival did.

    In a private chat, a message that belongs to no thread is answered with what the person
    can do there (and not stored).
    """
    message = update.message
    state = context.commons
    if message is None:
        return
    arrived = state.inbox.arrival_of(update)
    if arrived is Placement.STORED:
        return
    private = message.chat.type == ChatType.PRIVATE
    if arrived is Placement.LEFT:
        if private:
            await answer_privately(update, state, message)
        return
    said = updates.said_in(message.to_dict())
    # Not placed as it arrived (a replay at start, or after a command in its batch): the plain
    # roads first, in one trip to the archive.
    if arrived is None and await state.archive.run(replies.store_said, said):
        return
    parent = message.reply_to_message
    author = parent.from_user if parent is not None else None
    if author is not None and author.id == state.bot_id and await _has_threads(state, message):
        await join_bot_thread(update, state, said)
    elif private:
        await answer_privately(update, state, message)


async def _has_threads(state: Commons, message: Message) -> bool:
    """True unless this is a private chat that asked for no passage: no thread to join there
    (the bot's roads would promise a next passage that never comes)."""
    if message.chat.type != ChatType.PRIVATE:
        return True
    chat = await state.archive.run(Store.get_chat, message.chat_id)
    return chat is not None and gets_passages(chat)


async def answer_privately(update: Update, state: Commons, message: Message) -> None:
    """Answer what a person wrote to the bot that belongs to no thread: what they can do here.

    A #curious message is answered by its own handler.
    """
    if updates.CURIOUS_TAG.search(message.text or ""):
        return
    t = await translator_of(state, update)
    await reply(update, t._(PRIVATE_ANSWER))


async def record_edit(update: Update, context: Context) -> None:
    """An edited message replaces the stored text, if we stored it."""
    message = update.edited_message
    if message is None:
        return
    _, text = updates.kind_and_text(message.to_dict())
    edited_at = int((message.edit_date or message.date).timestamp())
    await context.commons.archive.run(
        Store.edit_message, message.chat_id, message.message_id, text=text, edited_at=edited_at
    )


async def curious(update: Update, context: Context) -> None:
    """/curious text: record today's curiosity for the evening digest."""
    text = " ".join(context.args or []).strip()
    if not text:
        t = await translator_of(context.commons, update)
        await reply(update, t._(CURIOUS_USAGE))
        return
    await record_curiosity(update, context, text)


async def tagged_curiosity(update: Update, context: Context) -> None:
    """A message with #curious in it: the rest of its text is today's curiosity."""
    message = update.message
    if message is not None and message.text:
        await record_curiosity(
            update, context, " ".join(updates.CURIOUS_TAG.sub("", message.text).split())
        )


async def record_curiosity(update: Update, context: Context, text: str) -> None:
    """Store a curiosity for the chat's local today and confirm it briefly."""
    message = update.effective_message
    if message is None or not text:
        return
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    stored = await state.archive.run(
        operations.note_curiosity,
        chat["id"],
        author=updates.author_of(message.to_dict()),
        local_date=schedule.local_date(state.now(), chat["timezone"]).isoformat(),
        text=text[:MAX_CURIOSITY_CHARS],
        message_id=message.message_id,
        now=state.timestamp(),
    )
    if stored is None:
        await reply(update, t._(OPTED_OUT))
        return
    await reply(update, t._("Noted for tonight's digest. 🌱"))


async def curiosities(update: Update, context: Context) -> None:
    """/curiosities: list what members are curious about today."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    today = schedule.local_date(state.now(), chat["timezone"]).isoformat()
    rows = await state.archive.run(operations.curiosities_of_day, chat["id"], today)
    await reply(update, render_curiosity_list(t, rows))
