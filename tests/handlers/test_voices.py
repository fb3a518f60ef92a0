"""Voices without words, through the real bot and the sandbox: reactions kept where the day's
talk is and shown in the evening digest, and the day's poll sent once with its passage and
closed by the digest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.archive.store import Store
from tests.harness import START, BotWorld, intercept

EVENING = START.replace(hour=21, minute=0, second=5)


async def evening_digest(world: BotWorld, group: dict[str, Any]) -> str:
    """Move the clock to the evening, let the sweep send the digest, and return its text."""
    before = len(world.sent(group))
    world.clock.set(EVENING)
    await world.deliver_due()
    sent = await world.sandbox.wait_for_sent(group, before + 1)
    return "\n".join(s["message"].get("text") or "" for s in sent[before:])


async def react(world: BotWorld, group: Any, who: str, message_id: int, *emoji: str) -> None:
    await world.sandbox.react(group, world.members[who], message_id, list(emoji))


async def test_reactions_added_changed_and_withdrawn_show_in_the_digest(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        post = world.passage_post(group)["message_id"]
        reply = await world.say(group, "Bo", "Stewardship before ownership.", reply_to=post)
        await world.command(group, "Ana", "/today")
        copy = world.sent(group)[-1]["message_id"]
        await react(world, group, "Cy", post, "👍")
        await react(world, group, "Dee", post, "👍")
        await react(world, group, "Dee", post, "❤")  # changed: the 👍 is replaced
        await react(world, group, "Eli", post, "🔥")
        await react(world, group, "Eli", post)  # withdrawn
        await react(world, group, "Eli", copy, "👍")  # on the /today copy: the same passage
        await react(world, group, "Cy", reply["message_id"], "🔥")
        await world.settle()
        digest = await evening_digest(world, group)
    passage_line = next(line for line in digest.splitlines() if "Today's passage" in line)
    assert passage_line.endswith("· 👍 2 ❤ 1 ↗")
    assert "Bo: Stewardship before ownership. · 🔥 1 ↗" in digest
    # Cy, Dee and Eli reacted and wrote nothing; Bo wrote, so is not listed again.
    assert "Also with us today: Cy, Dee and Eli." in digest


async def test_anonymous_totals_count_once_with_the_named_reactions(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        post = world.passage_post(group)["message_id"]
        await react(world, group, "Cy", post, "👍")
        # Telegram's anonymous totals already hold Cy's 👍: five in all, not six.
        await world.sandbox.count_reactions(group, post, {"👍": 5, "🎉": 2})
        await world.settle()
        digest = await evening_digest(world, group)
    assert "· 👍 5 🎉 2 ↗" in digest


async def test_a_day_with_only_reactions_is_not_a_quiet_day(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        await react(world, group, "Eli", world.passage_post(group)["message_id"], "🤔")
        await world.settle()
        digest = await evening_digest(world, group)
    assert "quiet day" not in digest
    assert "Also with us today: Eli." in digest


async def test_reactions_of_the_opted_out_and_on_chatter_are_not_kept(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        post = world.passage_post(group)["message_id"]
        chatter = await world.say(group, "Ana", "Lunch at noon, anyone?")
        await world.command(group, "Eli", "/optout")
        await react(world, group, "Eli", post, "👍")
        await react(world, group, "Bo", chatter["message_id"], "👍")
        await world.settle()
        export = await world.archive.run(Store.export_chat, group["id"])
        digest = await evening_digest(world, group)
    assert export["reactions"] == []
    assert "a quiet day" in digest


async def test_forget_me_deletes_a_persons_reactions(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        post = world.passage_post(group)["message_id"]
        await react(world, group, "Cy", post, "👍")
        await react(world, group, "Dee", post, "❤")
        await world.settle()
        kept = await world.archive.run(Store.export_chat, group["id"])
        await world.command(group, "Cy", "/forgetme")
        digest = await evening_digest(world, group)
        left = await world.archive.run(Store.export_chat, group["id"])
    assert sorted(r["reaction"] for r in kept["reactions"]) == ["❤", "👍"]
    assert [r["reaction"] for r in left["reactions"]] == ["❤"]
    assert "· ❤ 1 ↗" in digest and "👍" not in digest
    assert "Also with us today: Dee." in digest


async def test_status_and_welcome_say_whether_reactions_are_seen(world: BotWorld) -> None:
    async with world.running():
        admin = await world.group_with_bot("Admins' group")
        plain = await world.group_with_bot("Plain group", admin=False)
        seen = await world.command(admin, "Ana", "/status")
        unseen = await world.command(plain, "Ana", "/status")
        await world.sandbox.react(plain, world.members["Bo"], 1, ["👍"])  # the welcome
        await world.settle()
        kept = await world.archive.run(Store.export_chat, plain["id"])
    assert "Reactions count as taking part" in world.sent_texts(admin)[0]
    assert "Telegram tells only admins about them" in world.sent_texts(plain)[0]
    assert "I see reactions here" in seen
    assert "I cannot see reactions" in unseen
    assert kept["reactions"] == []  # not even sent: the bot is no admin there


# the day's poll


async def group_with_poll(world: BotWorld) -> dict[str, Any]:
    """A group whose admin turned the poll on after today's passage: it starts tomorrow."""
    group = await world.group_with_passage()
    answer = await world.command(group, "Ana", "/setpoll on")
    assert "A poll with each morning passage (/setpoll): on." in answer
    return group


