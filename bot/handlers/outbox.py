"""Everything the bot sends into a chat: the right forum topic, migration and removal handled
once, the morning passage, and digests (the one loop that sends a digest's parts and file).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.archive import agenda, operations
from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.compose.passage import poll_of_the_day, render_passage_post
from bot.compose.personal import render_intro
from bot.core.records import Delivery
from bot.core.schedule import Slot
from bot.core.text import PERSONAL_KIND, fit_html
from bot.handlers.state import App, Commons, commons_of, unschedule_chat
from bot.i18n import N_, Translator, translator_for
from bot.planning import digests

logger = logging.getLogger(__name__)

DOCUMENT_CAPTION = N_("The full digest.")
GONE_FROM_GROUP = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}
SendText = Callable[[str], Awaitable[Message | None]]
SendFile = Callable[[str, bytes], Awaitable[Message | None]]


def topic_of(chat: Mapping[str, Any]) -> int | None:
    """Return the forum topic to post into, or None for General or a chat without topics.

    Only a real forum topic id is ever used: in a plain supergroup a ``message_thread_id`` is
    a reply chain's root, and sending with it fails with "message thread not found".
    """
    if chat.get("is_forum") and chat.get("topic_thread_id"):
        return int(chat["topic_thread_id"])
    return None


async def send_to_chat(app: App, chat: Mapping[str, Any], text: str) -> Message | None:
    """Send HTML to a chat, following a migration once; None if the bot was removed."""
    bot: ExtBot[None] = app.bot
    thread = topic_of(chat)
    text = fit_html(text)  # composed to fit already; this makes sure, by Telegram's count
    try:
        return await bot.send_message(chat["id"], text, message_thread_id=thread)
    except ChatMigrated as migrated:
        new_chat = await follow_migration(app, chat["id"], migrated.new_chat_id)
        return await bot.send_message(new_chat["id"], text, message_thread_id=thread)
    except Forbidden:
        await mark_removed(app, chat["id"])
        return None
    except BadRequest as error:
        if "chat not found" not in error.message.lower():
            raise
        # The chat is gone (deleted, or a sandbox from an earlier run): stop posting to it.
        await mark_removed(app, chat["id"])
        return None


async def send_document_to_chat(
    app: App, chat: Mapping[str, Any], filename: str, data: bytes
) -> Message | None:
    """Send a digest file to a chat, with the same topic and removal handling as messages."""
    bot: ExtBot[None] = app.bot
    try:
        return await bot.send_document(
            chat["id"],
            document=data,
            filename=filename,
            caption=translator_for(chat)._(DOCUMENT_CAPTION),
            message_thread_id=topic_of(chat),
        )
    except Forbidden:
        await mark_removed(app, chat["id"])
        return None


async def send_digest(plan: Delivery, send: SendText, send_file: SendFile) -> Message | None:
    """Send a digest's messages in order, then its file; return the first message sent."""
    first: Message | None = None
    for text in plan.messages:
        message = await send(text)
        first = first or message
    if plan.document is not None:
        await send_file(*plan.document)
    return first


async def follow_migration(app: App, old_id: int, new_id: int) -> Mapping[str, Any]:
    """Move a group's archive and schedule to its new supergroup id; return the new chat."""
    state = commons_of(app)
    # Both the old and the new chat announce the move; moving twice is a no-op.
    chat = await state.archive.run(operations.move_chat, old_id, new_id, now=state.timestamp())
    unschedule_chat(app, old_id)
    if chat is None:  # a chat the bot never registered: nothing to move
        return {"id": new_id, "is_forum": False, "topic_thread_id": None}
    logger.info("chat %s migrated to %s", old_id, new_id)
    state.reschedule(chat)
    return chat


async def mark_removed(app: App, chat_id: int) -> None:
    """Record that the bot can no longer post in a chat; keep its archive until purged."""
    await commons_of(app).archive.run(Store.set_active, chat_id, False)
    unschedule_chat(app, chat_id)
    logger.info("chat %s removed the bot; marked inactive", chat_id)


# the scheduled posts


