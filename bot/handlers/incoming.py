"""What members say: replies into the bot's threads (stored before anything else answers),
their edits, and curiosities (``/curious``, ``#curious``).

Only the discussion of the bot's own posts is kept. A message belongs to a thread when it replies
to the post or to a stored reply, when it is a plain message in the post's forum topic, or when
it is said to the bot in a private chat. Other group chatter is never stored.
"""

from __future__ import annotations

import logging
import re

from telegram import Update

from bot.archive import attribution, operations
from bot.archive.attribution import BotMessage
from bot.archive.store import Store
from bot.compose import views
from bot.compose.views import render_curiosity_list
from bot.core import schedule, updates
from bot.core.text import N_
from bot.handlers.chats import chat_and_translator, translator_of
from bot.handlers.outbox import reply
from bot.handlers.state import Commons, Context

logger = logging.getLogger(__name__)

CURIOUS_TAG = re.compile(r"(?i)#curious\b")
MAX_CURIOSITY_CHARS = 1000
CURIOUS_USAGE = N_(
    "Say what you are curious about today after the command, for example:\n"
    "<code>/curious how do commons govern themselves without money?</code>"
)

NO_THREAD_YET = N_(
    "I keep the conversation about each day's passage, and there is none yet today. "
    "The next one comes {when}: reply to it to join in."
)
OPTED_OUT = N_("You have opted out, so nothing you say is kept. Send /optin to take part again.")


async def record_reply(update: Update, context: Context) -> None:
    """Store a message that belongs to one of the bot's threads."""
    message = update.message
    state = context.commons
    if message is None or state.inbox.stored_on_arrival(update):
        return
    said = updates.said_in(message.to_dict())
    # In one trip to the database: the archive finds the thread.
    stored = await state.archive.run(Store.store_said, said)
    parent = message.reply_to_message
    if (
        not stored
        and said.message["reply_to_message_id"] is not None
        and parent is not None
        and parent.from_user is not None
        and parent.from_user.id == state.bot_id
    ):
        await join_bot_thread(update, state, said)


async def join_bot_thread(update: Update, state: Commons, said: updates.Said) -> None:
    """A reply to a bot message not known as a passage copy: find its thread by any road."""
    message = update.message
    assert message is not None and message.reply_to_message is not None
    chat, t = await chat_and_translator(state, update)
    parent = message.reply_to_message
    about = BotMessage(
        text=parent.text or parent.caption or "",
        quote=message.quote.text if message.quote is not None else None,
        today=schedule.local_date(state.now(), chat["timezone"]).isoformat(),
    )
    author = said.author
    road = await state.archive.run(
        attribution.join_bot_reply,
        said.message,
        about,
        state.corpus,
        name=author.name,
        username=author.username,
    )
    if road == "recognised":
        # The crash window: Telegram took a passage whose id was never recorded.
        logger.info("chat %s: a reply found an unrecorded copy of a passage", chat["id"])
    if road == "nowhere" and (chat["id"], author.user_id) not in state.told_how_to_join:
        state.told_how_to_join.add((chat["id"], author.user_id))
        when = views.describe_time(t, schedule.next_run(chat, "passage", state.now()), chat)
        await reply(update, t._(NO_THREAD_YET, when=when))


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
            update, context, " ".join(CURIOUS_TAG.sub("", message.text).split())
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
