"""Members suggest passages; admins approve or decline them, with buttons or commands.

``/suggest`` (as a reply, or with text) queues a suggestion, flagged when it is close to a
passage of the book or to one already queued; ``/counter N`` adds its counterpoint. Admins see
``/suggestions`` with Approve and Decline buttons (only an admin's press counts; a second press
changes nothing), or use ``/approve N`` and ``/decline N reason``. A decline asks for a reason
(a reply to the bot's question). The suggester hears the outcome: in private if they started
the bot, else in the group with a mention.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationHandlerStop

from bot.archive import agenda, rows
from bot.archive.store import Store
from bot.archive.suggestions import Suggestion, SuggestionStatus
from bot.compose import suggestions as say
from bot.core import schedule
from bot.core.agenda import suggestion_passage_id
from bot.core.text import escape
from bot.core.updates import author_of
from bot.handlers.admin import ADMINS_ONLY, admins_only, is_admin
from bot.handlers.chats import chat_and_translator
from bot.handlers.incoming import OPTED_OUT
from bot.handlers.outbox import reply, send_to_chat
from bot.handlers.state import Commons, Context
from bot.i18n import Translator, translator_for
from bot.words.similarity import close_to

logger = logging.getLogger(__name__)

Answer = Callable[[str], Awaitable[None]]  # how whoever decided hears what their decision did


def command_text(message: Message) -> str:
    """Return what follows the command in a message, its line breaks kept."""
    text = message.text or ""
    length = message.entities[0].length if message.entities else 0
    return text[length:].strip()


def number_and_rest(text: str) -> tuple[int | None, str]:
    """Return the suggestion number opening a command's text ('3' or '#3'), and the rest."""
    first, *rest = text.split(maxsplit=1) or [""]
    number = first.lstrip("#")
    return (int(number) if number.isdigit() else None), (rest[0].strip() if rest else "")


def _today(state: Commons, chat: rows.Chat) -> date:
    return schedule.local_date(state.now(), chat["timezone"])


async def suggest(update: Update, context: Context) -> None:
    """/suggest as a reply (its text is the passage), or /suggest passage // counterpoint."""
    message = update.effective_message
    assert message is not None
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    parent = message.reply_to_message
    if parent is not None and not command_text(message):
        passage, counterpoint = (parent.text or parent.caption or "").strip(), ""
    else:
        passage, counterpoint = say.split_suggestion(command_text(message))
    problem = say.suggestion_problem(t, passage, counterpoint, _today(state, chat))
    if problem is not None:
        await reply(update, say.render_usage(t, problem))
        return
    author = author_of(message.to_dict())
    if await state.archive.run(Store.is_silenced, author.user_id):
        await reply(update, t._(OPTED_OUT))
        return
    close = await _closeness(state, chat, passage)
    suggestion = await state.archive.run(
        Store.add_suggestion,
        chat["id"],
        user_id=author.user_id,
        author=author.name,
        passage=passage,
        counterpoint=counterpoint,
        close_to=close,
        now=state.timestamp(),
    )
    texts = await _texts(state, chat)
    await reply(update, say.render_suggested(t, suggestion, say.render_close(t, close, texts)))


async def _closeness(state: Commons, chat: rows.Chat, text: str) -> str | None:
    """Return the id of the passage or open suggestion the text is close to, or None."""
    open_ones = await state.archive.read(Store.suggestions_with, chat["id"], "pending", "approved")
    labelled = [(suggestion_passage_id(s["number"]), s["passage"]) for s in open_ones]
    # Keying a whole book the first time takes a moment: off the event loop.
    found = await asyncio.to_thread(close_to, text, tuple(state.corpus), labelled)
    return found.label if found is not None else None


async def _texts(state: Commons, chat: rows.Chat) -> dict[str, str]:
    """Return the passages a closeness note may quote, by id: the book's and the open ones."""
    open_ones = await state.archive.read(Store.suggestions_with, chat["id"], "pending", "approved")
    texts = {entry.id: entry.passage for entry in state.corpus}
    texts.update({suggestion_passage_id(s["number"]): s["passage"] for s in open_ones})
    return texts


