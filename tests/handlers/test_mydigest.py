"""/mydigest end to end: the real bot sends a person's digest in private, once, at their time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.archive.store import Store
from bot.i18n import translator
from bot.sandbox import Limits
from tests.harness import BotWorld, make_world
from tests.telegram_html import telegram_problems

NAMES = ("Ana", "Bo", "Cy")


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, NAMES)


async def join_group(world: BotWorld) -> tuple[dict[str, Any], int]:
    """A supergroup of everyone with the bot; return it and its first passage's message id."""
    group = await world.group_with_passage()
    return group, world.passage_post(group)["message"]["message_id"]


async def deliver_at(world: BotWorld, when: datetime) -> list[str]:
    world.clock.set(when)
    return await world.deliver_due()


def tries_to_write_to(world: BotWorld, user_id: int) -> int:
    calls = world.sandbox.calls_to("sendMessage")
    return sum(1 for call in calls if call["params"].get("chat_id") == user_id)


@pytest.mark.slow
async def test_a_personal_digest_arrives_once_at_the_persons_local_time(world):
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    async with world.running():
        group, root = await join_group(world)  # Tuesday 5 March, 10:00 UTC
        answer = await world.command(group, "Ana", "/mydigest 07:30 America/Sao_Paulo")
        await world.say(group, "Bo", "Bo on the passage", reply_to=root)
        # 07:30 in São Paulo (10:30 UTC) today: the group's latest evening had no talk.
        await deliver_at(world, datetime(2030, 3, 5, 10, 31, tzinfo=UTC))
        quiet = world.sent_texts(ana)
        await deliver_at(world, datetime(2030, 3, 6, 10, 29, tzinfo=UTC))
        early = world.sent_texts(ana)
        outcomes = await deliver_at(world, datetime(2030, 3, 6, 10, 30, tzinfo=UTC))
        arrived = world.sent(ana)
        await deliver_at(world, datetime(2030, 3, 6, 10, 45, tzinfo=UTC))
    async with world.running():  # a restart finds the claim and sends nothing again
        await deliver_at(world, datetime(2030, 3, 6, 10, 50, tzinfo=UTC))
    assert answer == (
        "Done, Ana: I will send you this group's evening digest in our private chat every day "
        "at 07:30 (America/Sao_Paulo). /mydigest off stops it."
    )
    assert (
        quiet
        == early
        == [
            "Hello! Every day at 07:30 (America/Sao_Paulo) I will send you the evening digest of "
            "Readers here. Change the time with /mydigest HH:MM Area/City; /mydigest off stops it."
        ]
    )
    assert outcomes.count("sent") == 1
    intro, *digest = arrived[1:]
    assert intro["message"]["text"] == "Your evening digest from Readers, Tuesday 5 March:"
    assert "Evening digest · Tuesday 5 March" in digest[0]["message"]["text"]
    assert "Bo on the passage" in digest[0]["message"]["text"]
    assert all(telegram_problems(m["params"]["text"]) == [] for m in arrived)
    assert len(world.sent(ana)) == len(arrived)  # once: no second copy after the restart


@pytest.mark.slow
async def test_a_refused_private_chat_gets_a_start_hint_and_no_tries_until_start(world):
    cy = world.members["Cy"]["id"]
    async with world.running():
        group, root = await join_group(world)
        answer = await world.command(group, "Cy", "/mydigest on")
        username = world.app.bot.username
        await world.say(group, "Bo", "Bo on the passage", reply_to=root)
        refused = tries_to_write_to(world, cy)
        # The group's own evening time (21:00 UTC) is Cy's: no try while refused.
        await deliver_at(world, datetime(2030, 3, 5, 21, 1, tzinfo=UTC))
        while_refused = tries_to_write_to(world, cy)
        private = await world.sandbox.create_private_chat(world.members["Cy"])
        start = await world.command(private, "Cy", "/start")
        outcomes = await deliver_at(world, datetime(2030, 3, 5, 21, 2, tzinfo=UTC))
        texts = world.sent_texts(private)
    assert answer == (
        f"Cy, Telegram lets me write to you only after you have started a private chat with me. "
        f"Open https://t.me/{username} and press Start: your digest begins then. Until you do, "
        "I will not try again."
    )
    assert (refused, while_refused) == (1, 1)
    assert start.endswith("Your personal digest comes here every day at 21:00 (UTC).")
    # The private chat is Cy's own: no passage of its own unless asked, only the digest.
    assert outcomes == ["sent"]
    intro = texts.index("Your evening digest from Readers, Tuesday 5 March:")
    assert texts[intro - 1] == start
    assert "Bo on the passage" in texts[intro + 1]


@pytest.mark.slow
async def test_mydigest_off_and_bad_arguments(world):
    async with world.running():
        group, _ = await join_group(world)
        await world.sandbox.create_private_chat(world.members["Ana"])
        bad = await world.command(group, "Ana", "/mydigest 25:00")
        await world.command(group, "Ana", "/mydigest on")
        shown = await world.command(group, "Ana", "/mydigest")
        off = await world.command(group, "Ana", "/mydigest off")
        again = await world.command(group, "Ana", "/mydigest off")
    assert bad.startswith("invalid time '25:00': hours go from 00 to 23")
    assert "/mydigest 07:30 Europe/Lisbon" in bad
    assert shown == "Your private digest of Readers comes every day at 21:00 (UTC)."
    assert (off, again) == (
        "Done: no more private digests of this group.",
        "You had no private digest of this group.",
    )


