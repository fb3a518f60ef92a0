"""The evening and weekly digests, planned: the archive's rows gathered, built and rendered.

Each function takes the Store first and only reads, so the bot runs it in the archive's planning
process (``await archive.plan(plan_digest, chat, day, corpus, weekly=False)``), beside the
writer: a busy day's digest never keeps a reply waiting. The archive gathers the rows
(``bot.archive.operations.gather_day``); compose builds and renders them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from bot.archive.operations import gather_day
from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.compose.digest import (
    Digest,
    build_daily_digest,
    build_weekly_digest,
    plan_delivery,
    render_chunks,
    render_plain,
)
from bot.core.corpus import Entry
from bot.core.personal import digest_day
from bot.core.records import Delivery
from bot.i18n import translator_for
from bot.words import HISTORY_DAYS, HISTORY_PER_DAY

WEEK_DAYS = 7


def build_digest(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry], *, weekly: bool
) -> Digest:
    """Return the daily digest of ``day``, or the weekly one of the week ending on it."""
    t = translator_for(chat)
    if not weekly:
        one = gather_day(store, chat, day, corpus)
        return build_daily_digest(
            t,
            chat,
            day,
            entry=one.entry,
            post=one.post,
            messages=one.messages,
            curiosities=one.curiosities,
            corpus=corpus,
            reactions=one.reactions,
            passage_reactions=one.passage_reactions,
            reactors=one.reactors,
            poll=one.poll,
            history=_history(store, chat, day),
        )
    first = day - timedelta(days=WEEK_DAYS - 1)
    days = [gather_day(store, chat, first + timedelta(days=n), corpus) for n in range(WEEK_DAYS)]
    history = _history(store, chat, first)
    return build_weekly_digest(t, chat, first, day, days=days, corpus=corpus, history=history)


def _history(store: Store, chat: Mapping[str, Any], before: date) -> list[tuple[str, str]]:
    """Return the group's curiosities of the weeks before a day: (local date, text)."""
    first = before - timedelta(days=HISTORY_DAYS)
    said = store.curiosities_said_before
    return said(chat["id"], first.isoformat(), before.isoformat(), HISTORY_PER_DAY)


def plan_digest(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry], *, weekly: bool
) -> Delivery:
    """Return what to send for a digest: a few messages, or the first and a document."""
    digest = build_digest(store, chat, day, corpus, weekly=weekly)
    return plan_delivery(translator_for(chat), digest)


def preview_digest(
    store: Store,
    chat: Mapping[str, Any],
    day: date,
    corpus: Sequence[Entry],
    *,
    weekly: bool,
    html: bool,
) -> str:
    """Return a digest as the chat would read it: plain text, or Telegram HTML chunks."""
    digest = build_digest(store, chat, day, corpus, weekly=weekly)
    chunks = render_chunks(digest)
    if html:
        return "\n\n<!-- next message -->\n\n".join(chunks)
    return render_plain(chunks) if chunks else "(a quiet day: this chat asked for no digest)"


def plan_personal_digests(
    store: Store, chats: Sequence[Chat], now: datetime, corpus: Sequence[Entry]
) -> list[tuple[Chat, date, Delivery]]:
    """Return each group's latest evening digest for a person: (group, its day, what to send).

    A quiet day (no replies, no curiosities) sends nothing: a private chat is not told that
    nothing happened.
    """
    plans = []
    for chat in chats:
        day = digest_day(chat, now)
        one = gather_day(store, chat, day, corpus)
        if one.messages or one.curiosities or one.reactors or any(one.poll or ()):
            plans.append((chat, day, plan_digest(store, chat, day, corpus, weekly=False)))
    return plans
