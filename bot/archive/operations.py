"""The archive's named operations: work that takes several steps, run as one call.

Each function takes the Store first and runs on the database thread (the bot reaches them
through ``Archive``) or directly (the command line): what is due across every chat, claiming a
slot, gathering and planning a digest, moving a chat, noting a curiosity with its author. A
loop over every chat or a busy day's rows never holds the event loop, and a multi-step change
is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Unpack

from bot.archive.rows import Chat, ChatIdentity, Curiosity, Message
from bot.archive.store import Store
from bot.compose.digest import (
    DayInput,
    Delivery,
    Digest,
    build_daily_digest,
    build_weekly_digest,
    plan_delivery,
    render_chunks,
    render_plain,
)
from bot.core.corpus import Entry
from bot.core.schedule import SLOT_KINDS, Slot, due_day, may_claim
from bot.core.text import PostKind

WEEK_DAYS = 7


def gather_day(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry]
) -> DayInput:
    """Return one day's passage, post, thread messages and curiosities."""
    iso = day.isoformat()
    post = store.get_post(chat["id"], iso, "passage")
    messages: list[Message] = []
    entry = None
    if post is not None and post["message_id"] is not None:
        messages = store.thread_messages(chat["id"], post["message_id"])
        entry = next((e for e in corpus if e.id == post["passage_id"]), None)
    curiosities = store.curiosities_between(chat["id"], iso, iso)
    return DayInput(day, entry, post, messages, curiosities)


def build_digest(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry], *, weekly: bool
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
            corpus=corpus,
        )
    first = day - timedelta(days=WEEK_DAYS - 1)
    days = [gather_day(store, chat, first + timedelta(days=n), corpus) for n in range(WEEK_DAYS)]
    return build_weekly_digest(chat, first, day, days=days, corpus=corpus)


def plan_digest(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry], *, weekly: bool
) -> Delivery:
    """Return what to send for a digest: a few messages, or the first and a document."""
    return plan_delivery(build_digest(store, chat, day, corpus, weekly=weekly))


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


# the schedule


def due_slots(store: Store, now: datetime, kinds: tuple[PostKind, ...] = SLOT_KINDS) -> list[Slot]:
    """Return every slot of every active chat that is due now and not yet done."""
    now_ts = int(now.timestamp())
    slots = []
    for chat in store.active_chats():
        for kind in kinds:
            day = due_day(chat, kind, now)
            if day and may_claim(store.get_post(chat["id"], day, kind), now_ts):
                slots.append(Slot(chat["id"], kind, day))
    return slots


def claim_slot(store: Store, slot: Slot, *, now_ts: int, passage_id: str | None = None) -> bool:
    """Claim a slot for this process; True means send now, False means someone else has it."""
    if store.claim_post(
        slot.chat_id, slot.local_date, slot.kind, now=now_ts, passage_id=passage_id
    ):
        return True
    post = store.get_post(slot.chat_id, slot.local_date, slot.kind)
    if not may_claim(post, now_ts):
        return False
    # Compare-and-swap on the old claim time, so two processes cannot both re-claim it.
    return store.reclaim_post(
        slot.chat_id,
        slot.local_date,
        slot.kind,
        now=now_ts,
        previous_claimed_at=post["claimed_at"] if post else 0,
        passage_id=passage_id,
    )


def skip_slots(store: Store, chat_id: int, slots: Sequence[tuple[str, str]], *, now: int) -> None:
    """Mark each (kind, local date) skipped unless sent or in flight, in one transaction."""
    with store.db.atomic():
        for kind, day in slots:
            store.skip_slot(chat_id, day, kind, now=now)


# chats


def ensure_chat(store: Store, chat_id: int, *, now: int, **identity: Unpack[ChatIdentity]) -> Chat:
    """Return the chat, registering it from ``identity`` the first time it is seen."""
    stored = store.get_chat(chat_id)
    return stored if stored is not None else store.register_chat(chat_id, now=now, **identity)


def move_chat(store: Store, old_id: int, new_id: int, *, now: int) -> Chat | None:
    """Move a group's archive to its new supergroup id; return the new chat, None if unknown."""
    with store.db.atomic():
        store.migrate_chat(old_id, new_id)
        moved = store.get_chat(new_id)
        if moved is None:  # a chat the bot never registered: nothing to move
            return None
        return store.register_chat(
            new_id,
            type="supergroup",
            title=moved["title"],
            username=moved["username"],
            is_forum=moved["is_forum"],
            now=now,
        )


# curiosities


def note_curiosity(
    store: Store,
    chat_id: int,
    *,
    author: tuple[int | None, int | None, str, str | None],
    local_date: str,
    text: str,
    message_id: int | None,
    now: int,
) -> int | None:
    """Remember the author's name and add the curiosity; None if the author is silenced."""
    user_id, sender_chat_id, name, username = author
    with store.db.atomic():
        if sender_chat_id is not None:
            store.upsert_sender_chat(sender_chat_id, title=name)
        elif user_id is not None:
            store.upsert_user(user_id, first_name=name, username=username)
        return store.add_curiosity(
            chat_id,
            user_id=user_id,
            local_date=local_date,
            text=text,
            message_id=message_id,
            now=now,
        )


def curiosities_of_day(store: Store, chat_id: int, local_date: str) -> list[Curiosity]:
    """Return the chat's curiosities of one local date."""
    return store.curiosities_between(chat_id, local_date, local_date)
