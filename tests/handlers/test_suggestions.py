"""Suggestions through the real bot and the sandbox: suggest, the admins' queue and its buttons,
decisions by command, the suggester told, and the approved passage posted in turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.archive import operations
from bot.archive.store import Store
from bot.core.schedule import Slot
from tests.handlers.suggesting import ask, quick_world
from tests.harness import BotWorld

MORNING = datetime(2030, 3, 6, 9, 0, tzinfo=UTC)  # the next day's 09:00 slot (a UTC group)
TOOLS = (
    "Tools rest in a shared shed; neighbours borrow ladders, drills and saws. // who fixes them?"
)


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await quick_world(sandbox, tmp_path)


def texts_after(world: BotWorld, chat: dict, before: int) -> list[str]:
    return world.sent_texts(chat)[before:]


def morning_posts(world: BotWorld, chat: dict) -> list[dict]:
    return [s for s in world.sent(chat) if (s["text"] or "").startswith("<b>Commons, ")]


async def queue_message(world: BotWorld, group: dict) -> dict:
    """Ana asks for /suggestions; return the bot's answer as sent (with its keyboard)."""
    before = len(world.sent(group))
    await world.command(group, "Ana", "/suggestions")
    return world.sent(group)[before]


def button_data(sent: dict) -> list[str]:
    rows = (sent["message"].get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def press(world: BotWorld, group: dict, who: str, sent: dict, data: str) -> dict:
    """Press a button as a member; return the bot's answer to the press."""
    query = await world.sandbox.click_button(
        group, world.members[who], sent["message"]["message_id"], data
    )
    await world.sandbox.wait_for(lambda: world.sandbox.callback_answer(query["id"]) is not None)
    await world.settle()
    answer = world.sandbox.callback_answer(query["id"])
    assert answer is not None
    return answer


async def test_a_suggestion_by_text_and_by_reply_is_numbered_and_queued(world):
    async with world.running():
        group = await world.group_with_passage()
        first = await world.command(group, "Bo", f"/suggest {TOOLS}")
        said = await world.say(group, "Cy", "Gardens teach patience to whole streets, slowly.")
        second = await world.command(group, "Dee", "/suggest", reply_to=said["message_id"])
        queue = await queue_message(world, group)
    assert first.startswith("Suggestion #1 is in the admins' queue")
    assert second.startswith("Suggestion #2 is in the admins' queue")
    text = queue["message"]["text"]
    assert text.startswith("2 suggestions waiting")
    assert "#1 by Bo\nTools rest in a shared shed" in text
    assert "who fixes them?" in text
    assert "#2 by Dee\nGardens teach patience to whole streets, slowly." in text
    assert button_data(queue) == ["sg:a:1", "sg:d:1", "sg:a:2", "sg:d:2"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("/suggest", "There is no text to suggest."),
        ("/suggest   // only a counterpoint", "There is no text to suggest."),
        ("/suggest https://example.org/commons", "That is only a link or markup"),
        ("/suggest <b></b> <i>**</i>", "That is only a link or markup"),
        ("/suggest " + "𝔞" * 2100, "That is too long for a morning post: 4"),
    ],
)
async def test_bad_input_gets_the_reason_and_the_usage(world, text, reason):
    async with world.running():
        group = await world.group_with_bot()
        answer = await world.command(group, "Bo", text)
        pending = await world.archive.read(Store.suggestions_with, group["id"], "pending")
    assert answer.startswith(reason)
    assert "Usage: reply to a message with /suggest" in answer
    assert pending == []


async def test_the_length_is_the_posts_as_telegram_counts_it(world):
    # 2,000 Fraktur letters are 4,000 UTF-16 units: with the heading and the invitation, over
    # 4,096; as many plain letters fit.
    async with world.running():
        group = await world.group_with_bot()
        fraktur = await world.command(group, "Bo", "/suggest " + "𝔞" * 2000)
        letters = await world.command(group, "Bo", "/suggest " + "a" * 1999 + ".")
    assert fraktur.startswith("That is too long for a morning post")
    assert letters.startswith("Suggestion #1 is in the admins' queue")


