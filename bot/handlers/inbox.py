"""The durable inbox: no update is confirmed to Telegram before it is in the archive.

PTB confirms updates early: polling moves the ``getUpdates`` offset as soon as a batch is queued,
and a webhook answers 200 as soon as its update is queued, both before any handler runs. The bot
keeps PTB's Updater and webhook server, and closes that gap at the two seams PTB offers:

- ``InboxBot.get_updates`` writes each fetched batch to the archive in one transaction before
  returning it, so the Updater's next call, which confirms the batch, comes after the write;
- ``InboxQueue.put`` writes an update that did not come through it (a webhook call), before the
  webhook server may answer;
- ``InboxProcessor`` (PTB's ``BaseUpdateProcessor``) marks each update handled once every
  handler has run, and skips one Telegram delivers again after it was handled.

At start, ``replay_unhandled`` handles whatever was recorded and not handled before the crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, ExtBot

from bot.archive import Archive

logger = logging.getLogger(__name__)

Processes = Callable[[Update], Awaitable[None]]


class Inbox:
    """The bot's side of the archive's inbox: records updates, remembers which to skip."""

    def __init__(self, archive: Archive, clock: Callable[[], datetime]) -> None:
        self.archive = archive
        self.clock = clock
        self.recorded: set[int] = set()  # written by a batch, not yet queued
        self.skip: set[int] = set()  # delivered again after being handled

    def _now(self) -> int:
        return int(self.clock().timestamp())

    async def record(self, updates: Sequence[Update]) -> None:
        """Write updates to the archive in one transaction; note any already handled."""
        rows = [(u.update_id, json.dumps(u.to_dict(), ensure_ascii=False)) for u in updates]
        handled = await self.archive.record_updates(rows, now=self._now())
        self.recorded.update(u.update_id for u in updates)
        self.skip.update(handled)

    async def ensure_recorded(self, update: Update) -> None:
        """Write an update unless its batch already did (a webhook call is a batch of one)."""
        if update.update_id in self.recorded:
            self.recorded.discard(update.update_id)
            return
        await self.record([update])
        self.recorded.discard(update.update_id)

    async def handled(self, update: Update) -> None:
        """Record that every handler has run for this update."""
        await self.archive.mark_handled(update.update_id, now=self._now())

    def should_skip(self, update: Update) -> bool:
        """True, once, for an update Telegram delivered again after it was handled."""
        if update.update_id in self.skip:
            self.skip.discard(update.update_id)
            return True
        return False


class InboxBot(ExtBot[None]):
    """PTB's bot, writing each fetched batch of updates to the inbox before it is confirmed."""

    def __init__(self, inbox: Inbox, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inbox = inbox  # PTB objects freeze public attributes once built

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """Return the next batch, once it is durably in the archive."""
        updates = await super().get_updates(*args, **kwargs)
        if updates:
            # If this fails, the Updater logs it and fetches the batch again: nothing confirmed.
            await self._inbox.record(updates)
        return updates


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue, which takes an update only once it is recorded."""

    def __init__(self, inbox: Inbox, maxsize: int) -> None:
        super().__init__(maxsize)
        self.inbox = inbox

    async def put(self, item: object) -> None:
        """Record the update if its batch did not, then queue it."""
        if isinstance(item, Update):
            await self.inbox.ensure_recorded(item)
        await super().put(item)


class InboxProcessor(BaseUpdateProcessor):
    """One update at a time, in order; each marked handled after its handlers ran."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__(max_concurrent_updates=1)
        self.inbox = inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers, unless the update was handled before; then mark it handled."""
        if isinstance(update, Update) and self.inbox.should_skip(update):
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never awaited: the handlers do not run again
            return
        await coroutine
        if isinstance(update, Update):
            await self.inbox.handled(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


async def replay_unhandled(inbox: Inbox, bot: ExtBot[None], process: Processes) -> int:
    """Handle, in order, every update recorded but not handled before; return how many."""
    payloads = await inbox.archive.unhandled_updates()
    for payload in payloads:
        update = Update.de_json(json.loads(payload), bot)
        await process(update)
    if payloads:
        logger.info("handled %d updates left from before the restart", len(payloads))
    return len(payloads)
