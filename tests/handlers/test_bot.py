"""The bot in a group, end to end: the real PTB Application over HTTP to the sandbox."""

from __future__ import annotations

import json

import pytest

from bot.archive.store import Store
from bot.i18n import LANGUAGES
from tests.harness import NAMES, BotWorld
from tests.telegram_html import telegram_problems


async def test_joining_registers_the_chat_welcomes_and_posts_the_first_passage(world):
    async with world.running():
        group = await world.group_with_passage()
        welcome, post = world.sent(group)[:2]
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert (chat["timezone"], chat["post_time"], chat["digest_time"], chat["active"]) == (
        "UTC",
        "09:00",
        "21:00",
        True,
    )
    assert "/settz" in welcome["params"]["text"]
    assert "only see replies to my own messages" not in welcome["params"]["text"]
    assert "<blockquote" in post["params"]["text"]
    assert post["params"]["parse_mode"] == "HTML"
    assert len(post["message"]["text"]) <= 4096


async def test_privacy_mode_warning_in_welcome_and_status(world):
    async with world.running():
        group = await world.group_with_bot(admin=False)
        [welcome] = world.sent(group)
        status = await world.command(group, "Bo", "/status")
    assert "I can only see replies to my own messages" in welcome["params"]["text"]
    assert "make me an admin" in welcome["params"]["text"]
    assert "I only see replies to my own messages" in status


