"""The durable inbox: no update is confirmed to Telegram before it is in the archive.

PTB confirms updates early: polling moves the ``getUpdates`` offset as soon as a batch is queued,
and a webhook answers 200 as soon as its update is queued, both before any handler runs. The bot
keeps PTB's Updater and webhook server, and closes that gap at seams PTB offers:

- ``InboxRequest`` (PTB's HTTPXRequest) writes the raw answer of each ``getUpdates`` call to the
  archive in one transaction before PTB reads it, so the Updater's next call, which confirms
  the batch, comes after the write;
- ``InboxQueue.put`` writes an update that did not come through it (a webhook call), before the
  webhook server may answer;
- ``InboxProcessor`` (PTB's ``BaseUpdateProcessor``) marks each update handled once every
  handler has run, and skips one Telegram delivers again after it was handled.

At start, ``replay_unhandled`` handles whatever was recorded and not handled before the crash.

An update whose handlers called Telegram (answered, sent, asked) is marked handled at once. One
whose handlers only wrote to the archive (a reply stored) is marked with the next batch, in the
same transaction, or when the queue runs dry: one commit per batch instead of one per reply.
Handling such an update again after a crash changes nothing, as every write is idempotent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor, ExtBot
from telegram.request import HTTPXRequest

from bot.archive import Archive

logger = logging.getLogger(__name__)

Processes = Callable[[Update], Awaitable[None]]


@dataclass
class Handling:
    """What the handlers of one update did that decides when it is marked handled."""

    called_telegram: bool = False


HANDLING: ContextVar[Handling | None] = ContextVar("handling", default=None)


class Inbox:
    """The bot's side of the archive's inbox: records updates, marks them handled."""

    def __init__(self, archive: Archive, clock: Callable[[], datetime]) -> None:
        self.archive = archive
        self.clock = clock
        self.recorded: set[int] = set()  # written with a batch, not yet queued
        self.skip: set[int] = set()  # delivered again after being handled
        self.pending: list[int] = []  # handled, their mark waiting for the next write

    def _now(self) -> int:
        return int(self.clock().timestamp())

    async def record_answer(self, answer: bytes) -> None:
        """Write a raw getUpdates answer to the archive, with the marks that were waiting."""
        waiting, self.pending = self.pending, []
        try:
            ids, handled = await self.archive.record_answer(
                answer, now=self._now(), handled=waiting
            )
        except BaseException:
            self.pending = waiting + self.pending
            raise
        self.recorded.update(ids)
        self.skip.update(handled)

    async def ensure_recorded(self, update: Update) -> None:
        """Write an update unless its batch already did (a webhook call is a batch of one)."""
        if update.update_id in self.recorded:
            self.recorded.discard(update.update_id)
            return
        row = (update.update_id, json.dumps(update.to_dict(), ensure_ascii=False))
        self.skip.update(await self.archive.record_updates([row], now=self._now()))

    async def handled(self, update: Update, handling: Handling) -> None:
        """Record that every handler has run for this update (at once if Telegram saw it)."""
        self.pending.append(update.update_id)
        if handling.called_telegram:
            await self.flush()

    async def flush(self) -> None:
        """Write the marks that are waiting."""
        waiting, self.pending = self.pending, []
        if waiting:
            await self.archive.mark_all_handled(waiting, now=self._now())

    def should_skip(self, update: Update) -> bool:
        """True, once, for an update Telegram delivered again after it was handled."""
        if update.update_id in self.skip:
            self.skip.discard(update.update_id)
            return True
        return False


class InboxRequest(HTTPXRequest):
    """PTB's HTTP layer: a getUpdates answer is in the archive before PTB reads it."""

    def __init__(self, inbox: Inbox, **options: Any) -> None:
        super().__init__(**options)
        self.inbox = inbox

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        """Make the call; record the updates an answer to getUpdates carries."""
        handling = HANDLING.get()
        if handling is not None:
            handling.called_telegram = True
        status, answer = await super().do_request(url, method, *args, **kwargs)
        if status == 200 and url.endswith("/getUpdates"):
            # If this fails, PTB logs it and asks for the batch again: nothing was confirmed.
            await self.inbox.record_answer(answer)
        return status, answer


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

    def __init__(self, inbox: Inbox, queue: asyncio.Queue[object]) -> None:
        super().__init__(max_concurrent_updates=1)
        self.inbox = inbox
        self.queue = queue

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers, unless the update was handled before; then mark it handled."""
        if isinstance(update, Update) and self.inbox.should_skip(update):
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never awaited: the handlers do not run again
            return
        handling = Handling()
        token = HANDLING.set(handling)
        try:
            await coroutine
        finally:
            HANDLING.reset(token)
        if isinstance(update, Update):
            await self.inbox.handled(update, handling)
        if self.queue.empty():
            await self.inbox.flush()  # nothing more to batch them with for now

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
    await inbox.flush()
    if payloads:
        logger.info("handled %d updates left from before the restart", len(payloads))
    return len(payloads)
