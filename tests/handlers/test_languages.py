"""The bot in the chat's language, end to end: the real Application against the sandbox.

An admin's /setlang turns every answer, the morning post's framing, the digests (headings and
dates) and every error into the chat's language; the person who adds the bot sets its first
language; each message stays valid Telegram HTML within 4096 characters in every language.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.archive.store import Store
from bot.compose import help
from bot.compose.passage import COUNTERPOINT_LABEL, INVITATION
from bot.handlers.app import polite_rate_limiter
from bot.i18n import LANGUAGES, Translator, translator
from bot.sandbox.rules import Limits
from tests.harness import BotWorld, make_world
from tests.telegram_html import telegram_problems

NAMES = ("Ana", "Bo", "Cy")
OTHER_LANGUAGES = sorted(LANGUAGES.keys() - {"en"})
TUESDAY = date(2030, 3, 5)  # the harness's first day
# English that a translated chat must never read (each is translated in every catalog).
ENGLISH = (
    "Reply to this message",
    "Evening digest",
    "Weekly digest",
    "Time zone:",
    "Usage:",
    "Sorry, only",
    "Counterpoint",
    "Curious today",
    "invalid time",
    "missing timezone",
    "did you mean",
    "Tuesday",
)


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    # Flood control is tested elsewhere; here each language has many answers to give at once.
    world = await make_world(sandbox, tmp_path, NAMES)
    world.sandbox.set_limits(Limits(enabled=False))
    world.rate_limiter = polite_rate_limiter(per_group_per_minute=0, per_chat_per_second=0)
    return world


async def join(world: BotWorld) -> dict:
    """A supergroup of everyone, the bot added by Ana (an admin, in English)."""
    return await world.group_with_bot()


def html_since(world: BotWorld, group: dict, start: int) -> list[str]:
    return [s["params"].get("text") or "" for s in world.sent(group)[start:]]


@pytest.mark.slow
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
async def test_setlang_turns_every_message_into_the_chats_language(world, language):
    t = translator(language)
    async with world.running():
        group = await join(world)
        confirmation = await world.command(group, "Ana", f"/setlang {language}")
        start = len(world.sent(group))
        await world.deliver_due()  # joined after 09:00 local: today's passage goes out now
        post = (await world.sandbox.wait_for_sent(group, start + 1))[start]
        answers = {
            command: await world.command(group, who, command)
            for who, command in [
                ("Ana", "/help"),
                ("Ana", "/status"),
                ("Ana", "/settime 25:00"),
                ("Ana", "/settz"),
                ("Ana", "/settz Berlinn"),
                ("Bo", "/pause"),
                ("Bo", "/search"),
                ("Bo", "/thread"),
                ("Bo", "/curious"),
                ("Bo", "/curious what do commons cost?"),
                ("Cy", "/curious what do commons cost, really?"),
                ("Cy", "/curiosities"),
                ("Cy", "/today"),
                ("Cy", "/privacy"),
                ("Cy", "/mydigest"),
                ("Cy", "/setlang"),
                ("Ana", "/setlang xx"),
                ("Ana", "/topic"),
                ("Ana", "/purge"),
            ]
        }
        reply = await world.say(group, "Ana", "It starts with giving.", reply_to=post["message"])
        await world.say(group, "Bo", "Or with taking care.", reply_to=post["message"])
        for who, command in [("Cy", "/digest"), ("Cy", "/week"), ("Cy", "/search giving")]:
            answers[command] = await world.command(group, who, command)
        answers["/thread"] = await world.command(group, "Cy", "/thread", reply_to=reply)
        answers["/skip"] = await world.command(group, "Ana", "/skip")
        world.clock.set(world.clock.current.replace(hour=21, minute=1))
        await world.deliver_due()
        world.clock.set(world.clock.current.replace(day=10, hour=18, minute=1))  # Sunday
        await world.deliver_due()
        await world.sandbox.wait_until_consumed(timeout=5)
        sent = html_since(world, group, start)
    assert confirmation == t._(
        "From now on I speak {language} here.", language=LANGUAGES[language]
    )
    assert post["params"]["text"].startswith(f"<b>Commons, {t.long_date(TUESDAY)}</b>")
    assert t._(COUNTERPOINT_LABEL) in post["params"]["text"]
    assert post["params"]["text"].endswith(t._(INVITATION))
    assert answers["/help"].startswith(plain(t._(help.INTRO)))
    assert (
        plain(t._("Language: <b>{language}</b> (/setlang)", language=t.language_name))
        in (answers["/status"])
    )
    assert answers["/settime 25:00"].startswith(
        t._(
            "invalid time '{text}': hours go from 00 to 23; use 24-hour HH:MM, for example "
            "09:00 or 21:30",
            text="25:00",
        )
    )
    assert answers["/pause"] == t._("Sorry, only this chat's admins can change that.")
    assert answers["/curious what do commons cost?"] == t._("Noted for tonight's digest. 🌱")
    assert answers["/thread"].startswith(t._("The thread"))
    assert answers["/setlang xx"].startswith(t._("I do not speak “{code}”.", code="xx"))
    assert headings(t) <= {line for text in sent for line in text.split("\n")}
    assert [text for text in sent if telegram_problems(text)] == []
    assert [(e, text) for text in sent for e in ENGLISH if e in text] == []


def plain(html: str) -> str:
    """Return the text Telegram shows for a message made of these few tags."""
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        html = html.replace(tag, "")
    return html


def headings(t: Translator) -> set[str]:
    """Return the first lines of the evening digest and of the weekly one, dated in t's locale."""
    sunday = TUESDAY + timedelta(days=5)
    period = t.span(sunday - timedelta(days=6), sunday)
    return {
        f"<b>{t._('Evening digest · {day}', day=t.long_date(TUESDAY))}</b>",
        f"<b>{t._('Weekly digest · {period}', period=period)}</b>",
    }


