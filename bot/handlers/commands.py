"""Commands for every member: help, today's passage, a thread, search, status, privacy."""

from __future__ import annotations

from telegram import Update

from bot.archive.rows import Chat, Post
from bot.compose import help, views
from bot.compose.passage import render_passage_post
from bot.core import schedule
from bot.core.corpus import entry_at
from bot.core.text import POST_KINDS
from bot.handlers.chats import can_see_threads, ensure_chat
from bot.handlers.outbox import reply, reply_digest
from bot.handlers.state import Context

HELP = help.render_help()


async def start(update: Update, context: Context) -> None:
    """/start and /help: what the bot does and its commands."""
    await ensure_chat(context.commons, update)
    await reply(update, HELP)


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
    sees = await can_see_threads(context.application, chat["id"], chat["type"])
    await reply(update, views.render_status(chat, state.now(), last, sees))


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
