"""Commands for every member: help, today's passage, a thread, search, status, privacy."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.archive.rows import Chat, Post
from bot.compose import help, personal, views
from bot.compose.passage import render_passage_post
from bot.core import schedule
from bot.core.corpus import entry_at
from bot.core.personal import Request, parse_request
from bot.core.schedule import ScheduleError
from bot.core.text import POST_KINDS
from bot.handlers.chats import can_see_threads, ensure_chat
from bot.handlers.outbox import reply, reply_digest, send_to_chat
from bot.handlers.state import Commons, Context

HELP = help.render_help()


async def start(update: Update, context: Context) -> None:
    """/start and /help: what the bot does and its commands.

    In private, /start also lets personal digests through again after Telegram refused one.
    """
    chat = await ensure_chat(context.commons, update)
    user = update.effective_user
    reader = None
    if chat["type"] == ChatType.PRIVATE and user is not None:
        reader = await context.commons.store.resume_personal_digest(user.id)
    await reply(update, f"{HELP}\n\n{personal.render_resumed(reader)}" if reader else HELP)


async def mydigest(update: Update, context: Context) -> None:
    """/mydigest [on|off] [HH:MM] [Area/City]: this group's evening digest, in private."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    if user is None or message.sender_chat is not None:
        await reply(update, personal.ONLY_PEOPLE)
        return
    try:
        request = parse_request(context.args or [])
    except ScheduleError as error:
        await reply(update, views.render_setting_error(str(error), personal.USAGE))
        return
    state = context.commons
    chat = await ensure_chat(state, update)
    in_group = chat["type"] != ChatType.PRIVATE
    if request.action == "off":
        stopped = await state.store.stop_personal_digest(user.id, chat["id"] if in_group else None)
        what = "this group" if in_group else "any group"
        await reply(update, (personal.STOPPED if stopped else personal.NOT_ON).format(what=what))
    elif request.action == "show":
        reader = await state.store.get_personal_digest(user.id)
        groups = await state.store.personal_chats(user.id) if reader else []
        await reply(update, personal.render_status(reader, groups))
    elif in_group:
        await _turn_on(update, context, chat, request)
    else:
        await _retime(update, state, user.id, request)


async def _turn_on(update: Update, context: Context, chat: Chat, request: Request) -> None:
    """Add this group to the person's digest, then greet them in private to see if we can."""
    user = update.effective_user
    assert user is not None
    state = context.commons
    known = await state.store.get_personal_digest(user.id)
    # A first digest starts at the group's own evening time, in its zone, unless asked.
    reader = await state.store.set_personal_digest(
        user.id,
        chat["id"],
        now=state.timestamp(),
        timezone=request.timezone or (None if known else chat["timezone"]),
        digest_time=request.digest_time or (None if known else chat["digest_time"]),
    )
    welcome = personal.render_private_welcome(chat, reader)
    if await send_to_chat(context.application, {"id": user.id}, welcome) is None:
        await state.store.refuse_personal_digest(user.id, now=state.timestamp())
        await reply(update, personal.render_start_needed(user.first_name, context.bot.username))
        return
    await reply(update, personal.render_turned_on(user.first_name, reader))


async def _retime(update: Update, state: Commons, user_id: int, request: Request) -> None:
    """In private: change the time or zone of every digest the person gets."""
    reader = await state.store.get_personal_digest(user_id)
    if reader is None or not (request.digest_time or request.timezone):
        await reply(update, personal.ASK_IN_GROUP)
        return
    for chat_id in reader["chat_ids"]:
        reader = await state.store.set_personal_digest(
            user_id,
            chat_id,
            now=state.timestamp(),
            timezone=request.timezone,
            digest_time=request.digest_time,
        )
    await reply(update, personal.render_status(reader, await state.store.personal_chats(user_id)))


