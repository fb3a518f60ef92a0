"""Commands for a chat's admins: time zone and times, pause, skip, topic, export, purge."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Chat, ChatMemberAdministrator, Update
from telegram.constants import ChatMemberStatus
from telegram.error import Forbidden

from bot.archive import operations, rows
from bot.archive.store import Store
from bot.compose import help, views
from bot.core import schedule
from bot.core.schedule import ScheduleError
from bot.core.text import N_, POST_KINDS, escape, excerpt
from bot.handlers.chats import (
    chat_and_translator,
    ensure_chat,
    private_translator,
    translator_of,
)
from bot.handlers.outbox import reply
from bot.handlers.state import Commons, Context, unschedule_chat
from bot.handlers.sweep import schedule_chat
from bot.i18n import LANGUAGES, Translator, language_list, translator_for
from bot.i18n.keywords import in_english

logger = logging.getLogger(__name__)

PURGE_CONFIRM_SECONDS = 120
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
Check = Callable[[Update, Context], Coroutine[Any, Any, bool]]
ADMINS_ONLY = N_("Sorry, only this chat's admins can change that.")
PURGERS_ONLY = N_(
    "Sorry, only this chat's creator, or an admin allowed to delete messages, can purge its "
    "archive."
)


async def is_admin(update: Update, context: Context) -> bool:
    """True if the sender may change this chat's settings (cached for a few minutes)."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    assert chat is not None and message is not None
    if chat.type == Chat.PRIVATE:
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin posts as the group itself
    if user is None:
        return False
    state = context.commons
    cached = state.cached_admin(chat.id, user.id)
    if cached is not None:
        return cached
    member = await context.bot.get_chat_member(chat.id, user.id)
    admin = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
    state.remember_admin(chat.id, user.id, admin)
    return admin


async def may_purge(update: Update, context: Context) -> bool:
    """True if the sender may purge this chat: its creator, or an admin who may delete messages.

    Asked of Telegram every time, never cached: a purge cannot be undone.
    """
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    assert chat is not None and message is not None
    if chat.type == Chat.PRIVATE:
        return True
    if user is None or message.sender_chat is not None:
        return False  # an anonymous admin's rights are not known
    member = await context.bot.get_chat_member(chat.id, user.id)
    if isinstance(member, ChatMemberAdministrator):
        return member.can_delete_messages
    return member.status == ChatMemberStatus.OWNER


