"""Commands for every member: help, today's passage, a thread, search, status, privacy."""

from __future__ import annotations

import asyncio

from telegram import Update, User
from telegram.constants import ChatType

from bot.archive import agenda, operations
from bot.archive.backups import forget_in_backups
from bot.archive.rows import Chat, PersonalDigest, Post
from bot.archive.store import Store
from bot.compose import help, personal, views
from bot.compose.passage import render_passage_post
from bot.core import schedule
from bot.core.corpus import entry_at
from bot.core.personal import Request, gets_passages, parse_request
from bot.core.schedule import ScheduleError
from bot.core.text import POST_KINDS
from bot.handlers.chats import (
    bot_is_admin,
    chat_and_translator,
    identity,
    private_translator,
    translator_of,
)
from bot.handlers.outbox import reply, reply_digest, send_to_chat
from bot.handlers.state import Commons, Context, unschedule_chat
from bot.handlers.sweep import catch_up_soon, schedule_chat
from bot.i18n import Translator, language_for, translator_for
from bot.i18n.keywords import in_english
from bot.planning import digests


async def start(update: Update, context: Context) -> None:
    """/start and /help: what the bot does and its commands; in private, what the person can
    do there.

    In private, /start also lets personal digests through again after Telegram refused one.
    """
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    private, user = update.effective_chat, update.effective_user
    if chat["type"] != ChatType.PRIVATE or private is None or user is None:
        await reply(update, help.render_help(t))
        return
    chat, reader = await state.archive.run(
        operations.open_private_chat, user.id, now=state.timestamp(), **identity(private)
    )
    schedule_chat(context.application, chat)  # passages asked for before a refusal come again
    text = help.render_private_help(t)
    await reply(update, f"{text}\n\n{personal.render_resumed(t, reader)}" if reader else text)


async def mydigest(update: Update, context: Context) -> None:
    """/mydigest [on|off] [HH:MM] [Area/City]: this group's evening digest, in private."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    state = context.commons
    if user is None or message.sender_chat is not None:
        await reply(update, (await translator_of(state, update))._(personal.ONLY_PEOPLE))
        return
    t = await translator_of(state, update)
    try:
        request = parse_request(in_english(t, context.args or []))
    except ScheduleError as error:
        await reply(update, views.render_setting_error(t, error, personal.USAGE))
        return
    chat, t = await chat_and_translator(state, update)
    in_group = chat["type"] != ChatType.PRIVATE
    if request.action == "off":
        stopped = await state.archive.run(
            Store.stop_personal_digest, user.id, chat["id"] if in_group else None
        )
        await reply(update, personal.render_stopped(t, stopped, in_group))
    elif request.action == "show":
        reader = await state.archive.run(Store.get_personal_digest, user.id)
        groups = await state.archive.run(Store.personal_chats, user.id) if reader else []
        await reply(update, personal.render_status(t, reader, groups))
    elif in_group:
        await _turn_on(update, context, chat, request)
    else:
        await _retime(update, state, user.id, request)


async def _turn_on(update: Update, context: Context, chat: Chat, request: Request) -> None:
    """Add this group to the person's digest, then greet them in private to see if we can."""
    user = update.effective_user
    assert user is not None
    state = context.commons
    known = await state.archive.run(Store.get_personal_digest, user.id)
    # A first digest starts at the group's own evening time, in its zone, unless asked.
    reader = await state.archive.run(
        Store.set_personal_digest,
        user.id,
        chat["id"],
        now=state.timestamp(),
        timezone=request.timezone or (None if known else chat["timezone"]),
        digest_time=request.at or (None if known else chat["digest_time"]),
    )
    t = translator_for(chat)
    refused = known is not None and known["refused_at"] is not None
    if not await _greet(context, user, chat, reader, again=refused):
        await state.archive.run(Store.refuse_personal_digest, user.id, now=state.timestamp())
        answer = personal.render_start_needed(t, user.first_name, context.bot.username)
        await reply(update, answer)
        return
    await reply(update, personal.render_turned_on(t, user.first_name, reader))