async def test_a_wrong_language_is_answered_with_the_list_of_languages(world):
    async with world.running():
        group = await join(world)
        answer = await world.command(group, "Ana", "/setlang klingon")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert answer.startswith("I do not speak “klingon”.")
    assert all(f"{code} ({name})" in answer for code, name in LANGUAGES.items())
    assert chat["language"] == "en"


async def test_the_person_who_adds_the_bot_sets_its_first_language(world):
    anna = await world.sandbox.create_user("Anna", "anna", language_code="de-AT")
    async with world.running():
        group = await world.sandbox.create_supergroup("Leser", [anna, world.members["Bo"]])
        await world.sandbox.add_bot(group, by=anna, admin=True)
        [welcome] = await world.sandbox.wait_for_sent(group, 1)
        status = await world.command(group, "Bo", "/status")
    assert welcome["params"]["text"].startswith("Hallo! Ich bin <b>Commons Bot</b>.")
    assert "am Sonntag eine für die Woche" in welcome["params"]["text"]
    assert "Sprache: Deutsch (/setlang)" in status


async def test_a_private_chat_speaks_the_persons_language(world):
    olga = await world.sandbox.create_user("Olga", "olga", language_code="ru")
    private = await world.sandbox.create_private_chat(olga)
    async with world.running():
        await world.sandbox.send_message(private, olga, "/help")
        [answer] = await world.sandbox.wait_for_sent(private, 1)
    assert answer["params"]["text"].startswith(translator("ru")._(help.PRIVATE_INTRO))


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
async def test_the_welcome_speaks_the_language_of_whoever_adds_the_bot(world, language):
    adder = await world.sandbox.create_user("Ada", "ada", language_code=language)
    async with world.running():
        group = await world.sandbox.create_supergroup("Readers", [adder, world.members["Bo"]])
        await world.sandbox.add_bot(group, by=adder, admin=False)  # with the privacy warning
        [welcome] = await world.sandbox.wait_for_sent(group, 1)
    text = welcome["params"]["text"]
    t = translator(language)
    assert text.endswith(t._(help.PRIVACY_WARNING))
    assert t.weekday(6) in text
    assert telegram_problems(text) == []