async def counter(update: Update, context: Context) -> None:
    """/counter N text: anyone adds the counterpoint of a suggestion not yet posted."""
    message = update.effective_message
    assert message is not None
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    number, text = number_and_rest(command_text(message))
    found = await state.archive.read(Store.get_suggestion, chat["id"], number) if number else None
    if number is None or not text:
        await reply(update, t._(say.COUNTER_USAGE))
        return
    if found is None or found["status"] not in ("pending", "approved"):
        await reply(update, say.render_already(t, found, number))
        return
    problem = say.suggestion_problem(t, found["passage"], text, _today(state, chat))
    if problem is not None:
        await reply(update, f"{problem}\n\n{t._(say.COUNTER_USAGE)}")
        return
    await state.archive.run(Store.add_counterpoint, chat["id"], number, text)
    await reply(update, t._("Suggestion #{number} has its counterpoint now.", number=number))


@admins_only
async def queue(update: Update, context: Context) -> None:
    """/suggestions: the pending suggestions, each with Approve and Decline buttons."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    pending = await state.archive.read(Store.suggestions_with, chat["id"], "pending")
    text, rows_of_buttons = say.render_queue(t, pending, await _texts(state, chat))
    message = update.effective_message
    assert message is not None
    await message.reply_text(text, reply_markup=keyboard(rows_of_buttons))


def keyboard(rows_of_buttons: list[list[say.Button]]) -> InlineKeyboardMarkup | None:
    """Return Telegram's inline keyboard for rows of (label, callback data), or None."""
    if not rows_of_buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in rows_of_buttons]
    )  # fmt: skip


async def press(update: Update, context: Context) -> None:
    """A press of Approve or Decline: only an admin's counts; the answer is a popup."""
    query = update.callback_query
    assert query is not None
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    button = say.read_button(query.data)
    if button is None:
        await query.answer()
        return
    if not await is_admin(update, context):
        await query.answer(t._(ADMINS_ONLY), show_alert=True)
        return
    status, number = button

    async def answer(text: str) -> None:
        await query.answer(text)
        if isinstance(query.message, Message):
            await _drop_button_row(query.message, number)

    await decide(context, chat, t, number, status, by=query.from_user.id, answer=answer)


async def _drop_button_row(message: Message, number: int) -> None:
    """Take the decided suggestion's buttons off the queue message (best effort)."""
    markup = message.reply_markup
    if markup is None:
        return
    marks = {say.button_data("a", number), say.button_data("d", number)}
    kept = [
        row for row in markup.inline_keyboard if not any(b.callback_data in marks for b in row)
    ]
    if len(kept) == len(markup.inline_keyboard):
        return
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
    except BadRequest as error:  # an old message, or already edited by another press
        logger.info("chat %s: the queue's buttons stay: %s", message.chat_id, error.message)


async def decide(
    context: Context,
    chat: rows.Chat,
    t: Translator,
    number: int,
    status: SuggestionStatus,
    *,
    by: int | None,
    answer: Answer,
    reason: str = "",
) -> None:
    """Approve or decline a suggestion once; ``answer`` whoever decided, then tell its author."""
    state = context.commons
    decided = await state.archive.run(
        Store.decide_suggestion, chat["id"], number, status, by=by, now=state.timestamp()
    )
    if reason and (decided or status == "declined"):
        # A reason may follow a decline made with the button.
        decided = await state.archive.run(Store.give_reason, chat["id"], number, reason) or (
            decided
        )
    suggestion = await state.archive.read(Store.get_suggestion, chat["id"], number)
    if not decided or suggestion is None:
        await answer(say.render_already(t, suggestion, number))
        return
    when = await _when(state, chat, suggestion)
    await answer(say.render_decided(t, number, status, when))
    await tell_suggester(context, chat, suggestion, when)
    if status == "declined" and not reason:
        await _ask_reason(context, chat, t, number)
    logger.info("chat %s: suggestion %s %s", chat["id"], number, status)


