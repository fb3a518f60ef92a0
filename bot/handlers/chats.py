"""Joining and leaving chats, group-to-supergroup migration, and what the bot can see."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, ChatMemberRestricted, ChatMemberUpdated, Update, User
from telegram.constants import ChatMemberStatus

from bot.archive import operations, rows
from bot.archive.store import Store
from bot.compose.help import render_welcome
from bot.handlers.outbox import follow_migration, mark_removed, send_to_chat
from bot.handlers.state import App, Commons, Context, commons_of
from bot.handlers.sweep import catch_up_soon, schedule_chat
from bot.i18n import Translator, language_for, translator, translator_for

logger = logging.getLogger(__name__)

PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def is_present(member: ChatMember) -> bool:
    """Return True if the member is in the chat (a restricted member may be)."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in PRESENT


def extract_status_change(update: ChatMemberUpdated) -> tuple[bool, bool] | None:
    """Return (was present, is present) for the bot, or None if that did not change."""
    was, now = is_present(update.old_chat_member), is_present(update.new_chat_member)
    return None if was == now else (was, now)


def identity(chat: Chat) -> rows.ChatIdentity:
    """Return what Telegram says a chat is: its type, name and whether it has topics."""
    return {
        "type": chat.type,
        "title": chat.title or chat.first_name,
        "username": chat.username,
        "is_forum": bool(chat.is_forum),
    }


async def ensure_chat(state: Commons, update: Update) -> rows.Chat:
    """Return the update's chat from the archive, registering it the first time it is seen.

    A chat with no language yet takes the Telegram language of whoever it first hears from.
    """
    chat = update.effective_chat
    assert chat is not None
    stored = await state.archive.run(
        operations.ensure_chat, chat.id, now=state.timestamp(), **identity(chat)
    )
    if stored["language"] is None and update.effective_user is not None:
        language = language_for(update.effective_user.language_code)
        stored = await state.archive.run(Store.update_chat, chat.id, language=language)
    return stored


async def chat_and_translator(state: Commons, update: Update) -> tuple[rows.Chat, Translator]:
    """Return the update's chat (see ``ensure_chat``) and the translator of its language."""
    chat = await ensure_chat(state, update)
    return chat, translator_for(chat)


async def translator_of(state: Commons, update: Update) -> Translator:
    """Return the translator of the update's chat without registering the chat.

    A chat not yet known speaks the language of the person writing.
    """
    chat, user = update.effective_chat, update.effective_user
    stored = await state.archive.run(Store.get_chat, chat.id) if chat is not None else None
    if stored is not None and stored["language"] is not None:
        return translator_for(stored)
    return translator(language_for(user.language_code if user else None))


async def private_translator(state: Commons, user: User) -> Translator:
    """Return the translator of a person's private chat with the bot: theirs, once set."""
    private = await state.archive.run(Store.get_chat, user.id)
    if private is not None and private["language"] is not None:
        return translator_for(private)
    return translator(language_for(user.language_code))


async def bot_is_admin(app: App, chat_id: int, chat_type: str) -> bool:
    """True if the bot is an admin here (a private chat counts): it then sees whole threads,
    and Telegram tells it about reactions."""
    if chat_type == Chat.PRIVATE:
        return True
    member = await app.bot.get_chat_member(chat_id, commons_of(app).bot_id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def track_chats(update: Update, context: Context) -> None:
    """The bot was added to or removed from a chat: register and greet, or stand down."""
    assert update.my_chat_member is not None and update.effective_chat is not None
    change = extract_status_change(update.my_chat_member)
    if change is None:
        return
    _, present = change
    chat, app, state = update.effective_chat, context.application, context.commons
    if not present:
        await mark_removed(app, chat.id)
        return
    stored = await state.archive.run(
        operations.register_chat, chat.id, now=state.timestamp(), **identity(chat)
    )
    if stored["language"] is None:
        # The group speaks the language of whoever added the bot, until an admin says otherwise.
        language = language_for(update.my_chat_member.from_user.language_code)
        stored = await state.archive.run(Store.update_chat, chat.id, language=language)
    logger.info("chat %s (%s) added the bot", chat.id, chat.type)
    schedule_chat(app, stored)
    catch_up_soon(app)  # the first passage comes on the day the bot joins
    if chat.type != Chat.PRIVATE:
        admin = update.my_chat_member.new_chat_member.status == ChatMemberStatus.ADMINISTRATOR
        sees = admin or state.can_read_all_group_messages
        welcome = render_welcome(translator_for(stored), stored, sees, admin=admin)
        await send_to_chat(app, stored, welcome)


async def track_admins(update: Update, context: Context) -> None:
    """Someone's status or rights in a chat changed: ask Telegram afresh at their next command.

    Telegram sends these only while the bot is an admin of the chat.
    """
    change = update.chat_member
    assert change is not None
    context.commons.forget_admin(change.chat.id, change.new_chat_member.user.id)
    logger.debug("chat %s: a member's status changed", change.chat.id)


async def migrate_chat(update: Update, context: Context) -> None:
    """A group became a supergroup: move its archive, settings and jobs to the new id."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id:
        await follow_migration(context.application, message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await follow_migration(context.application, message.migrate_from_chat_id, message.chat_id)