async def today(update: Update, context: Context) -> None:
    """/today: today's passage again, as a reply (replies belong under the morning post)."""
    state = context.commons
    chat = await ensure_chat(state, update)
    day = schedule.local_date(state.now(), chat["timezone"])
    post = await state.store.get_post(chat["id"], day.isoformat(), "passage")
    if post is None or post["status"] != "sent" or post["message_id"] is None:
        when = views.describe_time(schedule.next_run(chat, "passage", state.now()), chat)
        await reply(update, f"No passage yet today. The next one comes {when}.")
        return
    entry = next((e for e in state.corpus if e.id == post["passage_id"]), None)
    entry = entry or entry_at(state.corpus, chat["corpus_position"] - 1)
    text = render_passage_post(entry, local_date=day)
    copy = await reply(update, views.with_post_link(text, chat, post["message_id"]))
    # A reply to this copy joins the morning post's thread.
    await state.store.record_post_copy(
        chat["id"], copy.message_id, root_message_id=post["message_id"], how="today"
    )


async def thread(update: Update, context: Context) -> None:
    """/thread (as a reply): the whole thread that message belongs to."""
    message = update.effective_message
    assert message is not None
    if message.reply_to_message is None:
        await reply(update, "Reply to a message with /thread to see the thread it is part of.")
        return
    state = context.commons
    chat = await ensure_chat(state, update)
    rows = await state.store.thread_of(chat["id"], message.reply_to_message.message_id)
    parents = sorted({r["reply_to_message_id"] for r in rows if r["reply_to_message_id"]})
    asked = await state.store.curiosities_answered(chat["id"], parents)
    await reply(update, views.render_thread(chat, rows, asked))


async def search(update: Update, context: Context) -> None:
    """/search words: this chat's archive."""
    query = " ".join(context.args or []).strip()
    if not query:
        await reply(update, help.SEARCH_USAGE)
        return
    state = context.commons
    chat = await ensure_chat(state, update)
    results = await state.store.search(chat["id"], query, limit=10)
    await reply(update, views.render_search(chat, query, results))


async def status(update: Update, context: Context) -> None:
    """/status: time zone, next and last posts, and whether the bot sees full threads."""
    state = context.commons
    chat = await ensure_chat(state, update)
    last: dict[str, Post | None] = {
        kind: await state.store.last_post(chat["id"], kind) for kind in POST_KINDS
    }
    sent: dict[str, int | None] = {
        kind: await state.store.last_sent_at(chat["id"], kind) for kind in POST_KINDS
    }
    sees = await can_see_threads(context.application, chat["id"], chat["type"])
    await reply(update, views.render_status(chat, state.now(), last, sees, sent))


async def privacy(update: Update, _: Context) -> None:
    """/privacy: what is stored and how to leave."""
    await reply(update, help.PRIVACY)


async def forgetme(update: Update, context: Context) -> None:
    """/forgetme: delete everything this person said, everywhere, and stop storing them."""
    user = update.effective_user
    assert user is not None
    deleted = await context.commons.store.forget_user(user.id)
    await reply(
        update,
        f"Done: {deleted} stored messages and curiosities of yours are deleted, in every chat, "
        "and nothing you say is kept from now on. Send /optin to take part again.",
    )


async def optout(update: Update, context: Context) -> None:
    """/optout: stop storing this person's messages (what is stored stays, see /forgetme)."""
    user = update.effective_user
    assert user is not None
    await context.commons.store.opt_out(user.id)
    await reply(
        update,
        "From now on nothing you say is kept or named in digests. What was stored stays; "
        "/forgetme deletes it too. /optin undoes this.",
    )


async def optin(update: Update, context: Context) -> None:
    """/optin: take part again."""
    user = update.effective_user
    assert user is not None
    await context.commons.store.opt_in(user.id)
    await reply(update, "Welcome back: your replies and curiosities are kept again.")


async def digest(update: Update, context: Context) -> None:
    """/digest: today's digest so far, as a reply."""
    await _digest_reply(update, context, weekly=False)


async def week(update: Update, context: Context) -> None:
    """/week: this week's digest so far, as a reply."""
    await _digest_reply(update, context, weekly=True)


async def _digest_reply(update: Update, context: Context, weekly: bool) -> None:
    state = context.commons
    chat = await ensure_chat(state, update)
    day = schedule.local_date(state.now(), chat["timezone"])
    loud: Chat = {**chat, "quiet_day": "line"}
    await reply_digest(
        update, await state.store.plan_digest(loud, day, state.corpus, weekly=weekly)
    )
