"""Every road a reply can take into its thread, through the real Application and the sandbox."""

from __future__ import annotations

import pytest

from bot.archive.store import Store
from bot.sandbox import Fault
from tests.harness import BotWorld


def thread_texts(rows: list[dict]) -> list[tuple[str, str]]:
    return [(r["author"], r["text"]) for r in rows]


@pytest.mark.slow
async def test_a_reply_to_the_today_copy_joins_the_morning_thread(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        on_post = await world.say(group, "Ana", "on the morning post", reply_to=root)
        await world.command(group, "Bo", "/today")
        copy = world.sent(group)[-1]["message"]
        on_copy = await world.say(group, "Cy", "on the today copy", reply_to=copy["message_id"])
        shown = await world.command(group, "Dee", "/thread", reply_to=on_copy["message_id"])
        digest = await world.command(group, "Eli", "/digest")
        found = await world.command(group, "Ana", "/search today copy")
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
    assert "Counterpoint" in copy["text"]
    assert thread_texts(rows) == [("Ana", "on the morning post"), ("Cy", "on the today copy")]
    assert [r["message_id"] for r in rows] == [on_post["message_id"], on_copy["message_id"]]
    assert ("on the morning post" in shown, "on the today copy" in shown) == (True, True)
    assert ("on the morning post" in digest, "on the today copy" in digest) == (True, True)
    assert "on the today copy" in found


async def group_with_a_lost_passage(world: BotWorld) -> dict:
    """A group whose passage Telegram posted, but whose answer never reached the bot."""
    group = await world.group_with_bot()
    world.sandbox.faults.script("sendMessage", [Fault.server_error(after=True)])
    assert await world.deliver_due() == ["failed"]
    return group


async def test_a_copy_sent_again_after_a_lost_answer_keeps_one_thread(world):
    async with world.running():
        group = await group_with_a_lost_passage(world)
        world.clock.advance(minutes=10)
        assert await world.deliver_due() == ["sent"]
        first, second = (s["message"] for s in world.sent(group)[1:3])
        on_first = await world.say(group, "Bo", "answering the lost copy", reply_to=first)
        on_second = await world.say(group, "Cy", "answering the recorded one", reply_to=second)
        await world.say(group, "Dee", "and a reply to Bo", reply_to=on_first)
        rows = await world.archive.read(Store.thread_messages, group["id"], second["message_id"])
        copies = await world.archive.run(Store.post_copies, group["id"])
    assert first["text"] == second["text"]
    assert thread_texts(rows) == [
        ("Bo", "answering the lost copy"),
        ("Cy", "answering the recorded one"),
        ("Dee", "and a reply to Bo"),
    ]
    assert [r["reply_to_message_id"] for r in rows] == [
        first["message_id"],
        second["message_id"],
        on_first["message_id"],
    ]
    assert on_second["message_id"] in [r["message_id"] for r in rows]
    # The crash window is counted: one copy was found from a reply, not from a send.
    assert copies == {"post": 1, "recognised": 1}


async def test_a_reply_to_a_lost_copy_before_it_is_sent_again_keeps_it_the_only_one(world):
    async with world.running():
        group = await group_with_a_lost_passage(world)
        lost = world.sent(group)[1]["message"]
        reply = await world.say(group, "Bo", "answering at once", reply_to=lost)
        world.clock.advance(minutes=10)
        again = await world.deliver_due()
        rows = await world.archive.read(Store.thread_messages, group["id"], lost["message_id"])
        copies = await world.archive.run(Store.post_copies, group["id"])
    passages = [t for t in world.sent_texts(group) if "Counterpoint" in t]
    assert (again, len(passages), copies) == ([], 1, {"recognised": 1})
    assert [(r["message_id"], r["text"]) for r in rows] == [
        (reply["message_id"], "answering at once")
    ]


async def evening_digest(world: BotWorld, group: dict) -> dict:
    """Move to 21:00 and return the first message of the evening digest."""
    world.clock.set(world.clock.current.replace(hour=21, minute=1))
    before = len(world.sent(group))
    await world.deliver_due()
    await world.sandbox.wait_for_sent(group, before + 1)
    return world.sent(group)[before]["message"]


@pytest.mark.slow
async def test_a_reply_quoting_a_digest_line_joins_that_message_under_it(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        bo = await world.say(group, "Bo", "commons need caretakers", reply_to=root)
        await world.say(group, "Cy", "and caretakers need time", reply_to=root)
        digest = await evening_digest(world, group)
        quoted = await world.say(
            group, "Dee", "who pays them?", reply_to=digest, quote="commons need caretakers"
        )
        plain = await world.say(group, "Eli", "a good day", reply_to=digest)
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
    by_id = {r["message_id"]: r for r in rows}
    assert "commons need caretakers" in digest["text"]
    assert (
        by_id[quoted["message_id"]]["reply_to_message_id"],
        by_id[quoted["message_id"]]["text"],
    ) == (
        bo["message_id"],
        "who pays them?",
    )
    # Without a quote, an answer to the digest joins the day's thread at the top.
    assert by_id[plain["message_id"]]["reply_to_message_id"] == root


@pytest.mark.slow
async def test_a_reply_quoting_a_curiosity_in_the_digest_hangs_under_it(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.command(group, "Ana", "/curious how do commons govern themselves?")
        curious = next(
            m for m in world.sandbox.messages(group) if "govern" in (m.get("text") or "")
        )
        digest = await evening_digest(world, group)
        answer = await world.say(
            group, "Bo", "by rules they make", reply_to=digest, quote="govern themselves"
        )
        row = await world.archive.run(Store.get_message, group["id"], answer["message_id"])
    assert (row["root_message_id"], row["reply_to_message_id"]) == (root, curious["message_id"])


async def test_a_reply_to_the_welcome_is_kept_or_answered_once_with_how_to_join(world):
    async with world.running():
        group = await world.group_with_passage()
        welcome = world.sent(group)[0]["message"]
        # The next morning, before the passage: there is no thread to join yet.
        world.clock.advance(days=1)
        world.clock.set(world.clock.current.replace(hour=7))
        before = len(world.sent(group))
        early = await world.say(group, "Bo", "hello bot", reply_to=welcome)
        await world.say(group, "Bo", "hello again", reply_to=welcome)
        answers = [s["message"]["text"] for s in world.sent(group)[before:]]
        kept_early = await world.archive.run(Store.get_message, group["id"], early["message_id"])
        world.clock.set(world.clock.current.replace(hour=9, minute=1))
        await world.deliver_due()
        await world.sandbox.wait_for_sent(group, before + 2)
        root = world.sent(group)[-1]["message"]["message_id"]
        later = await world.say(group, "Cy", "thanks for the welcome", reply_to=welcome)
        help_answer = await world.command(group, "Dee", "/help")
        help_message = world.sent(group)[-1]["message"]
        on_help = await world.say(group, "Dee", "nice list", reply_to=help_message)
        rows = await world.archive.read(Store.thread_messages, group["id"], root)
    assert len(answers) == 1 and "reply to it to join in" in answers[0]
    assert kept_early is None
    assert "/curious" in help_answer
    assert [(r["message_id"], r["reply_to_message_id"]) for r in rows] == [
        (later["message_id"], root),
        (on_help["message_id"], root),
    ]


@pytest.mark.slow
async def test_an_answer_to_a_curiosity_nests_under_it_in_the_digest_and_the_thread(world):
    async with world.running():
        group = await world.group_with_passage()
        root = world.passage_post(group)["message"]["message_id"]
        await world.say(group, "Ana", "a plain reply", reply_to=root)
        ask = await world.sandbox.send_message(
            group, world.members["Bo"], "/curious who feeds the cat?"
        )
        await world.settle()
        answer = await world.say(group, "Cy", "whoever notices first", reply_to=ask)
        more = await world.say(group, "Dee", "or a rota", reply_to=answer)
        digest = await world.command(group, "Eli", "/digest")
        shown = await world.command(group, "Ana", "/thread", reply_to=more["message_id"])
    threads, curious = digest.split("Curious today")
    assert "whoever notices first" not in threads and "a plain reply" in threads
    assert [line.rstrip() for line in curious.strip().splitlines()[:3]] == [
        "• Bo: who feeds the cat? ↗",
        "↳ Cy: whoever notices first ↗",
        "   ↳ Dee: or a rota ↗",
    ]
    assert shown.splitlines()[1:] == [
        "↳ Ana: a plain reply ↗",
        "↳ Bo is curious: who feeds the cat? ↗",
        "    ↳ Cy: whoever notices first ↗",
        "        ↳ Dee: or a rota ↗",
    ]
