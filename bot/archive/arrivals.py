"""A fetched batch of updates arriving: recorded, and the members' messages it opens with
placed in their threads, in one transaction.

The messages are placed here rather than one trip each from their handlers: a busy group's
batch is a hundred replies, and this is one transaction. The first update whose handlers may
change what is kept or where (``/optout``, a member leaving, a ``#curious`` message...), or
the first reply no plain road leads from yet, ends that: it and the rest are placed by their
handlers, in order. ``Arrival`` tells the handlers what was done, so nothing is
looked up twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.archive.replies import Placement, store_all_said
from bot.archive.store import Store
from bot.core.updates import Json, Said, passes_by, said_on_arrival


@dataclass(frozen=True)
class Arrival:
    """What recording a batch of updates did: the ids recorded, those Telegram delivered again
    after they were handled, and what the plain roads did with each message they placed."""

    recorded: list[int]
    again: list[int]
    placed: dict[int, Placement]

    @property
    def stored(self) -> list[int]:
        """The updates whose message is in its thread now."""
        return [update_id for update_id, p in self.placed.items() if p is Placement.STORED]


def record_answer(
    store: Store, answer: bytes, *, now: int, handled: Iterable[int] = ()
) -> Arrival:
    """Record the updates of a raw getUpdates answer, and mark ``handled`` ones, at once."""
    text = answer.decode()
    updates = json.loads(text).get("result") or []
    ids = [int(u["update_id"]) for u in updates]
    with store.db.atomic():
        store.mark_all_handled(handled, now=now)
        again = store.record_answer_updates(text, ids, now=now)
        placed = _place_on_arrival(store, updates, skip=set(again))
    return Arrival(ids, again, placed)


def record_arrivals(
    store: Store, updates: Sequence[Json], *, now: int, handled: Iterable[int] = ()
) -> Arrival:
    """Record a batch of updates in one transaction, with the members' messages it opens with."""
    rows = [(int(u["update_id"]), json.dumps(u, ensure_ascii=False)) for u in updates]
    with store.db.atomic():
        store.mark_all_handled(handled, now=now)
        again = store.record_updates(rows, now=now)
        placed = _place_on_arrival(store, updates, skip=set(again))
    return Arrival([update_id for update_id, _ in rows], again, placed)


def _place_on_arrival(
    store: Store, updates: Sequence[Json], *, skip: set[int]
) -> dict[int, Placement]:
    arrived: list[tuple[int, Said]] = []
    for update in updates:
        update_id = int(update["update_id"])
        if update_id in skip or passes_by(update):
            continue
        said = said_on_arrival(update)
        if said is None:
            break
        arrived.append((update_id, said))
    placements = store_all_said(store, [said for _, said in arrived], on_arrival=True)
    return {update_id: p for (update_id, _), p in zip(arrived, placements, strict=False)}