async def _greet(
    context: Context, user: User, chat: Chat, reader: PersonalDigest, *, again: bool
) -> bool:
    """Say the one hello in the person's private chat; False if Telegram refuses it (403).

    Said once ever (the archive remembers it); ``again`` says it after a refusal, to learn
    whether Telegram lets us write now.
    """
    state = context.commons
    first = await state.archive.run(
        operations.greet_privately,
        user.id,
        now=state.timestamp(),
        language=language_for(user.language_code),
    )
    if not (first or again):
        return True
    # The private chat is the person's own: it speaks their language, not the group's.
    in_private = await private_translator(state, user)
    welcome = personal.render_private_welcome(in_private, chat, reader)
    if await send_to_chat(context.application, {"id": user.id}, welcome) is not None:
        return True
    await state.archive.run(Store.forget_greeting, user.id)  # they never saw it
    return False


async def _retime(update: Update, state: Commons, user_id: int, request: Request) -> None:
    """In private: change the time or zone of every digest the person gets."""
    reader = await state.archive.run(Store.get_personal_digest, user_id)
    _, t = await chat_and_translator(state, update)
    if reader is None or not (request.at or request.timezone):
        await reply(update, t._(personal.ASK_IN_GROUP))
        return
    for chat_id in reader["chat_ids"]:
        reader = await state.archive.run(
            Store.set_personal_digest,
            user_id,
            chat_id,
            now=state.timestamp(),
            timezone=request.timezone,
            digest_time=request.at,
        )
    groups = await state.archive.run(Store.personal_chats, user_id)
    await reply(update, personal.render_status(t, reader, groups))


async def passage(update: Update, context: Context) -> None:
    """/passage [on|off] [HH:MM] [Area/City]: the morning passage in a private chat, if asked."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if chat["type"] != ChatType.PRIVATE:
        await reply(update, t._(personal.PASSAGE_IN_GROUP))
        return
    try:
        request = parse_request(in_english(t, context.args or []))
    except ScheduleError as error:
        await reply(update, views.render_setting_error(t, error, personal.PASSAGE_USAGE))
        return
    if request.action == "show":
        await reply(update, personal.render_passages(t, chat))
        return
    asked = {"post_time": request.at, "timezone": request.timezone}
    changed = await state.archive.run(
        operations.turn_passages,
        chat["id"],
        on=request.action == "on",
        now=state.timestamp(),
        **{name: value for name, value in asked.items() if value},
    )
    schedule_chat(context.application, changed)
    if request.action == "off":
        await reply(update, personal.render_passages_stopped(t, gets_passages(chat)))
        return
    catch_up_soon(context.application)  # today's comes at once if its time has passed
    await reply(update, personal.render_passages(t, changed))


async def today(update: Update, context: Context) -> None:
    """/today: today's passage again, as a reply (replies belong under the morning post)."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if not gets_passages(chat):
        await reply(update, t._(personal.NO_PASSAGE_HERE))
        return
    day = schedule.local_date(state.now(), chat["timezone"])
    post = await state.archive.run(Store.get_post, chat["id"], day.isoformat(), "passage")
    if post is None or post["status"] != "sent" or post["message_id"] is None:
        when = views.describe_time(t, schedule.next_run(chat, "passage", state.now()), chat)
        await reply(update, t._("No passage yet today. The next one comes {when}.", when=when))
        return
    entry = await state.archive.read(
        agenda.passage_entry, chat["id"], post["passage_id"], state.corpus
    )
    entry = entry or entry_at(state.corpus, chat["corpus_position"] - 1)
    text = render_passage_post(t, entry, local_date=day)
    copy = await reply(update, views.with_post_link(t, text, chat, post["message_id"]))
    # A reply to this copy joins the morning post's thread.
    await state.archive.run(
        Store.record_post_copy,
        chat["id"],
        copy.message_id,
        root_message_id=post["message_id"],
        how="today",
    )


async def thread(update: Update, context: Context) -> None:
    """/thread (as a reply): the whole thread that message belongs to."""
    message = update.effective_message
    assert message is not None
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if message.reply_to_message is None:
        await reply(
            update, t._("Reply to a message with /thread to see the thread it is part of.")
        )
        return
    rows = await state.archive.read(
        Store.thread_of, chat["id"], message.reply_to_message.message_id
    )
    parents = sorted({r["reply_to_message_id"] for r in rows if r["reply_to_message_id"]})
    asked = await state.archive.run(Store.curiosities_answered, chat["id"], parents)
    await reply(update, views.render_thread(t, chat, rows, asked))


