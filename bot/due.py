"""What is due now across every chat, read from the archive: the catch-up and retry sweep.

Runs on the database thread (it is a loop over every active chat), so thousands of chats never
hold the event loop. Claims in the store still decide who sends; this only finds candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot import schedule
from bot.store import Store

SLOT_KINDS = ("passage", "digest", "weekly")

# A claim that has not been recorded as sent within this long was interrupted (a crash between
# claiming and recording); it may be claimed again. See the README's "Exactly once" section.
STALE_CLAIM_SECONDS = 120
# A send that failed for a passing reason is tried again after this long.
RETRY_FAILED_SECONDS = 60


@dataclass(frozen=True)
class Slot:
    """One post that should go out: a chat, a kind and the chat's local date."""

    chat_id: int
    kind: str
    local_date: str


def may_claim(post: dict[str, Any] | None, now_ts: int) -> bool:
    """Return True if a slot with this post row (or none) may be claimed or re-claimed."""
    if post is None:
        return True
    age = now_ts - int(post["claimed_at"] or 0)
    if post["status"] == "failed":
        return age >= RETRY_FAILED_SECONDS
    if post["status"] == "claimed":
        return age >= STALE_CLAIM_SECONDS
    return False  # sent or skipped: done for that day


def due_slots(store: Store, now: datetime, kinds: tuple[str, ...] = SLOT_KINDS) -> list[Slot]:
    """Return every slot of every active chat that is due now and not yet done."""
    now_ts = int(now.timestamp())
    slots = []
    for chat in store.active_chats():
        for kind in kinds:
            day = due_day(chat, kind, now)
            if day and may_claim(store.get_post(chat["id"], day, kind), now_ts):
                slots.append(Slot(chat["id"], kind, day))
    return slots


def due_day(chat: dict[str, Any], kind: str, now: datetime) -> str | None:
    """Return the local date a chat's slot is due for, or None.

    A chat's first passage comes on the day it joins, even after the morning hour, so a new
    group has something to talk about; a digest slot that passed before the bot joined does not.
    """
    day = schedule.due_now(chat, kind, now)
    if day is None or kind == "passage":
        return day
    slot = schedule.slot_for(chat, kind, date.fromisoformat(day))
    return day if slot and slot.timestamp() >= int(chat.get("created_at") or 0) else None


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
