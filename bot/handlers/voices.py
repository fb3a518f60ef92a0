"""Voices without words: members' reactions and the day's poll, as Telegram reports them.

Telegram sends reactions only to a bot that is an admin of the chat (``/status`` says whether
it is); the archive keeps those on the day's talk and nothing of anyone who opted out. A poll
update carries its totals, never who voted.
"""

from __future__ import annotations

from telegram import Update

from bot.archive.store import Store
from bot.core.reactions import reaction_change, reaction_totals
from bot.handlers.state import Context


async def record_reaction(update: Update, context: Context) -> None:
    """A member's reactions to a message changed: keep them if the message is the day's talk."""
    assert update.message_reaction is not None
    change = reaction_change(update.message_reaction.to_dict())
    await context.commons.archive.run(
        Store.keep_reactions,
        change.chat_id,
        change.message_id,
        change.author,
        change.reactions,
        now=change.date,
    )


async def record_reaction_count(update: Update, context: Context) -> None:
    """The anonymous totals on a message changed: keep them if the message is the day's talk."""
    assert update.message_reaction_count is not None
    totals = reaction_totals(update.message_reaction_count.to_dict())
    await context.commons.archive.run(
        Store.keep_reaction_counts,
        totals.chat_id,
        totals.message_id,
        totals.totals,
        now=totals.date,
    )


async def record_poll(update: Update, context: Context) -> None:
    """A poll's totals changed (someone voted, or it closed): keep them if it is ours."""
    poll = update.poll
    assert poll is not None
    totals = [option.voter_count for option in poll.options]
    await context.commons.archive.run(
        Store.note_poll_totals, poll.id, totals, closed=poll.is_closed
    )
