"""Commands for every member: help, today's passage, a thread, search, status, privacy."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import schedule, views
from bot.corpus import entry_at
from bot.digest_source import plan_digest
from bot.handlers.chats import can_see_threads, ensure_chat
from bot.handlers.runtime import commons
from bot.passage import render_passage_post

HELP = views.HELP


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does and its commands."""
    await ensure_chat(commons(context), update)
    await _reply(update, HELP)


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/today: today's passage again, as a reply (replies belong under the morning post)."""
    state = commons(context)
    chat = await ensure_chat(state, update)
    day = schedule.local_date(state.now(), chat["timezone"])
    post = await state.store.get_post(chat["id"], day.isoformat(), "passage")
    if post is None or post["status"] != "sent":
        when = views.describe_time(schedule.next_run(chat, "passage", state.now()), chat)
        await _reply(update, f"No passage yet today. The next one comes {when}.")
        return
    entry = next((e for e in state.corpus if e.id == post["passage_id"]), None)
    entry = entry or entry_at(state.corpus, chat["corpus_position"] - 1)
    text = render_passage_post(entry, local_date=day)
    await _reply(update, views.with_post_link(text, chat, post["message_id"]))


async def thread(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/thread (as a reply): the whole thread that message belongs to."""
    message = update.effective_message
    assert message is not None
    if message.reply_to_message is None:
        await _reply(update, "Reply to a message with /thread to see the thread it is part of.")
        return
    state = commons(context)
    chat = await ensure_chat(state, update)
    rows = await state.store.thread_of(chat["id"], message.reply_to_message.message_id)
    await _reply(update, views.render_thread(chat, rows))


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/search words: this chat's archive."""
    query = " ".join(context.args or []).strip()
    if not query:
        await _reply(update, views.SEARCH_USAGE)
        return
    state = commons(context)
    chat = await ensure_chat(state, update)
    results = await state.store.search(chat["id"], query, limit=10)
    await _reply(update, views.render_search(chat, query, results))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: time zone, next and last posts, and whether the bot sees full threads."""
    state = commons(context)
    chat = await ensure_chat(state, update)
    last = {kind: await state.store.last_post(chat["id"], kind) for kind in views.KINDS}
    sees = await can_see_threads(context.application, chat["id"], chat["type"])
    await _reply(update, views.render_status(chat, state.now(), last, sees))


async def privacy(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is stored and how to leave."""
    await _reply(update, views.PRIVACY)


async def forgetme(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forgetme: delete everything this person said, everywhere, and stop storing them."""
    user = update.effective_user
    assert user is not None
    deleted = await commons(context).store.forget_user(user.id)
    await _reply(
        update,
        f"Done: {deleted} stored messages and curiosities of yours are deleted, in every chat, "
        "and nothing you say is kept from now on. Send /optin to take part again.",
    )


async def optout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/optout: stop storing this person's messages (what is stored stays, see /forgetme)."""
    user = update.effective_user
    assert user is not None
    await commons(context).store.opt_out(user.id)
    await _reply(
        update,
        "From now on nothing you say is kept or named in digests. What was stored stays; "
        "/forgetme deletes it too. /optin undoes this.",
    )


async def optin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/optin: take part again."""
    user = update.effective_user
    assert user is not None
    await commons(context).store.opt_in(user.id)
    await _reply(update, "Welcome back: your replies and curiosities are kept again.")


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: today's digest so far, as a reply."""
    await _digest_reply(update, context, weekly=False)


async def week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/week: this week's digest so far, as a reply."""
    await _digest_reply(update, context, weekly=True)


async def _digest_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, weekly: bool) -> None:
    state = commons(context)
    chat = await ensure_chat(state, update)
    day = schedule.local_date(state.now(), chat["timezone"])
    plan = await state.store.run(
        plan_digest, {**chat, "quiet_day": "line"}, day, state.corpus, weekly=weekly
    )
    message = update.effective_message
    assert message is not None
    for text in plan.messages:
        await message.reply_text(text)
    if plan.document is not None:
        filename, data = plan.document
        await message.reply_document(data, filename=filename, caption="The full digest.")


async def _reply(update: Update, text: str) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(text)
