"""A reply to one of the bot's own messages that no plain road leads from: which thread it joins.

A member can answer the passage through any copy of it (the morning post, a ``/today`` copy, a
copy sent again after a crash, even one whose id was never recorded), answer a digest (quoting
one of its lines, or not), or answer the welcome or the help. A copy whose id was never recorded
is known by its heading, rendered here, above the archive, in the chat's language; the archive
then takes the bot's roads (``bot.archive.replies.join_bot_reply``) in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from telegram import Update

from bot.archive import replies
from bot.archive.replies import BotMessage, PassageCopy, RecentPassages
from bot.compose import views
from bot.compose.passage import passage_heading
from bot.core import schedule
from bot.core.corpus import Entry, entry_at
from bot.core.text import N_
from bot.core.updates import Said
from bot.handlers.chats import chat_and_translator
from bot.handlers.outbox import reply
from bot.handlers.state import Commons
from bot.i18n import Translator

logger = logging.getLogger(__name__)

NO_THREAD_YET = N_(
    "I keep the conversation about each day's passage, and there is none yet today. "
    "The next one comes {when}: reply to it to join in."
)


async def join_bot_thread(update: Update, state: Commons, said: Said) -> None:
    """Store a reply to a bot message in the thread the bot's roads lead to, if any."""
    message = update.message
    assert message is not None and message.reply_to_message is not None
    chat, t = await chat_and_translator(state, update)
    parent = message.reply_to_message
    today = schedule.local_date(state.now(), chat["timezone"]).isoformat()
    passages = await state.archive.read(replies.recent_passages, chat["id"], today)
    about = BotMessage(
        quote=message.quote.text if message.quote is not None else None,
        today=today,
        copy=recognise_copy(t, parent.text or parent.caption or "", passages, state.corpus, chat),
    )
    road = await state.archive.run(replies.join_bot_reply, said, about)
    if road == "recognised":
        # The crash window: Telegram took a passage whose id was never recorded.
        logger.info("chat %s: a reply found an unrecorded copy of a passage", chat["id"])
    if road == "nowhere" and (chat["id"], said.author.user_id) not in state.told_how_to_join:
        state.told_how_to_join.add((chat["id"], said.author.user_id))
        when = views.describe_time(t, schedule.next_run(chat, "passage", state.now()), chat)
        await reply(update, t._(NO_THREAD_YET, when=when))


def recognise_copy(
    t: Translator,
    text: str,
    passages: RecentPassages,
    corpus: Sequence[Entry],
    chat: Mapping[str, Any],
) -> PassageCopy | None:
    """Return the passage post a bot message's text is a copy of, by its heading, or None.

    The newest recent post whose heading the text opens with; else the chat's latest passage,
    if it went out without its id being recorded (a crash between sending and recording).
    """
    entries = {entry.id: entry for entry in corpus} | passages.suggested
    for post in passages.recent:
        entry = entries.get(post["passage_id"] or "")
        if entry is None or post["message_id"] is None:
            continue
        if text.startswith(passage_heading(t, entry, date.fromisoformat(post["local_date"]))):
            return PassageCopy(post["local_date"], entry.id, post["message_id"])
    latest = passages.latest
    if latest is None or latest["message_id"] is not None:
        return None
    entry = entries.get(latest["passage_id"] or "")
    if entry is None and corpus:
        entry = entry_at(corpus, chat["corpus_position"])
    if entry is None:
        return None
    if not text.startswith(passage_heading(t, entry, date.fromisoformat(latest["local_date"]))):
        return None
    return PassageCopy(latest["local_date"], entry.id, None)
