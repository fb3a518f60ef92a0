"""What a member said is defined once, in core (``updates.is_plain``), and read twice: by the
archive as a batch arrives, and by PTB's filter in front of the reply handler. Both must say the
same of every shape of update the bot meets, or a reply would be stored by one road and missed
by the other.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from telegram import Update

from bot.core.updates import is_plain, said_on_arrival
from bot.handlers.app import PLAIN_MESSAGE
from bot.sandbox import Sandbox

GROUP = {"id": -1001, "type": "supergroup", "title": "Readers"}
ANA = {"id": 7, "is_bot": False, "first_name": "Ana"}
# Service messages the sandbox does not make, each as the Bot API spells it.
SERVICE = {
    "left_chat_member": ANA,
    "new_chat_title": "Readers of the commons",
    "new_chat_photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}],
    "delete_chat_photo": True,
    "pinned_message": {"message_id": 3, "date": 0, "chat": GROUP},
    "message_auto_delete_timer_changed": {"message_auto_delete_time": 86400},
    "connected_website": "example.org",
    "write_access_allowed": {},
    "video_chat_started": {},
    "video_chat_ended": {"duration": 60},
    "forum_topic_closed": {},
    "forum_topic_reopened": {},
    "general_forum_topic_hidden": {},
    "web_app_data": {"data": "x", "button_text": "Go"},
}
# What members send without words of their own: said, not service.
WORDLESS = {
    "contact": {"phone_number": "+100", "first_name": "Bo"},
    "location": {"latitude": 1.0, "longitude": 2.0},
    "dice": {"emoji": "🎲", "value": 3},
    "venue": {
        "location": {"latitude": 1.0, "longitude": 2.0},
        "title": "The library",
        "address": "1 Commons Street",
    },
}


async def sandbox_updates(sandbox: Any) -> list[dict[str, Any]]:
    """Every kind of update the sandbox makes for a bot in a group, a forum and in private."""
    sb: Sandbox = await sandbox()
    await sb.set_privacy(False)  # the bot sees every message, and so every edit
    ana, bo = await sb.create_user("Ana", "ana"), await sb.create_user("Bo")
    group = await sb.create_group("Circle", [ana], with_bot=True)
    readers = await sb.create_supergroup("Readers", [ana], with_bot=True)
    forum = await sb.create_supergroup("Forum", [ana], forum=True, with_bot=True)
    channel = await sb.create_channel("News", with_bot=True)
    private = await sb.create_private_chat(ana)
    await sb.add_member(readers, bo)
    topic = await sb.create_topic(forum, "Chapter one", by=ana)
    first = await sb.send_message(readers, ana, "the commons is a verb")
    await sb.send_message(readers, bo, "so it is", reply_to=first)
    await sb.send_message(readers, bo, "quoting", reply_to=first, quote="commons")
    await sb.send_message(readers, ana, caption="a map", photo=True)
    await sb.send_message(readers, ana, sticker="🌱")
    await sb.send_message(readers, ana, voice=True)
    await sb.send_message(readers, ana, "as the group", sender_chat=readers)
    await sb.send_message(readers, ana, "/today")
    await sb.send_message(readers, ana, "/search@commons_bot care")
    await sb.send_message(readers, ana, "#curious how do commons last?")
    await sb.send_message(forum, ana, "in the topic", thread_id=topic["message_thread_id"])
    await sb.send_message(private, ana, "just to you")
    await sb.edit_message(readers, first["message_id"], "the commons is a practice")
    post = await sb.post_to_channel(channel, "news of the week")
    await sb.forward_message(readers, ana, channel, post["message_id"])
    await sb.migrate_to_supergroup(group)
    return list(sb.world.updates)


def handmade_updates() -> list[dict[str, Any]]:
    """Service messages and wordless messages the sandbox does not make."""
    made = []
    for number, (field, value) in enumerate([*SERVICE.items(), *WORDLESS.items()], start=1):
        message = {"message_id": 100 + number, "date": 0, "chat": GROUP, "from": ANA}
        made.append({"update_id": number, "message": {**message, field: value}})
    return made


def filter_says(update: dict[str, Any]) -> bool:
    # PTB parses in place: it gets a copy, so the next test sees the JSON as Telegram sent it.
    return bool(PLAIN_MESSAGE.check_update(Update.de_json(copy.deepcopy(update), None)))


def core_says(update: dict[str, Any]) -> bool:
    message = update.get("message")
    return message is not None and is_plain(message)


async def test_core_and_the_handlers_filter_agree_on_every_update_the_sandbox_makes(sandbox):
    updates = await sandbox_updates(sandbox)
    kinds = {key for update in updates for key in update if key != "update_id"}
    assert {"message", "edited_message", "my_chat_member", "channel_post"} <= kinds
    disagree = [u for u in updates if filter_says(u) != core_says(u)]
    assert disagree == []
    said = [u["message"].get("text") for u in updates if core_says(u)]
    assert "so it is" in said and "/today" not in said and "in the topic" in said


def field_of(update: dict[str, Any]) -> str:
    return next(k for k in update["message"] if k in SERVICE or k in WORDLESS)


@pytest.mark.parametrize("update", handmade_updates(), ids=field_of)
def test_core_and_the_handlers_filter_agree_on_service_and_wordless_messages(update):
    field = field_of(update)
    assert (core_says(update), filter_says(update)) == ((field in WORDLESS,) * 2)


def test_a_curious_message_is_plain_but_waits_for_its_handlers_on_arrival():
    message = {"message_id": 1, "date": 0, "chat": GROUP, "from": ANA, "text": "#curious why?"}
    update = {"update_id": 1, "message": message}
    assert (core_says(update), filter_says(update), said_on_arrival(update)) == (True, True, None)