async def test_a_thread_five_replies_deep_is_stored_with_its_parents(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        parent, ids = root, []
        for name in ("Ana", "Bo", "Cy", "Dee", "Eli"):
            message = await world.say(group, name, f"{name} answers", reply_to=parent)
            ids.append(message["message_id"])
            parent = message["message_id"]
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
    assert [(r["message_id"], r["reply_to_message_id"], r["author"]) for r in rows] == [
        (ids[0], root, "Ana"),
        (ids[1], ids[0], "Bo"),
        (ids[2], ids[1], "Cy"),
        (ids[3], ids[2], "Dee"),
        (ids[4], ids[3], "Eli"),
    ]


async def test_chatter_outside_the_threads_is_not_stored(world):
    async with world.running():
        group = await world.group_with_passage()
        chatter = await world.say(group, "Ana", "lunch anyone?")
        stored = await world.archive.run(Store.get_message, group["id"], chatter["message_id"])
    assert stored is None


async def test_edit_updates_and_duplicate_delivery_changes_nothing(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        reply = await world.say(group, "Bo", "first thought", reply_to=root)
        await world.sandbox.edit_message(group, reply["message_id"], "second thought")
        await world.settle()
        row = await world.archive.run(Store.get_message, group["id"], reply["message_id"])
        again = await world.archive.run(
            Store.keep_messages,
            [
                {
                    "chat_id": group["id"],
                    "message_id": reply["message_id"],
                    "root_message_id": root,
                    "reply_to_message_id": root,
                    "user_id": world.members["Bo"]["id"],
                    "sender_chat_id": None,
                    "kind": "text",
                    "text": "first thought",
                    "date": reply["date"],
                }
            ],
        )
        after = await world.archive.run(Store.get_message, group["id"], reply["message_id"])
    assert (row["text"], row["edited_at"] is not None) == ("second thought", True)
    assert (again, after["text"]) == (0, "second thought")


async def test_photos_stickers_and_anonymous_admins_are_kept_with_kind_and_author(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        photo = await world.say(group, "Cy", None, reply_to=root, photo=True, caption="a map")
        sticker = await world.say(group, "Dee", None, reply_to=root, sticker="🌱")
        anon = await world.say(group, "Ana", "as the group", reply_to=root, sender_chat=group)
        rows = {
            r["message_id"]: (r["kind"], r["text"], r["author"])
            for r in await world.archive.read(Store.thread_messages, group["id"], root)
        }
    assert rows == {
        photo["message_id"]: ("photo", "a map", "Cy"),
        sticker["message_id"]: ("sticker", "🌱", "Dee"),
        anon["message_id"]: ("text", "as the group", "Readers"),
    }


@pytest.mark.slow
async def test_curiosities_are_confirmed_listed_and_hashtags_count(world):
    async with world.running():
        group = await world.group_with_passage()
        confirm = await world.command(group, "Ana", "/curious how do commons govern?")
        await world.say(group, "Bo", "I wonder #curious about reciprocity")
        listing = await world.command(group, "Cy", "/curiosities")
        usage = await world.command(group, "Cy", "/curious")
    assert "tonight's digest" in confirm
    assert "Ana: how do commons govern?" in listing
    assert "Bo: I wonder about reciprocity" in listing
    assert "/curious how do commons govern themselves without money?" in usage


@pytest.mark.slow
async def test_non_admins_are_refused_every_admin_command(world):
    commands = [
        "/settz Europe/Berlin", "/settime 08:00", "/setdigest 20:00", "/setweekly sunday 18:00",
        "/quietday silent", "/pause", "/resume", "/skip", "/topic", "/export",
    ]  # fmt: skip
    async with world.running():
        group = await world.group_with_passage()
        replies = [await world.command(group, "Bo", c) for c in commands]
        purge = await world.command(group, "Bo", "/purge")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert replies == ["Sorry, only this chat's admins can change that."] * len(commands)
    assert purge.startswith("Sorry, only this chat's creator")
    assert (chat["timezone"], chat["paused"], chat["corpus_position"]) == ("UTC", False, 1)


@pytest.mark.slow
async def test_admin_settings_with_wrong_arguments_explain_themselves(world):
    async with world.running():
        group = await world.group_with_passage()
        mars = await world.command(group, "Ana", "/settz Mars/Olympus")
        late = await world.command(group, "Ana", "/settime 25:00")
        missing = await world.command(group, "Ana", "/setweekly")
        two_zones = await world.command(group, "Ana", "/settz Europe/Rome Europe/Paris")
        no_time = await world.command(group, "Ana", "/setweekly sunday")
        loud = await world.command(group, "Ana", "/quietday loud")
        berlin = await world.command(group, "Ana", "/settz europe/berlin")
        await world.command(group, "Ana", "/quietday silent")
        shouted = await world.command(group, "Ana", "/quietday LINE")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert "unknown timezone" in mars and "/settz Europe/Berlin" in mars
    assert "/settime 08:30" in late
    assert "/setweekly sunday 18:00" in missing and "/setweekly sunday 18:00" in no_time
    assert "/settz Europe/Berlin" in two_zones
    assert "/quietday line" in loud
    assert "Europe/Berlin" in berlin
    assert (chat["timezone"], chat["quiet_day"]) == ("Europe/Berlin", "line")
    assert shouted != loud


async def test_hostile_names_and_text_reach_thread_and_digest_escaped(world):
    hostile = "<b>&amp;</script>"
    world.members[hostile] = await world.sandbox.create_user(hostile)
    async with world.running():
        group = await world.group_with_passage()
        await world.sandbox.add_member(group, world.members[hostile])
        root = world.passage_post(group)["message"]["message_id"]
        reply = await world.say(group, hostile, hostile, reply_to=root)
        thread = await world.command(group, "Ana", "/thread", reply_to=reply["message_id"])
        digest = await world.command(group, "Ana", "/digest")
    assert thread.count(hostile) == 2  # name and text, shown as typed
    assert hostile in digest
    assert [telegram_problems(sent["text"] or "") for sent in world.sent(group)] == [
        [] for _ in world.sent(group)
    ]


async def test_export_is_a_json_document_for_admins_in_private(world):
    async with world.running():
        private = await world.sandbox.create_private_chat(world.members["Ana"])
        await world.command(private, "Ana", "/start")
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Bo", "kept", reply_to=root)
        await world.command(group, "Ana", "/export")
    document = next(s["document"] for s in world.sent(private) if s.get("document"))
    archive = json.loads(document["data"])
    assert document["filename"] == f"commons-{group['id']}.json"
    assert [m["text"] for m in archive["messages"]] == ["kept"]


async def test_forgetme_removes_a_person_and_stops_keeping_them(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Bo", "something personal", reply_to=root)
        await world.command(group, "Bo", "/curious my own question")
        reply = await world.command(group, "Bo", "/forgetme")
        later = await world.say(group, "Bo", "after forgetting", reply_to=root)
        results = await world.archive.read(Store.search, group["id"], "personal")
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
        stored_later = await world.archive.run(Store.get_message, group["id"], later["message_id"])
    assert "deleted" in reply
    assert (results, rows, stored_later) == ([], [], None)


async def test_removed_bot_marks_chat_inactive_and_sends_nothing(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.sandbox.remove_bot(group, by=world.members["Ana"])
        await world.settle()
        world.clock.advance(days=1)
        outcomes = await world.deliver_due()
        chat = await world.archive.run(Store.get_chat, group["id"])
        sent_before = len(world.sent(group))
    assert (chat["active"], outcomes, sent_before) == (False, [], 2)


async def test_migration_mid_thread_moves_the_archive(world):
    async with world.running():
        members = [world.members[n] for n in NAMES]
        group = await world.sandbox.create_group("Small group", members)
        await world.sandbox.add_bot(group, by=world.members["Ana"], admin=True)
        await world.sandbox.wait_for_sent(group, 1)
        await world.deliver_due()
        await world.sandbox.wait_for_sent(group, 2)
        root = world.passage_post(group)["message"]["message_id"]
        reply = await world.say(group, "Bo", "before the move", reply_to=root)
        supergroup = await world.sandbox.migrate_to_supergroup(group, by=world.members["Ana"])
        await world.settle()
        moved = await world.archive.run(Store.get_message, supergroup["id"], reply["message_id"])
        old = await world.archive.run(Store.get_chat, group["id"])
        new = await world.archive.run(Store.get_chat, supergroup["id"])
    assert (moved["text"], old, new["type"]) == ("before the move", None, "supergroup")


async def test_forum_group_posts_in_the_chosen_topic_and_counts_plain_messages(world):
    async with world.running():
        forum = await world.group_with_bot("Forum", forum=True)
        topic = await world.sandbox.create_topic(forum, "Daily passage")
        answer = await world.command(forum, "Ana", "/topic", thread_id=topic["message_thread_id"])
        await world.deliver_due()
        sent = await world.sandbox.wait_for_sent(forum, 3)
        post = sent[-1]
        plain = await world.say(forum, "Bo", "in the topic", thread_id=topic["message_thread_id"])
        row = await world.archive.run(Store.get_message, forum["id"], plain["message_id"])
    assert "this topic" in answer
    assert post["params"]["message_thread_id"] == topic["message_thread_id"]
    assert (row["root_message_id"], row["text"]) == (post["message"]["message_id"], "in the topic")


async def test_private_chat_asks_for_the_post_and_keeps_what_is_said(world):
    async with world.running():
        chat = await world.sandbox.create_private_chat(world.members["Cy"])
        await world.command(chat, "Cy", "/start")
        await world.command(chat, "Cy", "/passage on")
        await world.deliver_due()
        sent = await world.sandbox.wait_for_sent(chat, 3)
        said = await world.say(chat, "Cy", "a private thought")
        row = await world.archive.run(Store.get_message, chat["id"], said["message_id"])
    assert "Counterpoint" in sent[2]["message"]["text"]
    assert (row["root_message_id"], row["text"]) == (
        sent[2]["message"]["message_id"],
        "a private thought",
    )


@pytest.mark.slow
async def test_search_today_and_status(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Bo", "reciprocity is complicated", reply_to=root)
        found = await world.command(group, "Cy", "/search reciprocity")
        hostile = await world.command(group, "Cy", '/search " OR * NEAR(')
        today = await world.command(group, "Cy", "/today")
        status = await world.command(group, "Cy", "/status")
    assert "Bo said" in found and "reciprocity is complicated" in found
    assert "Nothing found" in hostile
    assert "Counterpoint" in today
    assert "Time zone: UTC" in status and "Last morning passage: sent" in status


async def test_a_command_addressed_to_the_bot_by_name_is_answered_and_one_to_another_is_not(
    world,
):
    async with world.running():
        group = await world.group_with_passage()
        me = world.sandbox.world.bot["username"]
        status = await world.command(group, "Cy", f"/Status@{me}")
        before = len(world.sent(group))
        await world.say(group, "Cy", "/status@another_bot")
    assert "Time zone: UTC" in status
    assert len(world.sent(group)) == before


async def test_purge_asks_for_confirmation_then_deletes_the_chats_archive(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Bo", "to be purged", reply_to=root)
        early = await world.command(group, "Ana", "/purge confirm")
        warning = await world.command(group, "Ana", "/purge")
        kept = await world.archive.run(Store.get_message, group["id"], root + 1)
        done = await world.command(group, "Ana", "/purge confirm")
        chat = await world.archive.run(Store.get_chat, group["id"])
        found = await world.archive.read(Store.search, group["id"], "purged")
    assert "Send /purge first" in early
    assert "cannot be undone" in warning and kept is not None
    assert "Purged" in done
    assert (chat, found) == (None, [])


async def test_skip_moves_on_to_the_next_passage(world):
    async with world.running():
        group = await world.group_with_passage()
        answer = await world.command(group, "Ana", "/skip")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert answer == "Skipped passage ch1-02. The next post will be ch1-03 (ch1 intro)."
    assert chat["corpus_position"] == 2


@pytest.mark.slow
async def test_an_answer_to_a_curiosity_joins_the_day_and_closes_it_in_the_weekly(world):
    async with world.running():
        group = await world.group_with_passage()
        ask = await world.sandbox.send_message(
            group, world.members["Bo"], "/curious who feeds the cat?"
        )
        await world.settle()
        await world.sandbox.send_message(group, world.members["Cy"], "/curious why bees?")
        await world.settle()
        answer = await world.say(group, "Dee", "whoever notices first", reply_to=ask["message_id"])
        row = await world.archive.run(Store.get_message, group["id"], answer["message_id"])
        weekly = await world.command(group, "Ana", "/week")
    still_open = weekly.split("Still open")[1]
    assert (row["reply_to_message_id"], row["text"]) == (
        ask["message_id"],
        "whoever notices first",
    )
    assert "why bees?" in still_open and "who feeds the cat?" not in still_open


async def test_commands_are_published_and_admin_status_is_cached(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Ana", "/settime 08:00")
        await world.command(group, "Ana", "/setdigest 20:00")
        await world.command(group, "Bo", "/pause")
    calls = world.sandbox.calls_to("setMyCommands")
    menus = {
        call["params"].get("language_code"): {
            c["command"]: c["description"] for c in call["params"]["commands"]
        }
        for call in calls
        if call["params"]["scope"] == {"type": "all_group_chats"}
    }
    asked = [c["params"]["user_id"] for c in world.sandbox.calls_to("getChatMember")]
    assert {"curious", "digest", "settz", "setlang", "purge"} <= set(menus[None])
    assert "start" not in menus[None]  # Telegram's own Start button opens a chat
    published = [
        call["params"]["commands"]
        for call in calls
        if call["params"]["scope"] == {"type": "all_group_chats"}
    ]
    assert [len(menu) for menu in published] == [len(menus[None])] * len(published)
    # One menu for everyone (English), then one per language for people who use Telegram in it;
    # as many again for private chats (tests/handlers/test_private_chat.py).
    assert sorted(menus, key=str) == sorted([None, *LANGUAGES.keys() - {"en"}], key=str)
    assert len(calls) == 2 * len(menus)
    assert menus["de"]["settz"] == "Admins: die Zeitzone einstellen"
    assert set(menus["de"]) == set(menus[None])
    ana, bo = world.members["Ana"]["id"], world.members["Bo"]["id"]
    assert (asked.count(ana), asked.count(bo)) == (1, 1)


async def test_a_send_to_a_group_that_moved_follows_it_and_retries_once(world):
    async with world.running():
        members = [world.members[n] for n in NAMES]
        group = await world.sandbox.create_group("Small group", members)
        await world.sandbox.add_bot(group, by=world.members["Ana"], admin=True)
        await world.sandbox.wait_for_sent(group, 2)  # the welcome and the first passage
    # The group moves while the bot is down, and the service messages never reach it.
    supergroup = await world.sandbox.migrate_to_supergroup(group, by=world.members["Ana"])
    world.sandbox.world.updates.clear()
    world.clock.advance(days=1)
    async with world.running():
        await world.sandbox.wait_for(lambda: len(passages_in(world, supergroup)) == 1, 10)
        moved = await world.archive.run(Store.get_chat, supergroup["id"])
        old = await world.archive.run(Store.get_chat, group["id"])
    refused = [c for c in world.sandbox.calls_to("sendMessage") if c["status"] == 400]
    assert (old, moved["type"], len(refused)) == (None, "supergroup", 1)


def passages_in(world: BotWorld, chat: dict) -> list[dict]:
    return [s for s in world.sent(chat) if "written in the margin" in (s["text"] or "")]
