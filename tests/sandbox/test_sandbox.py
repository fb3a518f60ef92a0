"""The sandbox behaves like Telegram for a real PTB Application talking to it over HTTP."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import Fault, Limits, Sandbox, serve
from bot.sandbox.markup import MarkupError, parse_html

# ---------------------------------------------------------------------------------------------
# A tiny echo bot, the way any PTB bot is built and run


def build_app(sandbox: Sandbox, **options: Any) -> Application:
    builder = ApplicationBuilder().token(sandbox.token).base_url(sandbox.base_url)
    if "rate_limiter" in options:
        builder = builder.rate_limiter(options["rate_limiter"])
    app = builder.build()
    app.bot_data["seen"] = []

    async def echo_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        context.bot_data["seen"].append(update.update_id)
        words = html.escape(" ".join(context.args or []))
        await update.effective_message.reply_html(f"<b>echo</b> {words}")

    async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        context.bot_data["seen"].append(update.update_id)
        await update.effective_message.reply_text(update.effective_message.text)

    async def answer(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer(f"got {update.callback_query.data}")

    app.add_handler(CommandHandler("echo", echo_command))
    app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, echo_text))
    app.add_handler(CallbackQueryHandler(answer))
    return app


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def group_with_bot(sb: Sandbox, **kwargs: Any) -> tuple[dict, dict]:
    ada = await sb.create_user("Ada", "ada")
    group = await sb.create_group("Readers", [ada], with_bot=True, **kwargs)
    return ada, group


# ---------------------------------------------------------------------------------------------
# Polling and replies


async def test_polling_delivers_each_injected_update_exactly_once(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    app = build_app(sb)
    async with polling(app):
        sent = [await sb.send_message(group, ada, f"/echo {n}") for n in range(3)]
        replies = await sb.wait_for_sent(group, 3)
        await sb.wait_until_consumed()
    assert [r["message"]["text"] for r in replies] == ["echo 0", "echo 1", "echo 2"]
    assert [r["reply_to_message_id"] for r in replies] == [m["message_id"] for m in sent]
    assert len(app.bot_data["seen"]) == len(set(app.bot_data["seen"])) == 3
    assert sb.pending_updates == []


async def test_reply_lands_with_its_parameters_and_parsed_entities(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    async with polling(build_app(sb)):
        question = await sb.send_message(group, ada, "/echo a & b")
        [reply] = await sb.wait_for_sent(group, 1)
    assert reply["text"] == "<b>echo</b> a &amp; b"
    assert reply["parse_mode"] == "HTML"
    assert reply["reply_parameters"] == {"message_id": question["message_id"]}
    message = reply["message"]
    assert (message["text"], message["entities"]) == (
        "echo a & b",
        [{"type": "bold", "offset": 0, "length": 4}],
    )
    assert message["reply_to_message"]["text"] == "/echo a & b"
    assert "reply_to_message" not in message["reply_to_message"]
    assert message["message_id"] == question["message_id"] + 1


async def test_forum_topic_message_and_reply_carry_the_thread(sandbox):
    sb = await sandbox()
    ada = await sb.create_user("Ada")
    forum = await sb.create_supergroup("Forum", [ada], forum=True, with_bot=True)
    topic = await sb.create_topic(forum, "Daily passage", by=ada)
    async with polling(build_app(sb)):
        said = await sb.send_message(
            forum, ada, "/echo here", thread_id=topic["message_thread_id"]
        )
        [reply] = await sb.wait_for_sent(forum, 1)
    thread = topic["message_thread_id"]
    assert said["reply_to_message"]["forum_topic_created"] == {
        "name": "Daily passage",
        "icon_color": 7322096,
    }
    assert (said["message_thread_id"], said["is_topic_message"]) == (thread, True)
    assert reply["message_thread_id"] == thread
    assert (reply["message"]["message_thread_id"], reply["message"]["is_topic_message"]) == (
        thread,
        True,
    )


async def test_privacy_mode_hides_chatter_but_not_commands_or_replies_to_the_bot(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    app = build_app(sb)
    async with polling(app):
        await sb.send_message(group, ada, "just chatting")
        command = await sb.send_message(group, ada, "/echo@commons_bot hi")
        await sb.send_message(group, ada, "/echo@other_bot hi")
        [reply] = await sb.wait_for_sent(group, 1)
        await sb.send_message(group, ada, "a reply to the bot", reply_to=reply["message_id"])
        await sb.wait_for_sent(group, 2)
        await sb.set_admin(group, sb.bot_user)
        await sb.send_message(group, ada, "chatter an admin bot sees")
        texts = [r["message"]["text"] for r in await sb.wait_for_sent(group, 3)]
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 17}]
    assert texts == ["echo hi", "a reply to the bot", "chatter an admin bot sees"]


async def test_getupdates_keeps_updates_until_a_higher_offset_confirms_them(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    async with build_app(sb) as app:
        first = await app.bot.get_updates(timeout=0)
        again = await app.bot.get_updates(timeout=0)
        after = await app.bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
        waiting = asyncio.create_task(
            app.bot.get_updates(offset=first[-1].update_id + 1, timeout=5)
        )
        await sb.wait_for(lambda: any(c["status"] is None for c in sb.calls_to("getUpdates")))
        said = await sb.send_message(group, ada, "/echo wake up")
        woken = await asyncio.wait_for(waiting, 2)
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert first[0].my_chat_member.new_chat_member.status == "member"
    assert after == ()
    assert [u.message.message_id for u in woken] == [said["message_id"]]
    assert woken[0].update_id == first[-1].update_id + 1


async def test_allowed_updates_filters_what_gets_queued(sandbox):
    sb = await sandbox(can_read_all_group_messages=True)
    ada, group = await group_with_bot(sb)
    async with build_app(sb) as app:
        # offset=-1 forgets all but the last update: the bot joining (new_chat_members).
        await app.bot.get_updates(timeout=0, allowed_updates=["edited_message"], offset=-1)
        said = await sb.send_message(group, ada, "first")
        await sb.edit_message(group, said["message_id"], "first, edited")
        updates = await app.bot.get_updates(timeout=0)
    kinds = [
        ("edited", u.edited_message.text) if u.edited_message else ("message", u.message.text)
        for u in updates
    ]
    assert kinds == [("message", None), ("edited", "first, edited")]
    assert updates[1].edited_message.edit_date is not None


async def test_stopping_the_sandbox_answers_a_pending_long_poll(sandbox):
    sb = await sandbox()
    async with build_app(sb) as app:
        poll = asyncio.create_task(app.bot.get_updates(timeout=30))
        await sb.wait_for(lambda: any(c["status"] is None for c in sb.calls_to("getUpdates")))
        await asyncio.wait_for(sb.stop(), 3)
        result = await asyncio.wait_for(poll, 3)
    assert result == ()


async def test_a_second_poller_terminates_the_first_with_a_conflict(sandbox):
    sb = await sandbox()
    async with (
        Bot(sb.token, base_url=sb.base_url) as one,
        Bot(sb.token, base_url=sb.base_url) as two,
    ):
        first = asyncio.create_task(one.get_updates(timeout=30))
        await sb.wait_for(lambda: any(c["status"] is None for c in sb.calls_to("getUpdates")))
        second = await two.get_updates(timeout=0)
        with pytest.raises(Conflict) as caught:
            await asyncio.wait_for(first, 3)
    assert second == ()
    assert caught.value.message == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )


# ---------------------------------------------------------------------------------------------
# Telegram's rules, as PTB errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 4097, "Message is too long"),
        ("  \n ", "Message text is empty"),
        ("<b></b>", "Message text is empty"),
        ("<foo>x</foo>", 'Can\'t parse entities: unsupported start tag "foo" at byte offset 0'),
        ("1 < 2", 'Can\'t parse entities: unsupported start tag "" at byte offset 2'),
        ("<b>bold", "Can't parse entities: can't find end tag corresponding to start tag \"b\""),
        (
            "<b>x</i>",
            'Can\'t parse entities: unmatched end tag at byte offset 4, expected "</b>", '
            'found "</i>"',
        ),
    ],
)
async def test_bad_text_raises_badrequest_with_telegrams_words(sandbox, text, message):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    async with build_app(sb) as app:
        with pytest.raises(BadRequest) as caught:
            await app.bot.send_message(group["id"], text, parse_mode="HTML")
    assert caught.value.message == message
    assert sb.calls[-1]["status"] == 400


async def test_length_and_offsets_count_utf16(sandbox):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    async with build_app(sb) as app:
        long = await app.bot.send_message(group["id"], "😀" * 2048)
        bold = await app.bot.send_message(group["id"], "😀 <b>x</b> AT&T", parse_mode="HTML")
    assert len(long.text) == 2048  # 4,096 units: the limit (tests/sandbox/test_lengths.py)
    assert (bold.text, bold.entities[0].offset) == ("😀 x AT&T", 3)


async def test_missing_targets_raise_badrequest(sandbox):
    sb = await sandbox()
    ada = await sb.create_user("Ada")
    plain = await sb.create_supergroup("Plain", [ada], with_bot=True)
    forum = await sb.create_supergroup("Forum", [ada], forum=True, with_bot=True)
    async with build_app(sb) as app:
        errors = []
        for call in (
            app.bot.send_message(-100999, "hi"),
            app.bot.send_message(plain["id"], "hi", reply_parameters=ReplyParameters(999)),
            app.bot.send_message(forum["id"], "hi", message_thread_id=999),
            app.bot.send_message(plain["id"], "hi", message_thread_id=1),
            app.bot.send_document(plain["id"], b"data", filename="a.txt", caption="c" * 1025),
        ):
            with pytest.raises(BadRequest) as caught:
                await call
            errors.append(caught.value.message)
        kept = await app.bot.send_message(
            plain["id"],
            "hi",
            reply_parameters=ReplyParameters(999, allow_sending_without_reply=True),
        )
    assert errors == [
        "Chat not found",
        "Message to be replied not found",
        "Message thread not found",
        "Message thread not found",
        "Message caption is too long",
    ]
    assert kept.reply_to_message is None


async def test_removed_or_blocked_bot_raises_forbidden(sandbox):
    sb = await sandbox()
    ada = await sb.create_user("Ada")
    group = await sb.create_group("Group", [ada], with_bot=True)
    supergroup = await sb.create_supergroup("Super", [ada], with_bot=True)
    private = await sb.create_private_chat(ada)
    await sb.remove_bot(group, by=ada)
    await sb.remove_bot(supergroup, by=ada)
    await sb.block_bot(ada)
    stranger = await sb.create_user("Stranger")
    async with build_app(sb) as app:
        messages = []
        for chat in (group, supergroup, private, stranger):
            with pytest.raises(Forbidden) as caught:
                await app.bot.send_message(chat["id"], "hello?")
            messages.append(caught.value.message)
        updates = await app.bot.get_updates(timeout=0)
    assert messages == [
        "Forbidden: bot was kicked from the group chat",
        "Forbidden: bot was kicked from the supergroup chat",
        "Forbidden: bot was blocked by the user",
        "Forbidden: bot can't initiate conversation with a user",
    ]
    changes = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert changes == [("left", "member")] * 2 + [("member", "kicked")] * 3


async def test_migrated_group_raises_chatmigrated_with_the_new_id(sandbox):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    new = await sb.migrate_to_supergroup(group)
    async with build_app(sb) as app:
        with pytest.raises(ChatMigrated) as caught:
            await app.bot.send_message(group["id"], "still here?")
        updates = await app.bot.get_updates(timeout=0)
        moved = await app.bot.send_message(caught.value.new_chat_id, "found you")
    assert caught.value.new_chat_id == new["id"]
    assert str(new["id"]).startswith("-100")
    service = [
        (u.message.chat.id, u.message.migrate_to_chat_id, u.message.migrate_from_chat_id)
        for u in updates
        if u.message and (u.message.migrate_to_chat_id or u.message.migrate_from_chat_id)
    ]
    assert service == [(group["id"], new["id"], None), (new["id"], None, group["id"])]
    assert moved.chat.type == "supergroup"


async def test_flood_control_answers_429_per_chat_per_group_and_overall(sandbox):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    async with build_app(sb) as app:
        for n in range(5):
            await app.bot.send_message(group["id"], f"burst {n}")
        with pytest.raises(RetryAfter) as per_chat:
            await app.bot.send_message(group["id"], "one too many")
        sb.set_limits(Limits(per_chat_per_second=100, per_chat_burst=100, per_group_per_minute=5))
        for n in range(5):
            await app.bot.send_message(group["id"], f"minute {n}")
        with pytest.raises(RetryAfter) as per_group:
            await app.bot.send_message(group["id"], "sixth this minute")
        sb.set_limits(Limits(global_per_second=2))
        chats = [await sb.create_private_chat(await sb.create_user(f"U{n}")) for n in range(3)]
        await app.bot.send_message(chats[0]["id"], "a")
        await app.bot.send_message(chats[1]["id"], "b")
        with pytest.raises(RetryAfter) as overall:
            await app.bot.send_message(chats[2]["id"], "c")
    assert per_chat.value.retry_after == timedelta(seconds=5)
    assert per_group.value.retry_after == timedelta(seconds=60)
    assert overall.value.retry_after == timedelta(seconds=1)
    assert sb.calls[-1]["description"] == "Too Many Requests: retry after 1"


async def test_wrong_token_and_unknown_method_answer_like_telegram(sandbox):
    sb = await sandbox()
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{sb.base_url}654321:WRONG/getMe")
        unknown = await client.post(f"{sb.base_url}{sb.token}/sendTelepathy")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
    with pytest.raises(InvalidToken):
        async with Bot("654321:WRONG", base_url=sb.base_url):  # initialize() asks getMe
            pass
    async with build_app(sb) as app:
        with pytest.raises(EndPointNotFound):
            await app.bot.do_api_request("sendTelepathy")


async def test_json_and_form_bodies_read_the_same(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    said = await sb.send_message(group, ada, "hello")
    url = f"{sb.base_url}{sb.token}/SENDMESSAGE"
    reply = {"message_id": said["message_id"]}
    async with httpx.AsyncClient() as client:
        as_json = await client.post(
            url, json={"chat_id": group["id"], "text": "j", "reply_parameters": reply}
        )
        as_form = await client.post(
            url,
            data={
                "chat_id": str(group["id"]),
                "text": "f",
                "reply_parameters": f'{{"message_id": {said["message_id"]}}}',
            },
        )
    assert [r.status_code for r in (as_json, as_form)] == [200, 200]
    assert [r["reply_to_message_id"] for r in sb.sent_messages(group)] == [said["message_id"]] * 2
    assert [c["params"]["chat_id"] for c in sb.calls_to("sendMessage")] == [group["id"]] * 2


# ---------------------------------------------------------------------------------------------
# The rest of the surface the bot uses


async def test_chat_members_admins_topics_documents_and_edits(sandbox):
    sb = await sandbox()
    ada = await sb.create_user("Ada", "ada")
    forum = await sb.create_supergroup("Forum", [ada], forum=True, with_bot=True)
    await sb.set_admin(forum, sb.bot_user)
    async with build_app(sb) as app:
        bot_id = app.bot.id
        member = await app.bot.get_chat_member(forum["id"], bot_id)
        admins = await app.bot.get_chat_administrators(forum["id"])
        chat = await app.bot.get_chat(forum["id"])
        topic = await app.bot.create_forum_topic(forum["id"], "Digests")
        doc = await app.bot.send_document(
            forum["id"],
            b"<html></html>",
            filename="digest.html",
            caption="<i>week</i>",
            parse_mode="HTML",
            message_thread_id=topic.message_thread_id,
        )
        note = await app.bot.send_message(forum["id"], "draft")
        edited = await app.bot.edit_message_text("final", forum["id"], note.message_id)
        with pytest.raises(BadRequest) as same:
            await app.bot.edit_message_text("final", forum["id"], note.message_id)
    assert (member.status, [a.user.id for a in admins]) == ("administrator", [ada["id"], bot_id])
    assert (chat.is_forum, chat.title) == (True, "Forum")
    assert (topic.name, doc.message_thread_id) == ("Digests", topic.message_thread_id)
    [sent_doc, sent_note] = sb.sent_messages(forum)
    assert (sent_doc["document"]["filename"], sent_doc["document"]["data"]) == (
        "digest.html",
        b"<html></html>",
    )
    assert (doc.caption, doc.caption_entities[0].type) == ("week", "italic")
    assert (edited.text, sent_note["message"]["text"], sent_note["text"]) == (
        "final",
        "final",
        "draft",
    )
    assert edited.edit_date is not None
    assert same.value.message.startswith("Message is not modified")


async def test_deletes_commands_actions_and_webhooks(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    said = await sb.send_message(group, ada, "not the bot's")
    async with build_app(sb) as app:
        note = await app.bot.send_message(group["id"], "oops")
        deleted = await app.bot.delete_message(group["id"], note.message_id)
        errors = []
        for call in (
            app.bot.delete_message(group["id"], note.message_id),
            app.bot.delete_message(group["id"], said["message_id"]),
            app.bot.set_my_commands([("Bad Name", "x")]),
        ):
            with pytest.raises(BadRequest) as caught:
                await call
            errors.append(caught.value.message)
        await app.bot.set_my_commands([("today", "Today's passage")])
        commands = await app.bot.get_my_commands()
        typing = await app.bot.send_chat_action(group["id"], "typing")
        await app.bot.set_webhook("https://example.org/hook")
        with pytest.raises(Conflict):
            await app.bot.get_updates(timeout=0)
        info = await app.bot.get_webhook_info()
        await app.bot.delete_webhook()
    assert (deleted, typing) == (True, True)
    assert errors == [
        "Message to delete not found",
        "Message can't be deleted",
        "Bot_command_invalid",
    ]
    assert [(c.command, c.description) for c in commands] == [("today", "Today's passage")]
    # The bot joining (my_chat_member, new_chat_members); privacy mode kept Ada's message away.
    assert (info.url, info.pending_update_count) == ("https://example.org/hook", 2)
    assert sb.sent_messages(group)[0]["deleted"] is True


async def test_a_menu_is_picked_by_scope_and_language_as_telegram_clients_do(sandbox):
    sb = await sandbox()
    ada = await sb.create_user("Ada", "ada", language_code="de-CH")
    bo = await sb.create_user("Bo", "bo", language_code=None)
    group = await sb.create_supergroup("Readers", [ada, bo], with_bot=True)
    ada_private, bo_private = await sb.create_private_chat(ada), await sb.create_private_chat(bo)
    async with build_app(sb) as app:
        await app.bot.set_my_commands([("help", "everywhere")])
        await app.bot.set_my_commands(
            [("mine", "private")], scope=BotCommandScopeAllPrivateChats()
        )
        await app.bot.set_my_commands(
            [("mine", "privat")], scope=BotCommandScopeAllPrivateChats(), language_code="de"
        )
        await app.bot.set_my_commands([("talk", "groups")], scope=BotCommandScopeAllGroupChats())
        admins = BotCommandScopeAllChatAdministrators()
        await app.bot.set_my_commands([("settle", "admins")], scope=admins)
        stored = await app.bot.get_my_commands(scope=admins)
        for_the_creator = sb.menu(group, ada)  # the creator is an admin
        async with httpx.AsyncClient() as client:
            url = f"{sb.base_url}{sb.token}/setMyCommands"
            commands = [{"command": "x", "description": "x"}]
            refusals = [
                (await client.post(url, json={"commands": commands, "scope": scope})).json()
                for scope in ({"type": "everyone"}, ["chat"], {"type": "chat"})
            ]
        await app.bot.set_my_commands([], scope=admins)  # an empty list deletes the scope's
    shown = {
        name: [c["description"] for c in sb.menu(chat, user)]
        for name, chat, user in [
            ("ada in private", ada_private, ada),
            ("bo in private", bo_private, bo),
            ("ada, once the admins' list is gone", group, ada),
            ("bo in the group", group, bo),
        ]
    }
    assert [(c.command, c.description) for c in stored] == [("settle", "admins")]
    assert for_the_creator == [{"command": "settle", "description": "admins"}]
    assert shown == {
        "ada in private": ["privat"],
        "bo in private": ["private"],
        "ada, once the admins' list is gone": ["groups"],
        "bo in the group": ["groups"],
    }
    assert [r["description"] for r in refusals] == [
        "Bad Request: can't parse BotCommandScope: Unsupported type specified",
        "Bad Request: can't parse BotCommandScope: BotCommandScope must be an Object",
        "Bad Request: can't parse BotCommandScope: Empty chat_id specified",
    ]


async def test_button_press_reaches_the_bot_and_its_answer_is_recorded(sandbox):
    sb = await sandbox()
    ada = await sb.create_user("Ada")
    private = await sb.create_private_chat(ada)
    async with polling(build_app(sb)) as app:
        markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more"}]]}
        sent = await app.bot.send_message(private["id"], "menu", reply_markup=markup)
        query = await sb.click_button(private, ada, sent.message_id, "more")
        await sb.wait_for(lambda: sb.callback_answer(query["id"]) is not None)
    assert sb.callback_answer(query["id"]) == {"text": "got more"}


async def test_user_messages_ids_dates_and_events(sandbox):
    sb = await sandbox(clock=lambda: 1_700_000_000.5)
    events = sb.subscribe()
    ada = await sb.create_user("Ada")
    channel = await sb.create_channel("News")
    group = await sb.create_supergroup("Readers", [ada], with_bot=True)
    photo = await sb.send_message(group, ada, caption="look #commons", photo=True)
    relay = await sb.send_message(group, ada, "from the channel", sender_chat=channel)
    reply = await sb.send_message(group, ada, "and a reply", reply_to=photo)
    assert (photo["date"], photo["caption_entities"]) == (
        1_700_000_000,
        [{"type": "hashtag", "offset": 5, "length": 8}],
    )
    assert [m["message_id"] for m in (photo, relay, reply)] == [3, 4, 5]
    assert (relay["from"]["username"], relay["sender_chat"]["title"]) == ("Channel_Bot", "News")
    assert reply["message_thread_id"] == photo["message_id"]
    kinds = []
    while not events.empty():
        kinds.append(events.get_nowait()["type"])
    assert kinds.count("message") == 4  # the bot joining, and the three above
    assert [u["update_id"] for u in sb.pending_updates] == sorted(
        u["update_id"] for u in sb.pending_updates
    )


# ---------------------------------------------------------------------------------------------
# Faults, and PTB surviving them


async def test_a_scripted_429_is_retried_by_aioratelimiter(sandbox):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    sb.faults.script("sendMessage", [Fault.retry(1)])
    async with build_app(sb, rate_limiter=AIORateLimiter(max_retries=3)) as app:
        sent = await app.bot.send_message(group["id"], "eventually")
    assert [c["status"] for c in sb.calls_to("sendMessage")] == [429, 200]
    assert [r["message_id"] for r in sb.sent_messages(group)] == [sent.message_id]


async def test_server_errors_and_dropped_connections_raise_networkerror(sandbox):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    sb.faults.script("sendMessage", [Fault.server_error(), Fault.drop(after=True)])
    async with build_app(sb) as app:
        with pytest.raises(NetworkError) as bad_gateway:
            await app.bot.send_message(group["id"], "first")
        with pytest.raises(NetworkError):
            await app.bot.send_message(group["id"], "second")
    assert bad_gateway.value.message == "Bad Gateway"
    # The dropped answer still delivered the message: the case a client cannot tell apart.
    assert [r["text"] for r in sb.sent_messages(group)] == ["second"]


async def test_a_slow_answer_times_out_in_ptb(sandbox):
    sb = await sandbox()
    _, group = await group_with_bot(sb)
    sb.faults.script("sendMessage", [Fault.slow(5)])
    async with build_app(sb) as app:
        with pytest.raises(TimedOut):
            await app.bot.send_message(group["id"], "late", read_timeout=0.2)


async def test_polling_survives_a_failed_getupdates(sandbox):
    sb = await sandbox()
    ada, group = await group_with_bot(sb)
    sb.faults.script("getUpdates", [None, Fault.server_error(503)])
    async with polling(build_app(sb)):
        await sb.send_message(group, ada, "/echo still there")
        [reply] = await sb.wait_for_sent(group, 1)
    assert reply["message"]["text"] == "echo still there"
    assert 503 in [c["status"] for c in sb.calls_to("getUpdates")]


async def test_fault_rate_is_reproducible_with_a_seed(sandbox):
    picks = []
    for _ in range(2):
        sb = await sandbox(seed=7)
        sb.faults.rate("*", 0.5, Fault.server_error())
        picks.append([sb.faults.next_fault("sendMessage") is None for _ in range(20)])
    assert picks[0] == picks[1]
    assert 0 < picks[0].count(True) < 20


# ---------------------------------------------------------------------------------------------
# Standalone


async def test_serve_prints_its_base_url_and_takes_control_calls_over_http():
    lines: list[str] = []
    printed = asyncio.Event()

    def echo(line: str) -> None:
        lines.append(line)
        if len(lines) == 3:
            printed.set()

    task = asyncio.create_task(serve("127.0.0.1", 0, echo=echo))
    try:
        await asyncio.wait_for(printed.wait(), 5)
        base_url = lines[0].rsplit(" ", 1)[1]
        control = base_url.removesuffix("/bot") + "/sandbox"
        async with httpx.AsyncClient() as client:
            me = await client.get(f"{base_url}123456:TEST-TOKEN/getMe")
            user = await client.post(f"{control}/create_user", json={"first_name": "Cy"})
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert me.json()["result"]["username"] == "commons_bot"
    assert user.json()["result"]["first_name"] == "Cy"
    assert lines[1] == f"  TELEGRAM_BASE_URL={base_url} TELEGRAM_BOT_TOKEN=123456:TEST-TOKEN"


# ---------------------------------------------------------------------------------------------
# The HTML parser on its own


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>a</b><i>b</i>", "ab", [("bold", 0, 1), ("italic", 1, 1)]),
        (
            "<u>u</u><s>s</s><tg-spoiler>x</tg-spoiler>",
            "usx",
            [("underline", 0, 1), ("strikethrough", 1, 1), ("spoiler", 2, 1)],
        ),
        ('<a href="https://e.org">e</a>', "e", [("text_link", 0, 1)]),
        ('<pre><code class="language-py">x</code></pre>', "x", [("pre", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;&nbsp;", '<>&"AB&nbsp;', []),
        ("<b>😀<i>x</i></b>", "😀x", [("bold", 0, 3), ("italic", 2, 1)]),
    ],
)
def test_html_parses_into_telegram_entities(source, text, entities):
    parsed_text, parsed = parse_html(source)
    assert (parsed_text, [(e["type"], e["offset"], e["length"]) for e in parsed]) == (
        text,
        entities,
    )


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("é<br/>", 'Unsupported start tag "br/" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_errors_use_telegrams_wording(source, error):
    with pytest.raises(MarkupError) as caught:
        parse_html(source)
    assert str(caught.value) == error
