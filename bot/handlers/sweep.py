"""The schedule on PTB's JobQueue: one job per chat and kind, rebuilt from SQLite at start.

The JobQueue does not persist jobs, so SQLite is the source of truth: each chat's settings say
when its next post, digest and weekly digest are, and the posts table says what already went
out. A sweep every minute catches up what was missed while the bot was down and retries failed
sends; the claim in the archive makes every path safe to run twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, cast

from telegram.error import NetworkError, RetryAfter

from bot.archive import operations
from bot.archive.backups import Backup, BackupError, make_backup, newest_backup_time, rotate
from bot.archive.chats import CHATS_PAGE
from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.core import schedule
from bot.core.config import heartbeat_path
from bot.core.personal import gets_passages
from bot.core.schedule import SLOT_KINDS, Slot, daily_due, due_day
from bot.core.text import PostKind
from bot.handlers.outbox import deliver, send_poll, wants_poll
from bot.handlers.state import App, Commons, Context, commons_of, job_id, jobs, unschedule_chat

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 60
# A job that fires late (a busy loop, a suspended machine) still runs; whether its day is
# still due is decided by the schedule, not by APScheduler's 1-second default.
MISFIRE_GRACE_SECONDS = 6 * 3600
RETENTION_SECONDS = 24 * 3600


def schedule_chat(
    app: App, chat: Mapping[str, Any], kinds: tuple[PostKind, ...] = SLOT_KINDS
) -> None:
    """(Re)create a chat's jobs from its stored settings; paused or removed chats get none,
    nor does a private chat whose person asked for no passage."""
    if not chat["active"] or chat["paused"] or not gets_passages(chat):
        unschedule_chat(app, chat["id"])
        return
    now = commons_of(app).now()
    for kind in kinds:
        # One string for the job's name and its id: ten thousand chats have thirty thousand.
        name = job_id(chat["id"], kind)
        jobs(app).run_once(
            run_slot,
            when=schedule.next_run(chat, kind, now),
            data=kind,  # the chat is the job's chat_id: no tuple per job
            name=name,
            chat_id=chat["id"],
            job_kwargs={
                "id": name,
                "replace_existing": True,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )


async def start_schedules(app: App) -> None:
    """Build every active chat's jobs, then start the catch-up sweep (which runs at once)."""
    state = commons_of(app)
    after = None  # a page at a time: ten thousand chats' rows would stay in memory as a peak
    while chats := await state.archive.run(Store.active_chats, after=after, limit=CHATS_PAGE):
        for chat in chats:
            schedule_chat(app, chat)
        after = chats[-1]["id"]
    # A poll an earlier run was sending may have gone out: never send it again.
    lost = await state.archive.run(Store.lose_polls_in_flight)
    if lost:
        logger.warning("%d polls were being sent when the bot stopped; not sent again", lost)
    # Catch up on what was missed while the bot was down as soon as it runs, then every minute.
    catch_up_soon(app)
    if state.config.retention_days:
        jobs(app).run_repeating(
            apply_retention, interval=RETENTION_SECONDS, first=1, name="retention",
            job_kwargs={"id": "retention", "replace_existing": True},
        )  # fmt: skip
    jobs(app).run_repeating(
        sweep,
        interval=SWEEP_SECONDS,
        first=SWEEP_SECONDS,
        name="sweep",
        job_kwargs={"id": "sweep", "replace_existing": True, "max_instances": 1},
    )


async def apply_retention(context: Context) -> None:
    """Job callback: delete stored replies older than the configured number of days."""
    state = context.commons
    days = state.config.retention_days
    deleted = await state.archive.run(Store.apply_retention, days, now=state.timestamp())
    logger.info("retention: %d rows older than %d days deleted", deleted, days)


def catch_up_soon(app: App) -> None:
    """Run the sweep in half a second (a new chat's first passage, the start-up catch-up)."""
    jobs(app).run_once(
        sweep, when=0.5, name="catch-up", job_kwargs={"id": "catch-up", "replace_existing": True}
    )


async def run_slot(context: Context) -> None:
    """Job callback: deliver one chat's slot if due, then schedule its next one."""
    assert context.job is not None
    chat_id, kind = context.job.chat_id, cast(PostKind, context.job.data)
    assert chat_id is not None
    app = context.application
    state = context.commons
    chat = await state.archive.run(Store.get_chat, chat_id)
    if chat is None:
        return
    day = due_day(chat, kind, state.now())
    if day is not None:
        await deliver_slot(app, Slot(chat_id, kind, day))
    chat = await state.archive.run(Store.get_chat, chat_id)
    if chat is not None:
        schedule_chat(app, chat, kinds=(kind,))