async def test_only_an_admins_press_counts_and_a_second_press_changes_nothing(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Bo", f"/suggest {TOOLS}")
        queue = await queue_message(world, group)
        refused = await press(world, group, "Cy", queue, "sg:a:1")
        still = await world.archive.read(Store.get_suggestion, group["id"], 1)
        # Two quick presses, both before the bot takes the buttons away.
        ids = [
            (
                await world.sandbox.click_button(
                    group, world.members["Ana"], queue["message"]["message_id"], "sg:a:1"
                )
            )["id"]
            for _ in range(2)
        ]
        await world.sandbox.wait_for(
            lambda: all(world.sandbox.callback_answer(i) is not None for i in ids)
        )
        await world.settle()
        approved = await world.archive.read(Store.get_suggestion, group["id"], 1)
        told = [t for t in world.sent_texts(group) if "your suggestion #1" in t]
    assert refused == {
        "text": "Sorry, only this chat's admins can change that.",
        "show_alert": True,
    }
    assert still["status"] == "pending"
    first, second = (world.sandbox.callback_answer(i) for i in ids)
    assert first == {"text": "Approved #1: it comes on Wednesday 6 March."}
    assert second == {"text": "#1 was approved already."}
    assert approved["status"] == "approved"
    assert len(told) == 1  # Bo is told once
    # The decided suggestion's buttons are gone from the queue message.
    assert button_data(queue) == []


async def test_decline_by_button_asks_why_and_the_reply_reaches_the_suggester(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Bo", f"/suggest {TOOLS}")
        queue = await queue_message(world, group)
        before = len(world.sent(group))
        answer = await press(world, group, "Ana", queue, "sg:d:1")
        sent = texts_after(world, group, before)
        prompt = next(
            s for s in world.sent(group)[before:] if "Reply to this message" in s["text"]
        )
        await world.say(
            group, "Ana", "We read a tools passage last week.", reply_to=prompt["message_id"]
        )
        after = texts_after(world, group, before + len(sent))
        stored = await world.archive.read(Store.search, group["id"], "tools passage")
        declined = await world.archive.read(Store.get_suggestion, group["id"], 1)
    assert answer == {"text": "Declined #1."}
    assert any(t.startswith("Bo: your suggestion #1 was declined.") for t in sent)
    assert after == [
        "Passed on. Thank you.",
        "Bo: your suggestion #1 was declined: We read a tools passage last week.",
    ]
    assert declined["reason"] == "We read a tools passage last week."
    assert stored == []  # a reason is no reply to the passage: never kept in a thread


async def test_a_members_reply_to_the_question_is_no_reason(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Bo", f"/suggest {TOOLS}")
        await world.command(group, "Ana", "/decline 1")
        prompt = next(s for s in world.sent(group) if "Reply to this message" in (s["text"] or ""))
        await world.say(group, "Cy", "I liked it though", reply_to=prompt["message_id"])
        declined = await world.archive.read(Store.get_suggestion, group["id"], 1)
    assert declined["status"] == "declined" and declined["reason"] is None


async def test_decisions_by_command_and_the_suggester_told_in_private(world):
    async with world.running():
        group = await world.group_with_passage()
        bo_private = await world.sandbox.create_private_chat(world.members["Bo"])
        await world.command(bo_private, "Bo", "/start")
        await ask(world, group, "Bo", f"/suggest {TOOLS}")
        await ask(world, group, "Cy", "/suggest Seeds travel further when nobody owns them.")
        member = await ask(world, group, "Cy", "/approve 1")
        approved = await ask(world, group, "Ana", "/approve 1")
        declined = await ask(world, group, "Ana", "/decline 2 it is a line of a song")
        again = await ask(world, group, "Ana", "/decline 2 twice")
        unknown = await ask(world, group, "Ana", "/approve 9")
        usage = await ask(world, group, "Ana", "/approve one")
        to_bo = world.sent_texts(bo_private)[-1]
    assert member == "Sorry, only this chat's admins can change that."
    assert approved == "Approved #1: it comes on Wednesday 6 March."
    assert declined == "Declined #2."
    assert again == "#2 was declined already."
    assert unknown == "There is no suggestion #9 here."
    assert usage == "Usage: /approve N, N from /suggestions."
    assert to_bo == "your suggestion #1 was approved; it comes on Wednesday 6 March."
    assert "Cy: your suggestion #2 was declined: it is a line of a song" in world.sent_texts(group)
    # Bo heard it in private, so the group was not told about #1.
    assert not any(t.startswith("Bo: your suggestion") for t in world.sent_texts(group))


async def test_a_counterpoint_added_later_by_anyone(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Bo", "/suggest Seeds travel further when nobody owns them.")
        added = await world.command(group, "Eli", "/counter 1 but someone has to plant them")
        missing = await world.command(group, "Eli", "/counter 7 what?")
        usage = await world.command(group, "Eli", "/counter 1")
        row = await world.archive.read(Store.get_suggestion, group["id"], 1)
        await world.command(group, "Eli", "/counter #1\nor the wind does")
        on_its_line = await world.archive.read(Store.get_suggestion, group["id"], 1)
    assert added == "Suggestion #1 has its counterpoint now."
    assert missing == "There is no suggestion #7 here."
    assert usage.startswith("Usage: /counter N text")
    assert row["counterpoint"] == "but someone has to plant them"
    assert on_its_line["counterpoint"] == "or the wind does"


async def test_the_approved_passage_comes_next_morning_credited_then_the_book_goes_on(world):
    async with world.running():
        group = await world.group_with_passage()
        book_first = morning_posts(world, group)[0]["text"]
        position = (await world.archive.read(Store.get_chat, group["id"]))["corpus_position"]
        await world.command(group, "Bo", f"/suggest {TOOLS}")
        await world.command(group, "Ana", "/approve 1")
        world.clock.set(MORNING)
        await world.deliver_due()
        post = morning_posts(world, group)[-1]
        root = post["message"]["message_id"]
        await world.say(group, "Cy", "Our street has a shed like that.", reply_to=root)
        reply = world.sandbox.messages(group)[-1]
        await world.say(group, "Dee", "Who keeps the key?", reply_to=reply["message_id"])
        thread = await world.archive.read(Store.thread_messages, group["id"], root)
        digest = await world.command(group, "Eli", "/digest")
        today = await world.command(group, "Eli", "/today")
        found = await world.command(group, "Eli", "/search shed")
        chat = await world.archive.read(Store.get_chat, group["id"])
        world.clock.set(MORNING + timedelta(days=1))
        await world.deliver_due()
        next_post = morning_posts(world, group)[-1]["text"]
        row = await world.archive.read(Store.get_suggestion, group["id"], 1)
    assert post["message"]["text"].startswith("Commons, Wednesday 6 March · suggested by Bo\n")
    assert "Tools rest in a shared shed" in post["message"]["text"]
    assert "who fixes them?" in post["message"]["text"]
    assert [m["text"] for m in thread] == [
        "Our street has a shed like that.",
        "Who keeps the key?",
    ]
    assert "suggested by Bo" in digest and "Our street has a shed like that." in digest
    assert today.startswith("Commons, Wednesday 6 March · suggested by Bo")
    assert "Our street has a shed like that." in found
    assert chat["corpus_position"] == position  # the book waited
    assert next_post != book_first and "suggested by" not in next_post
    assert row["status"] == "posted" and row["posted_on"] == "2030-03-06"


async def test_a_suggestion_is_posted_once_across_a_crash_between_claim_and_send(world):
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Bo", f"/suggest {TOOLS}")
        await world.command(group, "Ana", "/approve 1")
        # A process claimed the morning for the suggestion and died before sending it.
        slot = Slot(group["id"], "passage", MORNING.date().isoformat())
        claimed = await world.archive.run(
            operations.claim_slot, slot, now_ts=int(MORNING.timestamp())
        )
        claim = await world.archive.read(Store.get_post, group["id"], slot.local_date, "passage")
        counts = []
        for seconds in (0, 60, 119, 120, 600, 3600):
            world.clock.set(MORNING + timedelta(seconds=seconds))
            await world.deliver_due()
            await world.settle()
            counts.append(sum("suggested by Bo" in t for t in world.sent_texts(group)))
        world.clock.set(MORNING + timedelta(days=1))
        await world.deliver_due()
        tomorrow = morning_posts(world, group)[-1]["text"]
    assert claimed is True and claim["passage_id"] == "suggestion:1"
    assert counts == [0, 0, 0, 1, 1, 1]
    assert "suggested by" not in tomorrow


ALLOCATE = (
    "P2P can also be a mode to allocate resources that do not involve any specific "
    "reciprocity between individuals but only between the individuals and the collective "
    "resource."
)


async def test_a_suggestion_close_to_the_book_is_flagged_and_a_different_one_is_not(world):
    async with world.running():
        group = await world.group_with_passage()
        close = await ask(world, group, "Bo", f"/suggest {ALLOCATE}")
        other = await ask(world, group, "Cy", "/suggest Bees pollinate orchards at dawn.")
        queue = (await queue_message(world, group))["message"]["text"]
    assert close.startswith("Suggestion #1 is in the admins' queue")
    assert close.endswith(
        "⚠️ close to ch1-06: “P2P can also be a mode to allocate resources that do not…”."
    )
    assert "⚠️" not in other
    assert "#1 by Bo · ⚠️ close to ch1-06: “P2P can also" in queue
    assert "#2 by Cy\nBees pollinate" in queue


async def test_in_spanish_a_rewording_of_a_queued_suggestion_is_flagged(world):
    async with world.running():
        group = await world.group_with_passage()
        await ask(world, group, "Ana", "/setlang es")
        gardens = "Los jardines comunitarios enseñan a los vecinos a cuidar la tierra juntos."
        await ask(world, group, "Bo", f"/suggest {gardens}")
        reworded = await ask(
            world,
            group,
            "Cy",
            "/suggest Un jardín comunitario enseña a sus vecinos a cuidar la tierra.",
        )
        other = await ask(
            world, group, "Dee", "/suggest La moneda local circula más rápido que el dinero."
        )
    assert "⚠️" in reworded and "#1: «Los jardines comunitarios enseñan" in reworded
    assert "#2" in reworded and "⚠️" not in other and "#3" in other
