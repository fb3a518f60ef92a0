"""A private chat is its person's own: a welcome that fits, the passage only if asked, one
hello ever, its own menu, and an answer to what they write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.archive.store import Store
from bot.compose import help, personal
from bot.core.text import plain_text
from bot.i18n import translator
from tests.harness import BotWorld, make_world

NAMES = ("Ana", "Bo")
EN = translator()


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, NAMES)


async def deliver_at(world: BotWorld, when: datetime) -> list[str]:
    world.clock.set(when)
    return await world.deliver_due()


def passages(world: BotWorld, chat: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in world.sent(chat) if "in the margin" in (s["message"].get("text") or "")]


def said(text: str) -> str:
    """The English text a person reads for some of the bot's HTML."""
    return plain_text(text)


async def test_a_private_chat_gets_only_what_its_person_asked_for(world):
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    async with world.running():  # Tuesday 5 March, 10:00 UTC: after the morning hour
        welcome = await world.command(ana, "Ana", "/start")
        await world.deliver_due()
        for when in (
            datetime(2030, 3, 5, 21, 30, tzinfo=UTC),  # the evening: no "quiet day" line
            datetime(2030, 3, 6, 9, 30, tzinfo=UTC),  # the next morning: no passage
            datetime(2030, 3, 6, 21, 30, tzinfo=UTC),
            datetime(2030, 3, 10, 18, 30, tzinfo=UTC),  # Sunday's weekly time
        ):
            await deliver_at(world, when)
        chat = await world.archive.run(Store.get_chat, ana["id"])
    assert world.sent_texts(ana) == [welcome]  # no passage, no digest: nothing unasked
    assert welcome == said(help.render_private_help(EN))
    assert "/mydigest" in welcome and "/passage on" in welcome
    # The group admins' commands and the whole group help are not for a private chat.
    assert not {"/settime", "/setdigest", "/settz", "/quietday", "Admins"} & set(welcome.split())
    assert (chat["passages"], chat["quiet_day"]) == (False, "silent")


async def test_passage_on_brings_the_morning_passage_at_the_persons_time_and_off_stops_it(
    world,
):
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    async with world.running():
        asked = await world.command(ana, "Ana", "/passage")
        today = await world.command(ana, "Ana", "/today")
        on = await world.command(ana, "Ana", "/passage on 07:30 Europe/Lisbon")
        # 10:00 in Lisbon: today's comes at once, as in a group the bot joins.
        await world.sandbox.wait_for(lambda: len(passages(world, ana)) == 1)
        first = len(passages(world, ana))
        await world.say(ana, "Ana", "a thought of my own")
        await deliver_at(world, datetime(2030, 3, 6, 7, 29, tzinfo=UTC))
        early = len(passages(world, ana))
        await deliver_at(world, datetime(2030, 3, 6, 7, 30, tzinfo=UTC))
        second = len(passages(world, ana))
        # An evening with no reply: the digest of a private chat says nothing.
        evening = await deliver_at(world, datetime(2030, 3, 6, 21, 30, tzinfo=UTC))
        off = await world.command(ana, "Ana", "/passage off")
        await deliver_at(world, datetime(2030, 3, 7, 7, 30, tzinfo=UTC))
        chat = await world.archive.run(Store.get_chat, ana["id"])
    assert asked == (
        "No passage comes here. /passage on sends you one every morning at 09:00 (UTC); "
        "/passage on 07:30 Europe/Lisbon at your own time."
    )
    assert today == said(EN._(personal.NO_PASSAGE_HERE))
    assert on == (
        "The passage comes here every morning at 07:30 (Europe/Lisbon): reply to it as in a "
        "group, and I keep the conversation. /passage off stops it."
    )
    assert (first, early, second) == (1, 1, 2)
    assert evening == ["skipped"]
    assert off == "Done: no more passages here. /passage on brings them back."
    assert len(passages(world, ana)) == 2
    assert not any("quiet day" in text for text in world.sent_texts(ana))
    assert (chat["passages"], chat["post_time"], chat["timezone"]) == (
        False,
        "07:30",
        "Europe/Lisbon",
    )


