"""Composing and sending one claimed slot: the morning passage, the evening or weekly digest."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from telegram.ext import Application

from bot import schedule
from bot.corpus import entry_at
from bot.digest_source import plan_digest
from bot.due import Slot
from bot.handlers.runtime import COMMONS_KEY, Commons
from bot.handlers.sending import send_document_to_chat, send_to_chat
from bot.passage import render_passage_post

logger = logging.getLogger(__name__)


async def deliver(app: Application, slot: Slot) -> str:
    """Send a claimed slot and record the outcome; return 'sent', 'skipped' or 'gone'."""
    state: Commons = app.bot_data[COMMONS_KEY]
    chat = await state.store.get_chat(slot.chat_id)
    if chat is None or not chat["active"]:
        await state.store.mark_post_failed(slot.chat_id, slot.local_date, slot.kind, error="gone")
        return "gone"
    if slot.kind == "passage":
        return await deliver_passage(app, state, chat, slot)
    return await deliver_digest(app, state, chat, slot)


async def deliver_passage(
    app: Application, state: Commons, chat: dict[str, Any], slot: Slot
) -> str:
    """Send the chat's next passage; record it and advance the chat's place in the corpus."""
    entry = entry_at(state.corpus, chat["corpus_position"])
    text = render_passage_post(entry, local_date=date.fromisoformat(slot.local_date))
    message = await send_to_chat(app, chat, text)
    if message is None:
        await _gone(state, slot)
        return "gone"
    await state.store.record_passage_sent(
        message.chat_id,
        slot.local_date,
        message_id=message.message_id,
        sent_at=state.timestamp(),
        thread_id=message.message_thread_id if message.is_topic_message else None,
        passage_id=entry.id,
    )
    logger.info("chat %s: passage %s sent", message.chat_id, entry.id)
    return "sent"


async def deliver_digest(
    app: Application, state: Commons, chat: dict[str, Any], slot: Slot
) -> str:
    """Send a daily or weekly digest: a few messages, or the first one and a document."""
    day = date.fromisoformat(slot.local_date)
    plan = await state.store.run(
        plan_digest, chat, day, state.corpus, weekly=slot.kind == "weekly"
    )
    if not plan.messages:
        # A quiet day in a chat that asked for silence: nothing to send, nothing to retry.
        await state.store.mark_post_skipped(chat["id"], slot.local_date, slot.kind)
        return "skipped"
    first, *rest = plan.messages
    message = await send_to_chat(app, chat, first)
    if message is None:
        await _gone(state, slot)
        return "gone"
    # Recorded as soon as its first part is out, so a crash mid-digest cannot repeat it whole.
    await state.store.mark_post_sent(
        message.chat_id,
        slot.local_date,
        slot.kind,
        message_id=message.message_id,
        sent_at=state.timestamp(),
    )
    for text in rest:
        await send_to_chat(app, chat, text)
    if plan.document is not None:
        filename, data = plan.document
        await send_document_to_chat(app, chat, filename, data, caption="The full digest.")
    return "sent"


async def _gone(state: Commons, slot: Slot) -> None:
    await state.store.mark_post_failed(
        slot.chat_id, slot.local_date, slot.kind, error="Forbidden: the bot was removed"
    )


async def post_digest_now(app: Application, chat_id: int, *, weekly: bool = False) -> None:
    """Post the digest so far into a chat, outside the schedule (no claim, nothing recorded)."""
    state: Commons = app.bot_data[COMMONS_KEY]
    chat = await state.store.get_chat(chat_id)
    if chat is None:
        return
    day = schedule.local_date(state.now(), chat["timezone"])
    loud = {**chat, "quiet_day": "line"}
    plan = await state.store.run(plan_digest, loud, day, state.corpus, weekly=weekly)
    for text in plan.messages:
        await send_to_chat(app, chat, text)
    if plan.document is not None:
        await send_document_to_chat(app, chat, *plan.document, caption="The full digest.")