def allowed_if(check: Check, refusal: str) -> Callable[[Handler], Handler]:
    """Return a decorator that runs a command only if ``check`` passes, else says ``refusal``."""

    def guard(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(update: Update, context: Context) -> None:
            if await check(update, context):
                await handler(update, context)
            else:
                t = await translator_of(context.commons, update)
                await reply(update, t._(refusal))

        return guarded

    return guard


# Wraps a command so that non-admins get a polite refusal instead.
admins_only = allowed_if(is_admin, ADMINS_ONLY)


async def _update_settings(update: Update, context: Context, **settings: Any) -> rows.Chat:
    """Save settings, rebuild the chat's jobs at once, and confirm with the new schedule."""
    state = context.commons
    chat = await ensure_chat(state, update)
    chat = await state.archive.run(
        operations.change_settings, chat["id"], now=state.timestamp(), **settings
    )
    schedule_chat(context.application, chat)
    last_sent: dict[str, int | None] = {
        kind: await state.archive.run(Store.last_sent_at, chat["id"], kind) for kind in POST_KINDS
    }
    await reply(update, views.render_schedule(translator_for(chat), chat, state.now(), last_sent))
    return chat


def _setting_command(usage: str, parse: Callable[[list[str]], dict[str, Any]]) -> Handler:
    """Build an admin command that parses its arguments into settings, or explains usage."""

    async def command(update: Update, context: Context) -> None:
        t = await translator_of(context.commons, update)
        try:
            # The chat's own words are taken too: /setweekly domingo 18:00 in Spanish.
            settings = parse(in_english(t, context.args or []))
        except ScheduleError as error:
            await reply(update, views.render_setting_error(t, error, usage))
            return
        except (IndexError, ValueError):
            await reply(update, t._(usage))
            return
        await _update_settings(update, context, **settings)

    return admins_only(command)


def _one(args: list[str]) -> str:
    if len(args) != 1:
        raise ValueError("expected one argument")
    return args[0]


def _weekly(args: list[str]) -> dict[str, Any]:
    if len(args) != 2:
        raise ValueError("expected a day and a time")
    return {
        "weekly_day": schedule.parse_weekday(args[0]),
        "weekly_time": schedule.parse_hhmm(args[1]),
    }


settz = _setting_command(
    N_("Usage: <code>/settz Area/City</code>, for example <code>/settz Europe/Berlin</code>."),
    lambda args: {"timezone": schedule.parse_timezone(_one(args))},
)
settime = _setting_command(
    N_("Usage: <code>/settime HH:MM</code>, for example <code>/settime 08:30</code>."),
    lambda args: {"post_time": schedule.parse_hhmm(_one(args))},
)
setdigest = _setting_command(
    N_("Usage: <code>/setdigest HH:MM</code>, for example <code>/setdigest 21:00</code>."),
    lambda args: {"digest_time": schedule.parse_hhmm(_one(args))},
)


def _quiet_day(args: list[str]) -> dict[str, Any]:
    choice = _one(args).lower()
    if choice not in ("line", "silent"):
        raise ValueError("expected line or silent")
    return {"quiet_day": choice}


quietday = _setting_command(
    N_(
        "Usage: <code>/quietday line</code> (a quiet day gets one short line in the evening) "
        "or <code>/quietday silent</code> (nothing at all)."
    ),
    _quiet_day,
)


def _poll(args: list[str]) -> dict[str, Any]:
    choice = _one(args).lower()
    if choice not in ("on", "off"):
        raise ValueError("expected on or off")
    return {"poll": choice == "on"}


setpoll = _setting_command(
    N_(
        "Usage: <code>/setpoll on</code> (each morning passage comes with an anonymous poll, "
        "“Where do you stand today?”) or <code>/setpoll off</code>."
    ),
    _poll,
)
setweekly = _setting_command(
    N_(
        "Usage: <code>/setweekly DAY HH:MM</code>, for example "
        "<code>/setweekly sunday 18:00</code>."
    ),
    _weekly,
)


@admins_only
async def setlang(update: Update, context: Context) -> None:
    """/setlang xx: the language the bot speaks in this chat, from the shipped ones."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    wanted = " ".join(context.args or []).strip()
    if wanted.lower() not in LANGUAGES:
        usage = t._(
            "Usage: <code>/setlang code</code>, with one of these codes: {languages}.",
            languages=language_list(),
        )
        if wanted:
            unknown = t._("I do not speak “{code}”.", code=escape(excerpt(wanted)))
            usage = f"{unknown}\n\n{usage}"
        await reply(update, usage)
        return
    chat = await state.archive.run(Store.update_chat, chat["id"], language=wanted.lower())
    t = translator_for(chat)
    await reply(update, t._("From now on I speak {language} here.", language=t.language_name))


@admins_only
async def pause(update: Update, context: Context) -> None:
    """/pause: no posts or digests until /resume; paused days are not caught up."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    await state.archive.run(Store.update_chat, chat["id"], paused=True)
    unschedule_chat(context.application, chat["id"])
    await reply(update, t._("Paused: no posts or digests until an admin sends /resume."))


@admins_only
async def resume(update: Update, context: Context) -> None:
    """/resume: posts and digests start again from the next slot."""
    state = context.commons
    chat = await ensure_chat(state, update)
    # Days skipped while paused are not caught up: mark today's passed slots as skipped.
    passed = schedule.passed_slots(chat, state.now())
    await state.archive.run(operations.skip_slots, chat["id"], passed, now=state.timestamp())
    await _update_settings(update, context, paused=False)


@admins_only
async def skip(update: Update, context: Context) -> None:
    """/skip: move on to the next passage without posting this one."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    skipped = await state.archive.run(Store.advance_corpus, chat["id"])
    entry = state.corpus[skipped % len(state.corpus)]
    upcoming = state.corpus[(skipped + 1) % len(state.corpus)]
    await reply(update, views.render_skipped(t, entry, upcoming))


@admins_only
async def topic(update: Update, context: Context) -> None:
    """/topic, sent inside a forum topic: post there from now on (in General: post in General)."""
    message = update.effective_message
    assert message is not None
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if not message.chat.is_forum:
        answer = t._("/topic is for groups with topics; here I post in the chat itself.")
        await reply(update, answer)
        return
    thread_id = message.message_thread_id if message.is_topic_message else None
    await state.archive.run(
        Store.update_chat, chat["id"], topic_thread_id=thread_id, is_forum=True
    )
    if thread_id:
        await reply(update, t._("From now on I post the passages and digests in this topic."))
    else:
        await reply(update, t._("From now on I post the passages and digests in General."))


@admins_only
async def export(update: Update, context: Context) -> None:
    """/export: the chat's archive as a JSON document, sent to the asking admin in private."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    message, user = update.effective_message, update.effective_user
    assert message is not None
    if chat["type"] == Chat.PRIVATE:  # their own chat is private already
        await _send_export(context, chat, chat["id"], t)
    elif user is None or message.sender_chat is not None:
        # An anonymous admin has no private chat to send it to.
        answer = t._(
            "I send the archive only in private: send /export as yourself, not anonymously."
        )
        await reply(update, answer)
    elif await _send_export(context, chat, user.id, await private_translator(state, user)):
        await reply(update, t._("I sent you this chat's archive in a private message."))
    else:
        await reply(update, views.render_export_start_needed(t, context.bot.username))


async def _send_export(context: Context, chat: rows.Chat, to: int, t: Translator) -> bool:
    """Send the chat's archive to a private chat; return False if Telegram refuses (403).

    The archive never goes into a group, where every member could read it.
    """
    archive = await context.commons.archive.read(Store.export_chat, chat["id"])
    data = json.dumps(archive, ensure_ascii=False, indent=2).encode()
    caption = views.render_export_caption(t, chat)
    try:
        await context.bot.send_document(
            to, data, filename=f"commons-{chat['id']}.json", caption=caption
        )
    except Forbidden:  # they never started a private chat with the bot, or blocked it
        logger.info("chat %s: the export could not be sent in private", chat["id"])
        return False
    return True


@allowed_if(may_purge, PURGERS_ONLY)
async def purge(update: Update, context: Context) -> None:
    """/purge, then /purge confirm within two minutes: delete this chat's whole archive."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    if [a.lower() for a in in_english(t, context.args or [])] != ["confirm"]:
        state.purge_requests[chat["id"]] = time.monotonic()
        await reply(update, t._(help.PURGE_WARNING))
        return
    asked = state.purge_requests.pop(chat["id"], None)
    if asked is None or time.monotonic() - asked > PURGE_CONFIRM_SECONDS:
        await reply(update, t._("Send /purge first; then /purge confirm within two minutes."))
        return
    await _purge(state, chat["id"])
    unschedule_chat(context.application, chat["id"])
    done = t._("Purged: nothing of this chat is stored any more. I have stopped posting.")
    await reply(update, done)


async def _purge(state: Commons, chat_id: int) -> None:
    await state.archive.run(Store.purge_chat, chat_id)
    logger.info("chat %s purged", chat_id)


PUBLISH_USAGE = N_(
    "Usage: <code>/publish on</code> (this chat's archive is built as a website) or "
    "<code>/publish off</code> (no website; off until an admin turns it on)."
)


@admins_only
async def publish(update: Update, context: Context) -> None:
    """/publish on|off: whether this chat's archive is built as a static site (off by default)."""
    state = context.commons
    chat, t = await chat_and_translator(state, update)
    choice = [word.lower() for word in in_english(t, context.args or [])]
    if chat["type"] == Chat.PRIVATE:  # one person's talk with the bot is never published
        await reply(update, t._("A private chat has no website: /publish is for groups."))
        return
    if choice not in (["on"], ["off"]):
        await reply(update, t._(PUBLISH_USAGE))
        return
    chat = await state.archive.run(Store.update_chat, chat["id"], published=choice == ["on"])
    logger.info("chat %s: published %s", chat["id"], chat["published"])
    await reply(update, views.render_published(t, chat))