async def deliver(app: App, slot: Slot) -> str:
    """Send a claimed slot and record the outcome; return 'sent', 'skipped' or 'gone'."""
    state = commons_of(app)
    if slot.kind == PERSONAL_KIND:
        return await deliver_personal(app, state, slot)
    chat = await state.archive.run(Store.get_chat, slot.chat_id)
    if chat is None or not chat["active"]:
        await state.archive.run(
            Store.mark_post_failed, slot.chat_id, slot.local_date, slot.kind, error="gone"
        )
        return "gone"
    if slot.kind == "passage":
        return await deliver_passage(app, state, chat, slot)
    return await deliver_digest(app, state, chat, slot)


async def deliver_passage(app: App, state: Commons, chat: Chat, slot: Slot) -> str:
    """Send what the day brings (an approved suggestion, else the book's next passage); record
    it, and move the book's place on or mark the suggestion posted, once."""
    day = date.fromisoformat(slot.local_date)
    _, entry = await state.archive.run(agenda.entry_due, chat, day, state.corpus)
    if entry is None:  # an empty book and no suggestion: nothing to post that day
        await state.archive.run(Store.mark_post_skipped, chat["id"], slot.local_date, slot.kind)
        return "skipped"
    recall = await state.archive.run(operations.recall_passage, chat, entry.id, slot.local_date)
    text = render_passage_post(translator_for(chat), entry, local_date=day, recall=recall)
    message = await send_to_chat(app, chat, text)
    if message is None:
        await _gone(state, slot)
        return "gone"
    await state.archive.run(
        operations.record_passage,
        message.chat_id,
        slot.local_date,
        message_id=message.message_id,
        sent_at=state.timestamp(),
        thread_id=message.message_thread_id if message.is_topic_message else None,
        passage_id=entry.id,
        poll=wants_poll(chat),
    )
    logger.info("chat %s: passage %s sent", message.chat_id, entry.id)
    if wants_poll(chat) and message.chat_id == chat["id"]:
        await send_poll(app, chat, slot.local_date, message.message_id)
    return "sent"


# the day's poll


def wants_poll(chat: Chat) -> bool:
    """True if the chat's passages come with the day's poll: a group whose admins asked."""
    return bool(chat["poll"]) and chat["type"] != ChatType.PRIVATE


async def send_poll(app: App, chat: Chat, local_date: str, passage_message_id: int) -> bool:
    """Send the day's poll under its passage, if it is due; True if it went out.

    Taken before it is sent and never given back: if Telegram may have it (a crash, a
    timeout), the day goes without rather than get a second poll.
    """
    state = commons_of(app)
    if not await state.archive.run(Store.take_poll, chat["id"], local_date, now=state.timestamp()):
        return False
    question, answers = poll_of_the_day(translator_for(chat))
    try:
        message = await app.bot.send_poll(
            chat["id"],
            question,
            answers,
            is_anonymous=True,
            message_thread_id=topic_of(chat),
            reply_parameters=ReplyParameters(passage_message_id, allow_sending_without_reply=True),
        )
    except TelegramError as error:
        logger.warning("chat %s: the poll of %s was not sent: %s", chat["id"], local_date, error)
        return False
    assert message.poll is not None
    await state.archive.run(Store.record_poll_sent,
        chat["id"], local_date, poll_id=message.poll.id, message_id=message.message_id,
        now=state.timestamp(),
    )  # fmt: skip
    return True


async def close_poll(app: App, chat: Chat, local_date: str) -> None:
    """Stop the day's poll before its evening digest, keeping its final totals.

    A poll Telegram will not stop (deleted, already closed, too old) keeps the last totals
    the bot saw.
    """
    state = commons_of(app)
    poll = await state.archive.run(Store.get_poll, chat["id"], local_date)
    if poll is None or poll["status"] != "open" or poll["message_id"] is None:
        return
    try:
        final = await app.bot.stop_poll(chat["id"], poll["message_id"])
    except BadRequest as error:
        logger.info(
            "chat %s: the poll of %s stays as last seen: %s", chat["id"], local_date, error
        )
        totals = None
    else:
        totals = [option.voter_count for option in final.options]
    await state.archive.run(Store.close_poll, chat["id"], local_date, totals)


