"""The durable inbox: no update is confirmed to Telegram before it is in the archive.

PTB confirms updates early: polling moves the ``getUpdates`` offset as soon as a batch is queued,
and a webhook answers 200 as soon as its update is queued, both before any handler runs. The bot
keeps PTB's Updater and webhook server, and closes that gap at seams PTB offers:

- ``InboxRequest`` (PTB's HTTPXRequest) writes the raw answer of each ``getUpdates`` call to the
  archive in one transaction while PTB parses it; the batch's first update waits for the write
  before it is queued, and so does the Updater's next call, which confirms the batch. The
  members' messages that open the batch are placed in their threads in that same transaction
  (``bot.archive.arrivals``), and their handlers are told what was done (``arrival_of``);
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
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import BaseUpdateProcessor, ExtBot
from telegram.request import HTTPXRequest

from bot.archive import Archive
from bot.archive.arrivals import Arrival, record_answer, record_arrivals
from bot.archive.replies import Placement
from bot.archive.store import Store

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
        self.arrived: dict[int, Placement] = {}  # what arrival did with their message
        self._recording: asyncio.Future[None] | None = None  # the batch being written

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def start_recording(self, answer: bytes) -> None:
        """Begin writing a raw getUpdates answer, with the marks that were waiting.

        PTB parses the answer meanwhile; ``recorded_so_far()`` waits for the write, and both
        the batch's first update entering the queue and the next getUpdates call await it.
        """
        self._recording = asyncio.ensure_future(self._record(answer))

    async def _record(self, answer: bytes) -> None:
        waiting, self.pending = self.pending, []
        try:
            arrival = await self.archive.run(
                record_answer, answer, now=self._now(), handled=waiting
            )
        except BaseException:
            self.pending = waiting + self.pending
            raise
        self._arrived(arrival)
        self.recorded.update(arrival.recorded)

    async def recorded_so_far(self) -> None:
        """Wait until the batch being written is written; a failed write raises, once.

        The failure is a NetworkError, as if the batch never came: PTB's polling loop logs it
        and fetches the same batch again, since nothing was confirmed.
        """
        recording, self._recording = self._recording, None
        if recording is None:
            return
        try:
            await recording
        except Exception as error:
            raise NetworkError(f"the updates could not be recorded: {error!r}") from error

    async def ensure_recorded(self, update: Update) -> None:
        """Write an update unless its batch already did (a webhook call is a batch of one)."""
        if self._recording is not None:
            await self.recorded_so_far()
        if update.update_id in self.recorded:
            self.recorded.discard(update.update_id)
            return
        self._arrived(await self.archive.run(record_arrivals, [update.to_dict()], now=self._now()))

    def _arrived(self, arrival: Arrival) -> None:
        self.skip.update(arrival.again)
        self.arrived.update(arrival.placed)

    def arrival_of(self, update: Update) -> Placement | None:
        """Return, once, what the plain roads did with the update's message as it arrived, or
        None if they did not see it (a replay at start, or after a command in its batch)."""
        return self.arrived.pop(update.update_id, None)

    async def handled(self, update: Update, handling: Handling) -> None:
        """Record that every handler has run for this update (at once if Telegram saw it)."""
        self.pending.append(update.update_id)
        if handling.called_telegram:
            await self.flush()

    async def close(self) -> None:
        """Let the batch being written finish (it is fetched again if it failed), then flush."""
        with suppress(NetworkError):
            await self.recorded_so_far()
        await self.flush()

    async def flush(self) -> None:
        """Write the marks that are waiting."""
        waiting, self.pending = self.pending, []
        if waiting:
            await self.archive.run(Store.mark_all_handled, waiting, now=self._now())

    def should_skip(self, update: Update) -> bool:
        """True, once, for an update Telegram delivered again after it was handled."""
        if update.update_id in self.skip:
            self.skip.discard(update.update_id)
            self.arrived.pop(update.update_id, None)
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
        fetching = url.endswith("/getUpdates")
        if fetching:
            # This call confirms the batch before it: that one must be in the archive first.
            await self.inbox.recorded_so_far()
        status, answer = await super().do_request(url, method, *args, **kwargs)
        if status == 200 and fetching:
            self.inbox.start_recording(answer)
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
    payloads = await inbox.archive.run(Store.unhandled_updates)
    for payload in payloads:
        update = Update.de_json(json.loads(payload), bot)
        await process(update)
    await inbox.flush()
    if payloads:
        logger.info("handled %d updates left from before the restart", len(payloads))
    return len(payloads)
