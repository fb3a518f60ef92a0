"""Privacy in public: forgetting a person leaves nothing of them, their private chat included,
and an export goes to the asking admin alone, with nothing of a member who opted out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.archive import Store
from bot.archive.people import OPTED_OUT_MEMBER
from bot.handlers.sweep import next_runs
from tests.harness import BotWorld

# Names and words no other row could hold by chance.
NAME, USERNAME = "Zephyrine", "zephyrine_q"
WORDS = "quillwort saltmarsh"
QUESTION = "why do quinces ripen late"


async def join(world: BotWorld, name: str = NAME, username: str = USERNAME) -> dict[str, Any]:
    """Add a member with a name found nowhere else (before the group is made, so they're in it)."""
    world.members[name] = await world.sandbox.create_user(name, username)
    return world.members[name]


async def private_chat(world: BotWorld, name: str) -> dict[str, Any]:
    """Return the member's private chat with the bot, started with /start."""
    chat = await world.sandbox.create_private_chat(world.members[name])
    await world.command(chat, name, "/start")
    return chat


def stored_values_holding(db_path: Path, *needles: str) -> list[tuple[str, str]]:
    """Return (table, needle) for every value in every table of the archive holding a needle."""
    db = Database(db_path)
    try:
        found = []
        for table in db.table_names():
            for row in db.query(f"SELECT * FROM [{table}]"):
                for value in row.values():
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    found += [(table, n) for n in needles if n.lower() in str(value).lower()]
        return found
    finally:
        db.close()


def documents_in(world: BotWorld, *chats: Any) -> list[dict[str, Any]]:
    """Return the documents the bot sent to those chats."""
    return [sent["document"] for c in chats for sent in world.sent(c) if sent.get("document")]


# finding 4: forgetting a person


async def test_forgetting_a_person_deletes_their_private_chat_and_posts_nothing_more_to_it(
    world: BotWorld,
) -> None:
    await join(world)
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, NAME, WORDS, reply_to=root)
        chat = await private_chat(world, NAME)
        await world.command(chat, NAME, "/passage on")  # the morning passage here too
        await world.deliver_due()
        await world.sandbox.wait_for_sent(chat, 3)  # /start's answer, /passage's, the passage
        await world.say(chat, NAME, f"{WORDS} in private")
        forgotten = await world.command(chat, NAME, "/forgetme")
        sent_before = len(world.sent(chat))
        world.clock.advance(days=1)
        await world.deliver_due()
        await world.settle()
        sent_after = len(world.sent(chat))
        user = await world.archive.run(Store.get_user, chat["id"])
        row = await world.archive.run(Store.get_chat, chat["id"])
        jobs = next_runs(world.app, chat["id"])
        group_posts = len(world.sent(group))
    assert "deleted" in forgotten
    assert (row, jobs) == (None, {"passage": None, "digest": None, "weekly": None})
    assert sent_after == sent_before
    assert group_posts > 2  # the group's day went on: only the person's chat went quiet
    assert user is not None and (user["first_name"], user["username"]) == ("", None)
    assert stored_values_holding(world.db_path, NAME, USERNAME, "quillwort") == []


# finding 5: /export


async def test_an_admins_export_arrives_in_their_private_chat_and_not_in_the_group(
    world: BotWorld,
) -> None:
    async with world.running():
        ana = await private_chat(world, "Ana")
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Bo", "kept", reply_to=root)
        answer = await world.command(group, "Ana", "/export")
        [document] = documents_in(world, ana)
    archive = json.loads(document["data"])
    assert answer == "I sent you this chat's archive in a private message."
    assert documents_in(world, group) == []
    assert [call["params"]["chat_id"] for call in world.sandbox.calls_to("sendDocument")] == [
        ana["id"]
    ]
    assert document["filename"] == f"commons-{group['id']}.json"
    assert [m["text"] for m in archive["messages"]] == ["kept"]


async def test_an_export_to_an_admin_without_a_private_chat_asks_for_start_and_sends_nothing(
    world: BotWorld,
) -> None:
    async with world.running():
        group = await world.group_with_passage()
        answer = await world.command(group, "Ana", "/export")
        await world.settle()
    delivered = [c for c in world.sandbox.calls_to("sendDocument") if c["status"] == 200]
    assert "/start" in answer and "/export" in answer and "private" in answer
    assert (delivered, documents_in(world, group)) == ([], [])


async def test_an_opted_out_members_name_username_and_words_are_nowhere_in_the_export(
    world: BotWorld,
) -> None:
    quiet = await join(world)
    async with world.running():
        ana = await private_chat(world, "Ana")
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, NAME, WORDS, reply_to=root)
        await world.command(group, NAME, f"/curious {QUESTION}")
        await world.say(group, "Bo", "still named", reply_to=root)
        await world.command(group, NAME, "/optout")
        await world.sandbox.send_message(group, world.members["Ana"], "/export")
        # Wherever it arrives (in private, as it should), nothing of theirs may be in it.
        await world.sandbox.wait_for(lambda: documents_in(world, ana, group) != [], timeout=10)
        [document] = documents_in(world, ana, group)
    exported = document["data"].decode()
    archive = json.loads(exported)
    leaks = [word for word in (NAME, USERNAME, "quillwort", "quinces") if word in exported]
    assert leaks == []
    assert [(u["first_name"], u["id"]) for u in archive["users"]] == [
        ("Bo", world.members["Bo"]["id"]),
        (OPTED_OUT_MEMBER, None),
    ]
    assert [m["text"] for m in archive["messages"]] == ["still named"]
    assert archive["curiosities"] == []
    assert quiet["id"] not in [m["user_id"] for m in archive["messages"]]


async def test_an_opted_out_member_who_changes_their_name_keeps_no_new_name(
    world: BotWorld,
) -> None:
    quiet = await join(world)
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, NAME, "before opting out", reply_to=root)
        await world.command(group, NAME, "/optout")
        await world.sandbox.rename_user(quiet, "Quentin", "quentin_new")
        await world.say(group, NAME, "after a new name", reply_to=root)
        await world.command(group, NAME, "/curious does a new name count")
        user = await world.archive.run(Store.get_user, quiet["id"])
    assert user is not None and user["opted_out"] is True
    assert (user["first_name"], user["username"]) == (NAME, USERNAME)
