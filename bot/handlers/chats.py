"""Joining and leaving chats, group-to-supergroup migration, and what the bot can see."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Chat, ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import Application, ContextTypes

from bot.handlers.jobs import catch_up_soon, schedule_chat
from bot.handlers.runtime import Commons, commons
from bot.handlers.sending import follow_migration, mark_removed, send_to_chat

logger = logging.getLogger(__name__)

PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}

WELCOME = (
    "Hello! I am <b>Commons Bot</b>. Every morning at {post_time} ({timezone}) I post one "
    "passage of <i>Peer to Peer: The Commons Manifesto</i> beside a reader's blunt "
    "counterpoint. Reply to it, and to each other; at {digest_time} I post a digest of the "
    "day's threads and of what you said you are curious about (<code>/curious ...</code>), "
    "and on {weekly_day} a weekly one.\n\n"
    "Admins can set the time zone with <code>/settz Europe/Berlin</code>, the times with "
    "<code>/settime 09:00</code>, <code>/setdigest 21:00</code> and "
    "<code>/setweekly sunday 18:00</code>, and more: see /help. /privacy says what I keep."
)

PRIVACY_WARNING = (
    "⚠️ I can only see replies to my own messages here, so replies to replies will be "
    "missing from the threads. To fix it, make me an admin (no rights needed), or turn off "
    "privacy mode in @BotFather (Bot Settings → Group Privacy) and add me again."
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def extract_status_change(update: ChatMemberUpdated) -> tuple[bool, bool] | None:
    """Return (was present, is present) for the bot, or None if that did not change."""
    old, new = update.old_chat_member, update.new_chat_member
    was = old.status in PRESENT or (old.status == ChatMember.RESTRICTED and old.is_member)
    now = new.status in PRESENT or (new.status == ChatMember.RESTRICTED and new.is_member)
    return None if was == now else (was, now)


async def register(state: Commons, chat: Chat) -> dict[str, Any]:
    """Register (or re-activate) a chat with the default settings; return it."""
    return await state.store.register_chat(
        chat.id,
        type=chat.type,
        title=chat.title or chat.first_name,
        username=chat.username,
        is_forum=bool(chat.is_forum),
        now=state.timestamp(),
    )


async def ensure_chat(state: Commons, update: Update) -> dict[str, Any]:
    """Return the update's chat from the archive, registering it the first time it is seen."""
    chat = update.effective_chat
    assert chat is not None
    stored = await state.store.get_chat(chat.id)
    return stored if stored is not None else await register(state, chat)


async def can_see_threads(app: Application, chat_id: int, chat_type: str) -> bool:
    """True if the bot sees replies to replies in this chat (privacy mode off, or admin)."""
    state: Commons = app.bot_data["commons"]
    if chat_type == Chat.PRIVATE or state.can_read_all_group_messages:
        return True
    member = await app.bot.get_chat_member(chat_id, state.bot_id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def welcome_text(chat: dict[str, Any], sees_threads: bool) -> str:
    """Return the welcome message, with the privacy-mode warning when it applies."""
    text = WELCOME.format(
        post_time=chat["post_time"],
        digest_time=chat["digest_time"],
        timezone=chat["timezone"],
        weekly_day=WEEKDAYS[chat["weekly_day"]],
    )
    return text if sees_threads else f"{text}\n\n{PRIVACY_WARNING}"


async def track_chats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to or removed from a chat: register and greet, or stand down."""
    change = extract_status_change(update.my_chat_member)  # type: ignore[arg-type]
    if change is None:
        return
    _, present = change
    chat = update.effective_chat
    assert chat is not None
    app = context.application
    if not present:
        await mark_removed(app, chat.id)
        return
    stored = await register(commons(context), chat)
    logger.info("chat %s (%s) added the bot", chat.id, chat.type)
    schedule_chat(app, stored)
    catch_up_soon(app)  # the first passage comes on the day the bot joins
    if chat.type != Chat.PRIVATE:
        sees = await can_see_threads(app, chat.id, chat.type)
        await send_to_chat(app, stored, welcome_text(stored, sees))


async def migrate_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: move its archive, settings and jobs to the new id."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id:
        await follow_migration(context.application, message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await follow_migration(context.application, message.migrate_from_chat_id, message.chat_id)