async def next_morning(world: BotWorld) -> None:
    world.clock.set(START.replace(hour=9, minute=0, second=5) + timedelta(days=1))
    await world.deliver_due()


async def test_the_poll_comes_once_with_the_passage_and_the_digest_shows_where_we_stood(
    world: BotWorld,
) -> None:
    async with world.running():
        group = await group_with_poll(world)
        await next_morning(world)
        await world.sandbox.wait_for(lambda: bool(world.sandbox.calls_to("sendPoll")))
        await world.deliver_due()  # a second sweep the same morning sends nothing more
        [poll] = [s for s in world.sent(group) if "poll" in s["message"]]
        passage = world.sent(group)[-2]
        for who, answer in (("Bo", 0), ("Cy", 1), ("Dee", 1), ("Eli", 3)):
            await world.sandbox.vote(group, world.members[who], poll["message_id"], [answer])
        await world.settle()
        world.clock.set(EVENING + timedelta(days=1))
        await world.deliver_due()
        await world.sandbox.wait_for(lambda: bool(world.sandbox.calls_to("stopPoll")))
        digest = world.sent_texts(group)[-1]
    assert poll["message"]["poll"]["question"] == "Where do you stand today?"
    assert poll["message"]["poll"]["is_anonymous"] is True
    assert poll["reply_parameters"]["message_id"] == passage["message_id"]
    assert (
        "Where we stood: with the passage 1 · with the counterpoint 2 · between 0 · not sure 1"
        in digest
    )
    assert len(world.sandbox.calls_to("sendPoll")) == 1


async def test_setpoll_is_for_admins(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        answer = await world.command(group, "Bo", "/setpoll on")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert answer == "Sorry, only this chat's admins can change that."
    assert chat is not None and chat["poll"] is False


async def test_a_stop_before_the_poll_went_out_sends_it_once_at_the_next_start(
    world: BotWorld,
) -> None:
    async with world.running():
        group = await group_with_poll(world)

        def stops_before_sending(call: Any) -> Any:
            async def nothing(*args: Any, **kwargs: Any) -> bool:
                return False  # the process ended here: the poll is due, and was not taken

            return nothing

        intercept(world.archive, Store.take_poll, stops_before_sending)
        await next_morning(world)
    assert world.sandbox.calls_to("sendPoll") == []
    for _ in range(2):  # two starts: the first sends it, the second has nothing to send
        async with world.running():
            await world.deliver_due()
    assert len(world.sandbox.calls_to("sendPoll")) == 1
    assert len([s for s in world.sent(group) if "poll" in s["message"]]) == 1


async def test_a_stop_while_the_poll_went_out_never_sends_a_second(world: BotWorld) -> None:
    async with world.running():
        group = await group_with_poll(world)

        def lost_on_the_way(call: Any) -> Any:
            async def nothing(*args: Any, **kwargs: Any) -> None:
                return None  # Telegram has the poll; the process ended before recording it

            return nothing

        intercept(world.archive, Store.record_poll_sent, lost_on_the_way)
        await next_morning(world)
        await world.sandbox.wait_for(lambda: bool(world.sandbox.calls_to("sendPoll")))
    async with world.running():
        await world.deliver_due()
        world.clock.set(EVENING + timedelta(days=1))
        await world.deliver_due()
        digest = world.sent_texts(group)[-1]
    assert len(world.sandbox.calls_to("sendPoll")) == 1
    # Its totals never reached the archive: the day's digest has no poll to show.
    assert "a quiet day" in digest and "Where we stood" not in digest


async def test_a_poll_that_cannot_be_stopped_shows_its_last_totals(world: BotWorld) -> None:
    async with world.running():
        group = await group_with_poll(world)
        await next_morning(world)
        await world.sandbox.wait_for(lambda: bool(world.sandbox.calls_to("sendPoll")))
        [poll] = [s for s in world.sent(group) if "poll" in s["message"]]
        await world.sandbox.vote(group, world.members["Bo"], poll["message_id"], [2])
        await world.settle()
        # Deleted by an admin: Telegram has no poll there to stop any more.
        del world.sandbox.world.chats[group["id"]].messages[poll["message_id"]]
        world.clock.set(EVENING + timedelta(days=1))
        await world.deliver_due()
        await world.sandbox.wait_for(lambda: bool(world.sandbox.calls_to("stopPoll")))
        digest = world.sent_texts(group)[-1]
    assert "Where we stood: with the passage 0 · with the counterpoint 0 · between 1" in digest