async def sweep(context: Context) -> None:
    """Job callback: deliver whatever is due and not yet done (catch-up and retries)."""
    await deliver_due(context.application)
    # The container's health check reads this: a stale heartbeat means a stuck bot.
    heartbeat_path(context.commons.config.db_path).touch()
    await back_up_if_due(context.application)


async def back_up_if_due(app: App) -> Backup | None:
    """Make the day's backup if its time has come and none was made since; keep the newest
    COMMONS_BACKUP_KEEP. A failure is logged and tried again at the next sweep."""
    state = commons_of(app)
    async with state.backing_up:
        return await _back_up_if_due(state)


async def _back_up_if_due(state: Commons) -> Backup | None:
    folder, now = state.config.backup_dir, state.now()
    if folder is None or not daily_due(state.config.backup_at, now, newest_backup_time(folder)):
        return None
    try:
        # On a thread: the copy is SQLite's, outside the GIL; the loop and the writer go on.
        made = await asyncio.to_thread(make_backup, state.config.db_path, folder, now=now)
        deleted = await asyncio.to_thread(rotate, folder, state.config.backup_keep)
    except (BackupError, OSError):
        logger.exception("backup into %s failed; tried again at the next sweep", folder)
        return None
    logger.info(
        "backup: %s, %d messages; %d older ones deleted", made.path, made.messages, len(deleted)
    )
    return made


async def send_due_polls(app: App) -> None:
    """Send the polls whose passage went out but which did not (the bot stopped between the
    two): on their passage's local day, before its evening digest; never later."""
    state = commons_of(app)
    for poll in await state.archive.run(Store.due_polls):
        chat_id, day = poll["chat_id"], poll["local_date"]
        chat = await state.archive.run(Store.get_chat, chat_id)
        passage = await state.archive.run(Store.get_post, chat_id, day, "passage")
        digest = await state.archive.run(Store.get_post, chat_id, day, "digest")
        if chat is None or passage is None or passage["message_id"] is None:
            await state.archive.run(Store.give_up_poll, chat_id, day)
        elif _still_its_day(chat, day, state.now()) and digest is None and wants_poll(chat):
            await send_poll(app, chat, day, passage["message_id"])
        else:
            await state.archive.run(Store.give_up_poll, chat_id, day)


def _still_its_day(chat: Chat, day: str, now: datetime) -> bool:
    return bool(chat["active"]) and schedule.local_date(now, chat["timezone"]).isoformat() == day


async def deliver_due(app: App) -> list[str]:
    """Deliver every due slot of every chat; return the outcomes (for tests and the log)."""
    state = commons_of(app)
    await send_due_polls(app)
    slots = await state.archive.run(operations.due_slots, state.now())
    # All at once: the rate limiter paces them to what Telegram allows.
    results = await asyncio.gather(
        *(deliver_slot(app, slot) for slot in slots), return_exceptions=True
    )
    outcomes = []
    for slot, result in zip(slots, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("chat %s %s: delivery failed", slot.chat_id, slot.kind, exc_info=result)
            result = "error"
        outcomes.append(result)
    if slots:
        logger.info("sweep: %d due slots: %s", len(slots), _count(outcomes))
    return outcomes


async def deliver_slot(app: App, slot: Slot) -> str:
    """Claim a slot and send it; return 'sent', 'skipped', 'taken', 'failed' or 'gone'."""
    state = commons_of(app)
    if not await state.archive.run(operations.claim_slot, slot, now_ts=state.timestamp()):
        return "taken"
    try:
        return await deliver(app, slot)
    except (RetryAfter, NetworkError) as error:
        # Passing trouble: the sweep tries again after RETRY_FAILED_SECONDS.
        logger.warning("chat %s %s failed, will retry: %s", slot.chat_id, slot.kind, error)
        await _mark_failed(state, slot, str(error))
        return "failed"
    except Exception as error:
        await _mark_failed(state, slot, f"{type(error).__name__}: {error}")
        raise


async def _mark_failed(state: Commons, slot: Slot, error: str) -> None:
    await state.archive.run(
        Store.mark_post_failed, slot.chat_id, slot.local_date, slot.kind, error=error
    )


def next_runs(app: App, chat_id: int) -> dict[str, datetime | None]:
    """Return when each of a chat's jobs will next run (None where it has none)."""
    scheduler = jobs(app).scheduler
    found = {kind: scheduler.get_job(job_id(chat_id, kind)) for kind in SLOT_KINDS}
    return {kind: job.next_run_time if job else None for kind, job in found.items()}


def reschedule_with(app: App) -> Callable[[Chat], None]:
    """Return a function that rebuilds one chat's jobs on this application."""

    def reschedule(chat: Chat) -> None:
        schedule_chat(app, chat)

    return reschedule


def _count(outcomes: list[str]) -> str:
    return ", ".join(f"{o}={outcomes.count(o)}" for o in sorted(set(outcomes)))
