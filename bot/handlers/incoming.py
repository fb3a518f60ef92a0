"""What members say: replies into the bot's threads (stored before anything else answers),
their edits, and curiosities (``/curious``, ``#curious``).

Only the discussion of the bot's own posts is kept. A message belongs to a thread when it replies
to the post or to a stored reply, when it is a plain message in the post's forum topic, or when
it is said to the bot in a private chat. Other group chatter is never stored.
"""

from __future__ import annotations

import logging
import re

from telegram import Message, Update

from bot.archive.attribution import BotMessage
from bot.archive.rows import Incoming
from bot.compose import views
from bot.compose.views import render_curiosity_list
from bot.core import schedule
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

# Message attribute -> the kind we store; the first one present wins.
KINDS = (
    ("photo", "photo"),
    ("video", "video"),
    ("animation", "animation"),
    ("voice", "voice"),
    ("video_note", "video"),
    ("audio", "audio"),
    ("sticker", "sticker"),
    ("document", "document"),
)

Author = tuple[int | None, int | None, str, str | None]


def kind_and_text(message: Message) -> tuple[str, str]:
    """Return what kind of message this is and its text (caption, or a sticker's emoji)."""
    if message.text is not None:
        return "text", message.text
    if message.sticker is not None:
        return "sticker", message.sticker.emoji or ""
    for attribute, kind in KINDS:
        if getattr(message, attribute):
            return kind, message.caption or ""
    return "other", message.caption or ""


def opens_topic(message: Message) -> bool:
    """True if the message's reply_to is only its forum topic's opening, not a real reply."""
    parent = message.reply_to_message
    if parent is None or not message.is_topic_message:
        return False
    return parent.forum_topic_created is not None or parent.message_id == message.message_thread_id


async def topic_or_private_root(state: Commons, message: Message) -> int | None:
    """Return the post a non-reply belongs to (its topic's, or a private chat's latest)."""
    chat_id, topic = message.chat_id, message.message_thread_id
    if message.is_topic_message and topic:
        post = await state.store.latest_passage_in_topic(chat_id, topic)
    elif message.chat.type == "private":
        post = await state.store.last_post(chat_id, "passage")
    else:
        return None  # group chatter is never stored
    return post["message_id"] if post is not None else None


def author_of(message: Message) -> Author:
    """Return (user_id, sender_chat_id, name, username) of whoever wrote the message."""
    if message.sender_chat is not None:
        # A channel or an anonymous admin speaks as a chat, not as a person.
        sender = message.sender_chat
        return None, sender.id, sender.title or sender.username or "", None
    user = message.from_user
    if user is None:
        return None, None, "", None
    return user.id, None, user.first_name, user.username


def message_row(message: Message, root: int, parent: int, author: Author) -> Incoming:
    """Return the archive row for a thread message."""
    kind, text = kind_and_text(message)
    return {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "root_message_id": root,
        "reply_to_message_id": parent,
        "user_id": author[0],
        "sender_chat_id": author[1],
        "kind": kind,
        "text": text,
        "date": int(message.date.timestamp()),
    }


async def record_reply(update: Update, context: Context) -> None:
    """Store a message that belongs to one of the bot's threads."""
    message = update.message
    if message is None:
        return
    state = context.commons
    author = author_of(message)
    _, _, name, username = author
    parent = message.reply_to_message
    if parent is not None and not opens_topic(message):
        # The common case, in one trip to the database: the archive finds the thread.
        row = message_row(message, 0, parent.message_id, author)
        stored = await state.store.store_reply(row, name=name, username=username)
        if not stored and parent.from_user is not None and parent.from_user.id == state.bot_id:
            await join_bot_thread(update, state, row, author)
    elif (root := await topic_or_private_root(state, message)) is not None:
        row = message_row(message, root, root, author)
        await state.store.store_authored(row, name=name, username=username)


async def join_bot_thread(update: Update, state: Commons, row: Incoming, author: Author) -> None:
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
    road = await state.store.join_bot_reply(
        row, about, state.corpus, name=author[2], username=author[3]
    )
    if road == "recognised":
        # The crash window: Telegram took a passage whose id was never recorded.
        logger.info("chat %s: a reply found an unrecorded copy of a passage", chat["id"])
    if road == "nowhere" and (chat["id"], author[0]) not in state.told_how_to_join:
        state.told_how_to_join.add((chat["id"], author[0]))
        when = views.describe_time(t, schedule.next_run(chat, "passage", state.now()), chat)
        await reply(update, t._(NO_THREAD_YET, when=when))


async def record_edit(update: Update, context: Context) -> None:
    """An edited message replaces the stored text, if we stored it."""
    message = update.edited_message
    if message is None:
        return
    _, text = kind_and_text(message)
    edited_at = int((message.edit_date or message.date).timestamp())
    await context.commons.store.edit_message(
        message.chat_id, message.message_id, text=text, edited_at=edited_at
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
    stored = await state.store.note_curiosity(
        chat["id"],
        author=author_of(message),
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
    rows = await state.store.curiosities_of_day(chat["id"], today)
    await reply(update, render_curiosity_list(t, rows))
