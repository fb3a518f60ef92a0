"""The days ahead: ``/skip DATE`` and ``/unskip DATE`` for admins, ``/upcoming`` for everyone.

A skipped date has no passage and no evening digest (the weekly digest still comes); it takes
nothing from the book or the queue. ``/upcoming`` asks the same function that decides each
morning's post (``bot.core.agenda.what_dates_bring``), so it shows what will be posted.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden

from bot.archive import agenda
from bot.archive.rows import Chat
from bot.archive.store import Store
from bot.compose import suggestions as say
from bot.core import schedule
from bot.core.agenda import UPCOMING_DAYS
from bot.core.text import N_, escape
from bot.handlers import admin
from bot.handlers.admin import admins_only
from bot.handlers.chats import chat_and_translator, private_translator
from bot.handlers.outbox import reply
from bot.handlers.state import Context
from bot.i18n import Translator
from bot.site import upcoming_calendar

CALENDAR_CAPTION = N_("The coming passages of {chat}, for your calendar.")
CALENDAR_NOT_ANONYMOUS = N_(
    "I send the calendar only in private: send /upcoming ics as yourself, not anonymously."
)
CALENDAR_START_NEEDED = N_(
    "I send the calendar only in private, and Telegram lets me write to you only after you "
    "have started a chat with me: open {link}, send /start, then /upcoming ics here again."
)


async def upcoming(update: Update, context: Context) -> None:
    """/upcoming: the next seven local dates and what each brings; /upcoming ics: the next
    thirty passages as a calendar file, sent in private to whoever asked."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if [arg.lower() for arg in context.args or []] == ["ics"]:
        await send_calendar(update, context, chat, t)
        return
    today = schedule.local_date(state.now(), chat["timezone"])
    ids = [entry.id for entry in state.corpus]
    days = await state.archive.read(agenda.upcoming, chat, today, ids, UPCOMING_DAYS)
    await reply(update, say.render_upcoming(t, days))


async def send_calendar(update: Update, context: Context, chat: Chat, t: Translator) -> None:
    """Send the chat's coming passages as ``upcoming.ics`` to the person who asked, in private:
    a calendar is one person's, and a group need not see it arrive."""
    state = context.commons
    user, message = update.effective_user, update.effective_message
    assert message is not None
    if user is None or message.sender_chat is not None:
        await reply(update, t._(CALENDAR_NOT_ANONYMOUS))
        return
    ics = await state.archive.read(upcoming_calendar, chat, state.corpus, state.now())
    private = await private_translator(state, user)
    try:
        await context.bot.send_document(
            user.id,
            ics.encode(),
            filename="upcoming.ics",
            caption=private._(CALENDAR_CAPTION, chat=escape(chat["title"] or "")),
        )
    except Forbidden:  # they never started a private chat with the bot, or blocked it
        if chat["type"] != ChatType.PRIVATE:
            link = f"https://t.me/{escape(context.bot.username)}"
            await reply(update, t._(CALENDAR_START_NEEDED, link=link))
        return
    if chat["type"] != ChatType.PRIVATE:
        await reply(update, t._("I sent you the calendar of the coming passages in private."))


async def skip(update: Update, context: Context) -> None:
    """/skip: the book's next passage, as always; /skip DATE: a coming date."""
    if context.args:
        await skip_date(update, context)
    else:
        await admin.skip(update, context)


@admins_only
async def skip_date(update: Update, context: Context) -> None:
    """/skip DATE: no passage and no evening digest on a coming date."""
    await _change_date(update, context, skipping=True)


@admins_only
async def unskip(update: Update, context: Context) -> None:
    """/unskip DATE: the date brings its passage again."""
    await _change_date(update, context, skipping=False)


async def _change_date(update: Update, context: Context, *, skipping: bool) -> None:
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    today = schedule.local_date(state.now(), chat["timezone"])
    day = _date(context.args or [])
    if day is None:
        example = (today + timedelta(days=7)).isoformat()
        await reply(update, t._(say.SKIP_USAGE, example=example))
        return
    if day <= today:
        await reply(update, t._(say.NOT_AHEAD, day=t.long_date(day)))
        return
    iso, now = day.isoformat(), state.timestamp()
    if skipping:
        done = await state.archive.run(Store.skip_date, chat["id"], iso, now=now)
        await reply(update, say.render_skip_date(t, day, done))
    else:
        done = await state.archive.run(Store.unskip_date, chat["id"], iso)
        await reply(update, say.render_unskip_date(t, day, done))


def _date(args: list[str]) -> date | None:
    """Return the one YYYY-MM-DD argument as a date, or None."""
    if len(args) != 1:
        return None
    try:
        return date.fromisoformat(args[0])
    except ValueError:
        return None