async def _when(state: Commons, chat: rows.Chat, suggestion: Suggestion) -> date | None:
    if suggestion["status"] != "approved":
        return None
    today = _today(state, chat)
    return await state.archive.read(agenda.date_of_suggestion, chat, today, suggestion["number"])


async def _ask_reason(context: Context, chat: rows.Chat, t: Translator, number: int) -> None:
    """Ask in the chat why #number was declined; a reply to the question gives the reason."""
    state = context.commons
    asked = await send_to_chat(context.application, chat, say.render_reason_prompt(t, number))
    if asked is not None:
        await state.archive.run(Store.note_prompt, chat["id"], number, asked.message_id)


async def tell_suggester(
    context: Context, chat: rows.Chat, suggestion: Suggestion, when: date | None
) -> None:
    """Tell the suggester what became of their suggestion: in private if they started the
    bot, else in the group, mentioning them."""
    user_id = suggestion["user_id"]
    if user_id is None:
        return
    state = context.commons
    own = await state.archive.read(Store.get_chat, user_id)
    if own is not None and own["active"]:
        try:
            await context.bot.send_message(
                user_id, say.render_outcome(translator_for(own), suggestion, when)
            )
            return
        except Forbidden:  # they blocked the bot since: the group hears it instead
            logger.info("chat %s: a suggester is told in the group", chat["id"])
    name = suggestion["author"] or translator_for(chat)._("a member")
    mention = f'<a href="tg://user?id={user_id}">{escape(name)}</a>'
    text = say.render_outcome(translator_for(chat), suggestion, when, mention)
    await send_to_chat(context.application, chat, text)


@admins_only
async def approve(update: Update, context: Context) -> None:
    """/approve N: approve a pending suggestion."""
    await _decide_by_command(update, context, "approved")


@admins_only
async def decline(update: Update, context: Context) -> None:
    """/decline N reason: decline a pending suggestion (the reason is optional)."""
    await _decide_by_command(update, context, "declined")


async def _decide_by_command(update: Update, context: Context, status: SuggestionStatus) -> None:
    message = update.effective_message
    assert message is not None
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    number, reason = number_and_rest(command_text(message))
    if number is None:
        usage = {
            "approved": t._("Usage: <code>/approve N</code>, N from /suggestions."),
            "declined": t._("Usage: <code>/decline N reason</code>; the reason is optional."),
        }
        await reply(update, usage[status])
        return
    user = update.effective_user
    by = user.id if user is not None else None
    await decide(context, chat, t, number, status, by=by, reason=reason, answer=_replier(update))


async def reason_reply(update: Update, context: Context) -> None:
    """An admin's reply to the bot's "why declined?" question: passed on to the suggester.

    Handled before the threads (group -2): a reason is no reply to a passage, so nothing
    else stores or answers it.
    """
    message = update.message
    state = context.commons
    if message is None or message.reply_to_message is None or not message.text:
        return
    parent = message.reply_to_message
    if parent.from_user is None or parent.from_user.id != state.bot_id:
        return
    found = await state.archive.read(
        Store.suggestion_prompted_by, message.chat_id, parent.message_id
    )
    if found is None or not await is_admin(update, context):
        return
    chat, t = await chat_and_translator(state, update)
    user = update.effective_user
    by = user.id if user is not None else None
    number = found["number"]

    async def answer(text: str) -> None:
        await reply(update, text if found["reason"] else t._("Passed on. Thank you."))

    await decide(context, chat, t, number, "declined", by=by, reason=message.text, answer=answer)
    raise ApplicationHandlerStop


def _replier(update: Update) -> Answer:
    async def answer(text: str) -> None:
        await reply(update, text)

    return answer
