"""The schedule on PTB's JobQueue: one job per chat and kind, rebuilt from SQLite at start.

The JobQueue does not persist jobs, so SQLite is the source of truth: each chat's settings say
when its next post, digest and weekly digest are, and the posts table says what already went
out. A sweep every minute catches up what was missed while the bot was down and retries failed
sends; the claim in the archive makes every path safe to run twice.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes

from bot import schedule
from bot.due import SLOT_KINDS, Slot, claim_slot, due_day, due_slots
from bot.handlers.delivery import deliver
from bot.handlers.runtime import COMMONS_KEY, Commons

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 60
# A job that fires late (a busy loop, a suspended machine) still runs; whether its day is
# still due is decided by the schedule, not by APScheduler's 1-second default.
MISFIRE_GRACE_SECONDS = 6 * 3600


def job_id(chat_id: int, kind: str) -> str:
    """Return the JobQueue id of a chat's job of one kind."""
    return f"{kind}:{chat_id}"


def schedule_chat(
    app: Application, chat: dict[str, Any], kinds: tuple[str, ...] = SLOT_KINDS
) -> None:
    """(Re)create a chat's jobs from its stored settings; paused or removed chats get none."""
    if not chat["active"] or chat["paused"]:
        unschedule_chat(app, chat["id"])
        return
    now = _state(app).now()
    for kind in kinds:
        when = schedule.next_run(chat, kind, now)
        app.job_queue.run_once(
            run_slot,
            when=when,
            data=(chat["id"], kind),
            name=job_id(chat["id"], kind),
            chat_id=chat["id"],
            job_kwargs={
                "id": job_id(chat["id"], kind),
                "replace_existing": True,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )


def unschedule_chat(app: Application, chat_id: int) -> None:
    """Remove every job of a chat."""
    for kind in SLOT_KINDS:
        job = app.job_queue.scheduler.get_job(job_id(chat_id, kind))
        if job is not None:
            job.remove()


async def start_schedules(app: Application) -> None:
    """Build every active chat's jobs, then start the catch-up sweep (which runs at once)."""
    state = _state(app)
    for chat in await state.store.active_chats():
        schedule_chat(app, chat)
    # Catch up on what was missed while the bot was down as soon as it runs, then every minute.
    catch_up_soon(app)
    if state.config.retention_days:
        app.job_queue.run_repeating(
            apply_retention, interval=24 * 3600, first=1, name="retention",
            job_kwargs={"id": "retention", "replace_existing": True},
        )  # fmt: skip
    app.job_queue.run_repeating(
        sweep,
        interval=SWEEP_SECONDS,
        first=SWEEP_SECONDS,
        name="sweep",
        job_kwargs={"id": "sweep", "replace_existing": True, "max_instances": 1},
    )


async def apply_retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job callback: delete stored replies older than the configured number of days."""
    state = _state(context.application)
    days = state.config.retention_days
    deleted = await state.store.apply_retention(days, now=state.timestamp())
    logger.info("retention: %d rows older than %d days deleted", deleted, days)


def catch_up_soon(app: Application) -> None:
    """Run the sweep in half a second (a new chat's first passage, the start-up catch-up)."""
    app.job_queue.run_once(
        sweep, when=0.5, name="catch-up", job_kwargs={"id": "catch-up", "replace_existing": True}
    )


async def run_slot(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job callback: deliver one chat's slot if due, then schedule its next one."""
    chat_id, kind = context.job.data  # type: ignore[union-attr,misc]
    app = context.application
    state = _state(app)
    chat = await state.store.get_chat(chat_id)
    if chat is None:
        return
    day = due_day(chat, kind, state.now())
    if day is not None:
        await deliver_slot(app, Slot(chat_id, kind, day))
    chat = await state.store.get_chat(chat_id)
    if chat is not None:
        schedule_chat(app, chat, kinds=(kind,))


async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job callback: deliver whatever is due and not yet done (catch-up and retries)."""
    await deliver_due(context.application)
    # The container's health check reads this: a stale heartbeat means a stuck bot.
    heartbeat_path(_state(context.application).config.db_path).touch()


def heartbeat_path(db_path: Path) -> Path:
    """Return the file the sweep touches every minute, beside the archive."""
    return db_path.with_name(db_path.name + ".heartbeat")


async def deliver_due(app: Application) -> list[str]:
    """Deliver every due slot of every chat; return the outcomes (for tests and the log)."""
    state = _state(app)
    slots = await state.store.run(due_slots, state.now())
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


async def deliver_slot(app: Application, slot: Slot) -> str:
    """Claim a slot and send it; return 'sent', 'skipped', 'taken', 'failed' or 'gone'."""
    state = _state(app)
    if not await state.store.run(claim_slot, slot, now_ts=state.timestamp()):
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
    await state.store.mark_post_failed(slot.chat_id, slot.local_date, slot.kind, error=error)


def next_runs(app: Application, chat_id: int) -> dict[str, Any]:
    """Return when each of a chat's jobs will next run (None where it has none)."""
    jobs = {kind: app.job_queue.scheduler.get_job(job_id(chat_id, kind)) for kind in SLOT_KINDS}
    return {kind: job.next_run_time if job else None for kind, job in jobs.items()}


def _count(outcomes: list[str]) -> str:
    return ", ".join(f"{o}={outcomes.count(o)}" for o in sorted(set(outcomes)))


def _state(app: Application) -> Commons:
    return app.bot_data[COMMONS_KEY]