async def test_someone_who_left_the_group_gets_no_more_of_its_talk(world):
    ana = await world.sandbox.create_private_chat(world.members["Ana"])
    async with world.running():
        group, root = await join_group(world)
        await world.command(group, "Ana", "/mydigest on")
        await world.say(group, "Bo", "Bo on the passage", reply_to=root)
        # Ana leaves (the sandbox has no leave call; Telegram would report her as 'left').
        world.sandbox.world.chats[group["id"]].members[world.members["Ana"]["id"]] = "left"
        outcomes = await deliver_at(world, datetime(2030, 3, 5, 21, 1, tzinfo=UTC))
        kept = await world.archive.run(Store.get_personal_digest, world.members["Ana"]["id"])
    assert sorted(outcomes) == ["sent", "skipped"]  # the group's digest; nothing for Ana
    assert len(world.sent(ana)) == 1  # the welcome only
    assert kept is None


async def test_a_madrid_digest_comes_at_19_utc_in_december_all_in_the_persons_spanish(world):
    sofia = await world.sandbox.create_user("Sofía", "sofia", language_code="es")
    world.members["Sofía"] = sofia
    private = await world.sandbox.create_private_chat(sofia)
    world.clock.set(datetime(2030, 12, 9, 10, 0, tzinfo=UTC))  # a Monday, Madrid at UTC+1
    async with world.running():
        group, root = await join_group(world)  # Ana adds the bot: the group speaks English
        answer = await world.command(group, "Sofía", "/mydigest 20:00 Europe/Madrid")
        await world.say(group, "Bo", "Bo on the passage", reply_to=root)
        await deliver_at(world, datetime(2030, 12, 10, 18, 59, tzinfo=UTC))
        early = world.sent_texts(private)
        outcomes = await deliver_at(world, datetime(2030, 12, 10, 19, 0, tzinfo=UTC))
        arrived = world.sent(private)[len(early) :]
    es = translator("es")
    day = es.long_date(date(2030, 12, 9))
    assert answer.startswith("Done, Sofía: I will send you this group's evening digest")
    assert early == [
        "¡Hola! Cada día a las 20:00 (Europe/Madrid) te enviaré aquí el resumen de la tarde de "
        "Readers. Cambia la hora con /mydigest HH:MM Área/Ciudad; /mydigest desactivar lo detiene."
    ]
    assert "sent" in outcomes
    intro, *digest = arrived
    assert datetime.fromtimestamp(intro["message"]["date"], UTC).hour == 19
    assert intro["message"]["text"] == f"Tu resumen de la tarde de Readers, {day}:"
    assert es._("Evening digest · {day}", day=day) in digest[0]["message"]["text"]
    assert "Bo on the passage" in digest[0]["message"]["text"]
    assert not any("Evening digest" in m["message"]["text"] for m in arrived)


async def test_a_refused_person_is_hinted_once_and_never_tried_until_they_start(world):
    cy = world.members["Cy"]["id"]
    # Pacing is not what is tried here: a group's posts of four days would wait out flood control.
    world.sandbox.set_limits(Limits.off())
    async with world.running():
        group, _ = await join_group(world)  # Tuesday 5 March, 10:00 UTC
        await world.command(group, "Cy", "/mydigest on")
        tries = [await a_talkative_evening(world, group, 5)]
        for day in (6, 7, 8):
            await deliver_at(world, datetime(2030, 3, day, 10, 0, tzinfo=UTC))
            tries.append(await a_talkative_evening(world, group, day))
        private = await world.sandbox.create_private_chat(world.members["Cy"])
        start = await world.command(private, "Cy", "/start")
        await deliver_at(world, datetime(2030, 3, 9, 10, 0, tzinfo=UTC))
        tries.append(await a_talkative_evening(world, group, 9))
    per_day = [after - before for before, after in zip([0, *tries[:-1]], tries, strict=True)]
    hints = [text for text in world.sent_texts(group) if "press Start" in text]
    # The refused hello on the first day, then nothing for three days; on the fifth, the
    # answer to /start, and in the evening the digest: its intro and one message.
    assert per_day == [1, 0, 0, 0, 3]
    assert tries[-1] == tries_to_write_to(world, cy)
    assert len(hints) == 1
    assert world.sent_texts(private)[:2] == [
        start,
        "Your evening digest from Readers, Saturday 9 March:",
    ]


async def a_talkative_evening(world: BotWorld, group: dict[str, Any], day: int) -> int:
    """Bo answers the day's passage, the evening comes; return how often the bot tried Cy."""
    iso = date(2030, 3, day).isoformat()
    post = await world.archive.run(Store.get_post, group["id"], iso, "passage")
    await world.say(group, "Bo", f"Bo on the {day}th", reply_to=post["message_id"])
    await deliver_at(world, datetime(2030, 3, day, 21, 1, tzinfo=UTC))
    return tries_to_write_to(world, world.members["Cy"]["id"])
