"""A loopback Telegram Bot API server, so the real PTB ``Application`` runs without Telegram.

``Sandbox`` answers ``/bot<token>/<method>`` over HTTP the way Telegram does (JSON, form and
multipart bodies; ``{"ok": ..., "result"|"error_code", "description", "parameters"}``), keeps a
small Telegram of users, chats and messages, and enforces Telegram's rules with its exact
wording: text and caption length (in UTF-16 units), HTML parse errors, missing chats and
replies, kicked or blocked bots, migrated groups, forum threads, and flood control (``Limits``).

Control API (async unless noted; chats and users may be given as dicts or ids)::

    create_user(first_name, username=None, *, last_name=None, language_code="en") -> user
    create_group(title, members, *, with_bot=False) -> chat           # first member = creator
    create_supergroup(title, members, *, forum=False, username=None, with_bot=False) -> chat
    create_channel(title, username=None, *, with_bot=False) -> chat   # for sender_chat
    post_to_channel(channel, text=None, *, caption=None, **media) -> message  # channel_post
    forward_message(chat, user, from_chat, message_id) -> message     # with forward_origin
    create_private_chat(user) -> chat
    create_topic(chat, name, *, by=None, icon_color=...) -> ForumTopic  # id = service message id
    add_member(chat, user) -> message ; set_admin(chat, user_or_bot, admin=True)
    add_bot(chat, *, by, admin=False) ; remove_bot(chat, *, by)       # my_chat_member updates
    block_bot(user, blocked=True) ; set_privacy(enabled)              # privacy mode, as BotFather
    send_message(chat, user, text=None, *, reply_to=None, thread_id=None, caption=None,
                 entities=None, sender_chat=None, quote=None, photo=False, video=False,
                 voice=False, audio=False, animation=False, document=None, sticker=None) -> message
    edit_message(chat, message_id, text) -> message                   # edited_message update
    click_button(chat, user, message_id, data) -> CallbackQuery ; callback_answer(id) (sync)
    migrate_to_supergroup(chat, *, by=None) -> new chat               # old id then fails

Read-back: ``sent_messages(chat)`` (sync: what the bot sent, each with ``text``, ``parse_mode``,
``reply_to_message_id``, ``message_thread_id``, ``reply_parameters``, ``document`` ...,
``params`` and the returned ``message``), ``messages(chat)``, ``calls`` / ``calls_to(method)``
(every API call with its params, status and description), ``pending_updates``,
``await wait_for_sent(chat, count=1, timeout=5)``, ``await wait_until_consumed(timeout=5)``,
``await wait_for(predicate, timeout=5)``, ``message_at_link(url)`` (sync: the (chat id,
message id) a t.me link opens, or None), ``menu(chat, user)`` (sync: the command menu their
Telegram shows them there, picked from the bot's lists by scope and language), and
``subscribe()`` -> ``asyncio.Queue`` of events (``{"type": "message"|"sent"|"edited"|"deleted"|
"update"|"member"|"answered", ...}``) for a live page. Faults:
``sandbox.faults.script(method, [Fault.retry(2), None, Fault.server_error()])`` or
``sandbox.faults.rate(method_or_"*", 0.1, Fault.drop(), Fault.slow(2))``.

Example::

    async def hello(update, context):
        await update.message.reply_text("Hello!")

    async with Sandbox() as sandbox:
        app = ApplicationBuilder().token(sandbox.token).base_url(sandbox.base_url).build()
        app.add_handler(CommandHandler("start", hello))
        ada = await sandbox.create_user("Ada", "ada")
        group = await sandbox.create_group("Readers", [ada], with_bot=True)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await sandbox.send_message(group, ada, "/start")
            [reply] = await sandbox.wait_for_sent(group, 1)
            assert reply["message"]["text"] == "Hello!"
            await app.updater.stop()
            await app.stop()

Flood control: ``Sandbox(limits=Limits(...))`` or ``set_limits``; ``Limits()`` is about 1/s per
chat after a burst of 5, 20/min per group, 30/s overall; ``Limits().scaled(10)`` for
benchmarks, ``Limits.off()`` to disable. ``Sandbox(clock=...)`` sets message dates.

Privacy mode is on by default, as on Telegram: in groups the bot gets commands, replies to
its own messages and service messages, unless it is an admin or ``set_privacy(False)``.
To run it on its own: ``asyncio.run(serve(host, port))`` (see ``serve``).
"""

from bot.sandbox.faults import Fault, FaultPlan
from bot.sandbox.remote import serve
from bot.sandbox.rules import Limits
from bot.sandbox.server import DEFAULT_TOKEN, Sandbox

__all__ = ["DEFAULT_TOKEN", "Fault", "FaultPlan", "Limits", "Sandbox", "serve"]