async def deliver_digest(app: App, state: Commons, chat: Chat, slot: Slot) -> str:
    """Send a daily or weekly digest: a few messages, or the first one and a document.

    The evening digest first closes the day's poll, so it shows where everyone stood.
    """
    day = date.fromisoformat(slot.local_date)
    if slot.kind == "digest":
        await close_poll(app, chat, slot.local_date)
    plan = await state.archive.plan(
        digests.plan_digest, chat, day, state.corpus, weekly=slot.kind == "weekly"
    )
    if not plan.messages:
        # A quiet day in a chat that asked for silence: nothing to send, nothing to retry.
        await state.archive.run(Store.mark_post_skipped, chat["id"], slot.local_date, slot.kind)
        return "skipped"
    first, *rest = plan.messages
    message = await send_to_chat(app, chat, first)
    if message is None:
        await _gone(state, slot)
        return "gone"
    # Recorded as soon as its first part is out, so a crash mid-digest cannot repeat it whole.
    await state.archive.run(
        Store.mark_post_sent,
        message.chat_id,
        slot.local_date,
        slot.kind,
        message_id=message.message_id,
        sent_at=state.timestamp(),
    )
    await send_digest(Delivery(tuple(rest), plan.document), *_senders(app, chat))
    return "sent"


async def deliver_personal(app: App, state: Commons, slot: Slot) -> str:
    """Send a person their groups' latest evening digests in private; record it once.

    Every part speaks the person's language (their private chat's), whatever each group's.
    """
    user_id = slot.chat_id
    own = await state.archive.run(Store.get_chat, user_id)
    language = own["language"] if own is not None else None
    private = {"id": user_id, "language": language}
    chats: list[Chat] = [
        {**c, "language": language}  # the digest of each group, rendered in their language
        for c in await state.archive.run(Store.personal_chats, user_id)
        if await _stays(app, c, user_id)
    ]
    plans = await state.archive.plan(
        digests.plan_personal_digests, chats, state.now(), state.corpus
    )
    if not plans:
        await state.archive.run(Store.mark_post_skipped, user_id, slot.local_date, slot.kind)
        return "skipped"
    in_private = translator_for(private)
    for number, (chat, day, plan) in enumerate(plans):
        intro = await send_to_chat(app, private, render_intro(in_private, chat, day))
        if intro is None:
            # Telegram refused (never started, or blocked): wait for their /start.
            await state.archive.run(Store.refuse_personal_digest, user_id, now=state.timestamp())
            await _gone(state, slot)
            return "gone"
        if number == 0:
            await state.archive.run(Store.mark_post_sent,
                user_id, slot.local_date, slot.kind, message_id=intro.message_id,
                sent_at=state.timestamp(),
            )  # fmt: skip
        await send_digest(plan, *_senders(app, private))
    return "sent"


async def _stays(app: App, chat: Chat, user_id: int) -> bool:
    """Return True if the person is still in the group; drop the group from their digest if not.

    Someone who left a group gets no more of its talk.
    """
    try:
        member = await app.bot.get_chat_member(chat["id"], user_id)
    except (BadRequest, Forbidden):  # not found, or the bot itself is out of the group
        member = None
    if member is not None and member.status not in GONE_FROM_GROUP:
        return True
    await commons_of(app).archive.run(Store.stop_personal_digest, user_id, chat["id"])
    logger.info("user left chat %s: its personal digest stopped", chat["id"])
    return False


def _senders(app: App, chat: Mapping[str, Any]) -> tuple[SendText, SendFile]:
    async def send(text: str) -> Message | None:
        return await send_to_chat(app, chat, text)

    async def send_file(filename: str, data: bytes) -> Message | None:
        return await send_document_to_chat(app, chat, filename, data)

    return send, send_file


async def _gone(state: Commons, slot: Slot) -> None:
    await state.archive.run(
        Store.mark_post_failed,
        slot.chat_id,
        slot.local_date,
        slot.kind,
        error="Forbidden: the bot was removed",
    )


# answers to a member


async def reply(update: Update, text: str) -> Message:
    """Answer the update's message with HTML (the default parse mode), fitted to Telegram."""
    message = update.effective_message
    assert message is not None
    return await message.reply_text(fit_html(text))


async def reply_digest(update: Update, plan: Delivery, t: Translator) -> None:
    """Answer with a digest: its messages, then its file (captioned in t's language)."""
    message = update.effective_message
    assert message is not None
    caption = t._(DOCUMENT_CAPTION)

    async def send_file(filename: str, data: bytes) -> Message:
        return await message.reply_document(data, filename=filename, caption=caption)

    await send_digest(plan, message.reply_text, send_file)