async def search(update: Update, context: Context) -> None:
    """/search words: this chat's archive."""
    query = " ".join(context.args or []).strip()
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if not query:
        await reply(update, t._(help.SEARCH_USAGE))
        return
    # What was stored in the last moment may still wait for the index: index it first, so a
    # search sees every reply stored before it.
    await state.archive.index_now()
    results = await state.archive.read(Store.search, chat["id"], query, limit=10)
    await reply(update, views.render_search(t, chat, query, results))


async def status(update: Update, context: Context) -> None:
    """/status: time zone, next and last posts, and whether the bot sees full threads."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    last: dict[str, Post | None] = {
        kind: await state.archive.run(Store.last_post, chat["id"], kind) for kind in POST_KINDS
    }
    sent: dict[str, int | None] = {
        kind: await state.archive.run(Store.last_sent_at, chat["id"], kind) for kind in POST_KINDS
    }
    app = context.application
    admin = await bot_is_admin(app, chat["id"], chat["type"])
    sees = admin or state.can_read_all_group_messages
    await reply(update, views.render_status(t, chat, state.now(), last, sees, sent, admin=admin))


async def privacy(update: Update, context: Context) -> None:
    """/privacy: what is stored and how to leave."""
    t = await translator_of(context.commons, update)
    await reply(update, t._(help.PRIVACY))


async def forgetme(update: Update, context: Context) -> None:
    """/forgetme: delete everything this person said, everywhere, and stop storing them.

    Their private chat with the bot goes too, and nothing more is posted to it.
    """
    user = update.effective_user
    assert user is not None
    t = await _translator(update, context)
    deleted = await context.commons.archive.run(Store.forget_user, user.id)
    unschedule_chat(context.application, user.id)  # their private chat has their id
    backups = context.commons.config.backup_dir
    if backups is not None:
        # The backups kept forget them too: their words are gone from every file, not only
        # from the archive. On a thread: seven backups are a few seconds of SQLite's work.
        await asyncio.to_thread(forget_in_backups, backups, user.id)
    await reply(
        update,
        t.ngettext(
            "Done: {n} stored message or curiosity of yours is deleted, in every chat, and "
            "nothing you say is kept from now on. Send /optin to take part again.",
            "Done: {n} stored messages and curiosities of yours are deleted, in every chat, "
            "and nothing you say is kept from now on. Send /optin to take part again.",
            deleted,
        ),
    )


async def _translator(update: Update, context: Context) -> Translator:
    """Return the translator of the update's chat."""
    return await translator_of(context.commons, update)


async def optout(update: Update, context: Context) -> None:
    """/optout: stop storing this person's messages (what is stored stays, see /forgetme)."""
    user = update.effective_user
    assert user is not None
    t = await _translator(update, context)
    await context.commons.archive.run(Store.opt_out, user.id)
    await reply(
        update,
        t._(
            "From now on nothing you say is kept or named in digests. What was stored stays; "
            "/forgetme deletes it too. /optin undoes this."
        ),
    )


async def optin(update: Update, context: Context) -> None:
    """/optin: take part again."""
    user = update.effective_user
    assert user is not None
    t = await _translator(update, context)
    await context.commons.archive.run(Store.opt_in, user.id)
    await reply(update, t._("Welcome back: your replies and curiosities are kept again."))


async def digest(update: Update, context: Context) -> None:
    """/digest: today's digest so far, as a reply."""
    await _digest_reply(update, context, weekly=False)


async def week(update: Update, context: Context) -> None:
    """/week: this week's digest so far, as a reply."""
    await _digest_reply(update, context, weekly=True)


async def _digest_reply(update: Update, context: Context, weekly: bool) -> None:
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    day = schedule.local_date(state.now(), chat["timezone"])
    loud: Chat = {**chat, "quiet_day": "line"}
    plan = await state.archive.plan(digests.plan_digest, loud, day, state.corpus, weekly=weekly)
    await reply_digest(update, plan, t)
