"""The no-token run's movable clock: move it forward, and on the way run what falls due.

In the embedded run the bot, its archive and the sandbox all read one ``MovableClock``: real
time plus an offset that only grows. Moving it steps from slot to slot (each chat's next slot,
from ``schedule.next_run``) and at each step runs ``deliver_due``, the minute sweep's own
delivery, so every post is claimed in the archive before it is sent and comes exactly once,
however often a button is pressed. The JobQueue keeps its real-time timers; a timer that fires
"late" by the clock finds its slot already claimed, or delivers it, as the sweep would.
A move runs to its end even if the page that asked for it goes away (a reload mid-move): cut
between a claim and its send, it would leave a post claimed and never sent.
Production runs on ``system_clock`` and never touches this module.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.core import schedule
from bot.core.personal import gets_passages, reader_calendar
from bot.core.schedule import SLOT_KINDS
from bot.handlers.state import App, Clock, commons_of, system_clock
from bot.handlers.sweep import deliver_due
from bot.i18n import Translator, translator_for

logger = logging.getLogger(__name__)

MAX_DAYS_AHEAD = 28  # a longer jump would post a month of passages at Telegram's pace
TARGETS = ("evening", "morning", "week")


@dataclass
class MovableClock:
    """Real time plus an offset that only grows: ``clock()`` is now, ``move_to`` jumps ahead."""

    real: Clock = system_clock
    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return self.real() + self.offset

    def timestamp(self) -> float:
        """Return now as unix seconds (the sandbox's message dates)."""
        return self().timestamp()

    def move_to(self, when: datetime) -> None:
        """Jump ahead to ``when``; a time already past leaves the clock where it is."""
        self.offset += max(when - self(), timedelta(0))


class TimeTravel:
    """Moves the clock of a running bot for the web chat: to the evening, the next morning..."""

    def __init__(self, app: App, clock: MovableClock) -> None:
        self.app = app
        self.clock = clock
        # One move at a time: a second press waits, then finds the claims of the first.
        self.lock = asyncio.Lock()
        # The moves under way, held here so that each outlives the request that asked for it.
        self.moves: set[asyncio.Task[dict[str, Any]]] = set()

    async def read(self, chat_id: int) -> dict[str, Any]:
        """Return the clock as the chat sees it, and where each button would take it."""
        chat = await self.chat_for(chat_id)
        now = self.clock()
        view: dict[str, Any] = {"now": now.isoformat(), "timezone": None, "local": None}
        if chat is None:
            return {**view, "targets": {}, "today": now.date().isoformat()}
        targets = {name: _local(target_of(chat, name, now), chat) for name in TARGETS}
        return {
            **view,
            "timezone": chat["timezone"],
            "local": _local(now, chat),
            "today": schedule.local_date(now, chat["timezone"]).isoformat(),
            "targets": targets,
        }

    async def move(self, chat_id: int, to: str) -> dict[str, Any]:
        """Move the clock to a named target or a local date, running what is due on the way.

        The move runs to its end even if the caller is cancelled (the page reloaded); its
        answer says, in the chat's language, how many posts this chat received meanwhile.
        """
        task = asyncio.create_task(self._move(chat_id, to))
        self.moves.add(task)
        task.add_done_callback(self._moved)
        return await asyncio.shield(task)

    async def finish(self) -> None:
        """Wait for the moves under way (before the bot stops, so none is cut short)."""
        await asyncio.gather(*self.moves, return_exceptions=True)

    async def _move(self, chat_id: int, to: str) -> dict[str, Any]:
        # Counted from before the lock: what an earlier move still under way sends to this
        # chat while this one waits is news to the page that asks now.
        since = int(self.clock.timestamp())
        before = await self.sent_here(chat_id, since)
        async with self.lock:
            chat = await self.chat_for(chat_id)
            if chat is None:
                raise LookupError("the bot has not met this chat yet: say something to it first")
            target = _target(chat, to, self.clock())
            await advance(self.app, self.clock, target)
        sent = len(await self.sent_here(chat_id, since) - before)
        view = await self.read(chat_id)
        return {**view, "sent": sent, "summary": moved_line(translator_for(chat), view, sent)}

    def _moved(self, task: asyncio.Task[dict[str, Any]]) -> None:
        """Forget a finished move; log its failure, which no page may be left to hear."""
        self.moves.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and not isinstance(error, ValueError | LookupError):
            logger.error("moving the clock failed", exc_info=error)

    async def sent_here(self, chat_id: int, since: int) -> set[tuple[str, str]]:
        """Return the (day, kind) of the chat's posts sent at or after ``since``."""
        archive = commons_of(self.app).archive
        posts = await archive.run(Store.sent_since, chat_id, since)
        return {(post["local_date"], post["kind"]) for post in posts}

    async def chat_for(self, chat_id: int) -> Chat | None:
        """Return the chat whose calendar the buttons follow: this one, else any active one."""
        archive = commons_of(self.app).archive
        chat = await archive.run(Store.get_chat, chat_id)
        if chat is not None and chat["active"]:
            return chat
        return next(iter(await archive.run(Store.active_chats)), None)


async def advance(app: App, clock: MovableClock, target: datetime) -> list[str]:
    """Step the clock slot by slot up to ``target``, delivering at each step; return outcomes."""
    outcomes = await deliver_due(app)
    while (step := await next_slot(app, clock())) is not None and step <= target:
        clock.move_to(step)
        # A slot is due only until local midnight: stepping, not jumping, keeps every day.
        outcomes += await deliver_due(app)
    clock.move_to(target)
    return outcomes + await deliver_due(app)


async def next_slot(app: App, now: datetime) -> datetime | None:
    """Return the earliest slot strictly after ``now``: any active, unpaused chat's post that
    it gets, or anyone's personal digest (a move stops at each, so each comes at its time)."""
    archive = commons_of(app).archive
    chats = await archive.run(Store.active_chats)
    slots = [
        schedule.next_run(chat, kind, now)
        for chat in chats
        if not chat["paused"] and gets_passages(chat)
        for kind in SLOT_KINDS
    ]
    readers = await archive.run(Store.personal_readers)
    slots += [schedule.next_run(reader_calendar(r), "digest", now) for r in readers]
    return min(slots, default=None)


def moved_line(t: Translator, view: dict[str, Any], sent: int) -> str:
    """Return 'It is now Sun 9 Jun 18:00: the bot sent 7 posts here on the way.'"""
    return t.ngettext(
        "It is now {when}: the bot sent {n} post here on the way.",
        "It is now {when}: the bot sent {n} posts here on the way.",
        sent,
        when=view["local"] or view["now"],
    )


def target_of(chat: Chat, name: str, now: datetime) -> datetime:
    """Return where a button takes the clock: this evening, the next morning, the week's end.

    "Evening" and "End of week" stay put once their slot has passed today, so pressing one
    twice moves nothing and posts nothing; "Next morning" is always a new day.
    """
    if name == "morning":
        return schedule.next_run(chat, "passage", now)
    kind = "digest" if name == "evening" else "weekly"
    today = schedule.local_date(now, chat["timezone"])
    if name == "week":
        today += timedelta(days=(int(chat["weekly_day"]) - today.weekday()) % 7)
    slot = schedule.slot_for(chat, kind, today)
    return max(slot, now) if slot is not None else now


def _target(chat: Chat, to: str, now: datetime) -> datetime:
    """Return the instant a request names; ValueError says what is wrong with it."""
    if to in TARGETS:
        return target_of(chat, to, now)
    try:
        day = date.fromisoformat(to)
    except ValueError:
        raise ValueError(f"move the clock to {', '.join(TARGETS)} or a YYYY-MM-DD date") from None
    today = schedule.local_date(now, chat["timezone"])
    if day < today:
        raise ValueError("time only moves forward: pick today or a day ahead")
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"pick a day at most {MAX_DAYS_AHEAD} days ahead")
    # The chosen day's morning, when its passage goes out (now, if that has passed today).
    morning = schedule.occurrence(day, schedule.slot_time(chat, "passage"), chat["timezone"])
    return max(morning, now)


def _local(when: datetime, chat: Chat) -> str:
    """Return 'Mon 3 Jun 21:00' in the chat's time zone."""
    return translator_for(chat).short_datetime(when.astimezone(ZoneInfo(chat["timezone"])))