async def test_the_private_hello_is_said_once_ever_however_often_mydigest_is_sent(world):
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    async with world.running():
        readers = await world.group_with_passage("Readers")
        writers = await world.group_with_passage("Writers")
        await world.command(readers, "Ana", "/mydigest on")
        await world.command(readers, "Ana", "/mydigest 20:00")
        await world.command(writers, "Ana", "/mydigest on")
    async with world.running():  # remembered in the archive, not in memory
        again = await world.command(writers, "Ana", "/mydigest on")
    hellos = [text for text in world.sent_texts(ana) if text.startswith("Hello!")]
    assert hellos == [
        "Hello! Every day at 21:00 (UTC) I will send you the evening digest of Readers here. "
        "Change the time with /mydigest HH:MM Area/City; /mydigest off stops it."
    ]
    assert again.startswith("Done, Ana: I will send you this group's evening digest")


async def test_private_chats_and_groups_each_show_their_own_command_menu(world):
    anna = await world.sandbox.create_user("Anna", "anna", language_code="de-AT")
    world.members["Anna"] = anna
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    private_de = await world.sandbox.create_private_chat(anna)
    async with world.running():
        group = await world.group_with_bot("Readers", ["Ana", "Bo", "Anna"])
    private = {c["command"]: c["description"] for c in world.sandbox.menu(ana, ana["id"])}
    in_group = {
        c["command"]: c["description"]
        for c in world.sandbox.menu(group, world.members["Bo"]["id"])
    }
    german = world.sandbox.menu(private_de, anna["id"])
    de = translator("de")
    assert {"passage", "mydigest", "today", "setlang", "forgetme"} <= set(private)
    assert not {"settime", "setdigest", "settz", "pause", "purge", "curious"} & set(private)
    assert {"settime", "setdigest", "curious", "mydigest"} <= set(in_group)
    assert "passage" not in in_group
    # In a private chat there are no admins: the person sets their own language.
    assert private["setlang"] == "Set the language I speak to you"
    assert in_group["setlang"] == "Admins: set the language I speak here"
    assert german == [
        {"command": c.name, "description": c.menu_text(de, private=True)}
        for c in help.menu_of(private=True)
    ]


async def test_what_a_person_writes_in_private_outside_a_thread_is_answered_not_kept(world):
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    async with world.running():
        welcome = await world.command(ana, "Ana", "/start")
        welcome_id = world.sent(ana)[0]["message"]["message_id"]
        answer = await world.command(ana, "Ana", "hello? what now")
        to_welcome = await world.command(ana, "Ana", "and this?", reply_to=welcome_id)
        await world.command(ana, "Ana", "/passage on")
        await world.deliver_due()
        await world.sandbox.wait_for(lambda: len(passages(world, ana)) == 1)
        before = len(world.sent(ana))
        await world.say(ana, "Ana", "a thought on the passage")
        written = [
            m
            for m in world.sandbox.messages(ana)
            if m["from"]["id"] == ana["id"] and not m["text"].startswith("/")
        ]
        kept = [
            m["text"]
            for m in written
            if await world.archive.run(Store.get_message, ana["id"], m["message_id"])
        ]
    assert welcome.startswith("Hello! I am Commons Bot.")
    assert answer == to_welcome == said(EN._(help.PRIVATE_ANSWER))
    # Only the answer to the passage is kept, and it needs no answer of the bot's.
    assert [m["text"] for m in written] == [
        "hello? what now",
        "and this?",
        "a thought on the passage",
    ]
    assert kept == ["a thought on the passage"]
    assert len(world.sent(ana)) == before


async def test_passage_in_a_group_points_to_the_private_chat(world):
    async with world.running():
        group = await world.group_with_passage()
        answer = await world.command(group, "Bo", "/passage on")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert answer == said(EN._(personal.PASSAGE_IN_GROUP))
    assert chat["passages"] is True
