"""Gathering a digest's rows from the archive, then building and planning it.

Runs on the database thread (the bot) or directly (the CLI preview): reading a busy day and
rendering it never holds the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot.corpus import Entry
from bot.digest import (
    DayInput,
    Delivery,
    Digest,
    build_daily_digest,
    build_weekly_digest,
    plan_delivery,
    render_chunks,
    render_plain,
)
from bot.store import Store

WEEK_DAYS = 7


def gather_day(store: Store, chat: dict[str, Any], day: date, corpus: Sequence[Entry]) -> DayInput:
    """Return one day's passage, post, thread messages and curiosities."""
    iso = day.isoformat()
    post = store.get_post(chat["id"], iso, "passage")
    messages: list[dict[str, Any]] = []
    entry = None
    if post is not None and post["message_id"] is not None:
        messages = store.thread_messages(chat["id"], post["message_id"])
        entry = next((e for e in corpus if e.id == post["passage_id"]), None)
    curiosities = store.curiosities_between(chat["id"], iso, iso)
    return DayInput(day, entry, post, messages, curiosities)


def build_digest(
    store: Store, chat: dict[str, Any], day: date, corpus: Sequence[Entry], *, weekly: bool
) -> Digest:
    """Return the daily digest of ``day``, or the weekly one of the week ending on it."""
    if not weekly:
        one = gather_day(store, chat, day, corpus)
        return build_daily_digest(
            chat,
            day,
            entry=one.entry,
            post=one.post,
            messages=one.messages,
            curiosities=one.curiosities,
        )
    first = day - timedelta(days=WEEK_DAYS - 1)
    days = [gather_day(store, chat, first + timedelta(days=n), corpus) for n in range(WEEK_DAYS)]
    return build_weekly_digest(chat, first, day, days=days)


def plan_digest(
    store: Store, chat: dict[str, Any], day: date, corpus: Sequence[Entry], *, weekly: bool
) -> Delivery:
    """Return what to send for a digest: a few messages, or the first and a document."""
    return plan_delivery(build_digest(store, chat, day, corpus, weekly=weekly))


def preview_digest(
    store: Store,
    chat: dict[str, Any],
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
