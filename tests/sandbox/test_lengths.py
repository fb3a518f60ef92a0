"""The sandbox counts a message's length as Telegram does: UTF-16 code units, after the HTML
is parsed, so an emoji-heavy text Telegram refuses is refused here too."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.sandbox import Sandbox

ASTRAL = "𝔸"  # MATHEMATICAL DOUBLE-STRUCK CAPITAL A: one character, two UTF-16 units
EMOJI = "😀"  # two units as well

TEXTS = {
    "4,096 plain": ("x" * 4096, True),
    "4,097 plain": ("x" * 4097, False),
    "2,048 emoji": (EMOJI * 2048, True),
    "2,049 emoji": (EMOJI * 2049, False),
    "2,048 astral": (ASTRAL * 2048, True),
    "2,048 astral and one more unit": (ASTRAL * 2048 + "x", False),
    "2,047 emoji and 2 units": (EMOJI * 2047 + "xy", True),
    "2,047 emoji and 3 units": (EMOJI * 2047 + "xyz", False),
}
CAPTIONS = {
    "1,024 plain": ("c" * 1024, True),
    "1,025 plain": ("c" * 1025, False),
    "512 emoji": (EMOJI * 512, True),
    "513 emoji": (EMOJI * 513, False),
    "511 astral and 2 units": (ASTRAL * 511 + "ab", True),
    "511 astral and 3 units": (ASTRAL * 511 + "abc", False),
}


async def started(sandbox) -> tuple[Sandbox, Bot, int]:
    """A sandbox, a PTB Bot talking to it, and a group the bot is in."""
    sb: Sandbox = await sandbox()
    ada = await sb.create_user("Ada", "ada")
    group = await sb.create_group("Readers", [ada], with_bot=True)
    return sb, Bot(sb.token, base_url=sb.base_url), group["id"]


async def outcome(call) -> str:
    """'sent', or Telegram's words for the refusal."""
    try:
        await call
    except BadRequest as refused:
        return refused.message
    return "sent"


@pytest.mark.parametrize(("text", "fits"), TEXTS.values(), ids=TEXTS.keys())
async def test_a_message_is_measured_in_utf16_units(sandbox, text, fits):
    sb, bot, chat_id = await started(sandbox)
    async with bot:
        result = await outcome(bot.send_message(chat_id, text))
    assert result == ("sent" if fits else "Message is too long")
    assert len(sb.sent_messages(chat_id)) == (1 if fits else 0)


@pytest.mark.parametrize(("caption", "fits"), CAPTIONS.values(), ids=CAPTIONS.keys())
async def test_a_caption_is_measured_in_utf16_units(sandbox, caption, fits):
    _, bot, chat_id = await started(sandbox)
    async with bot:
        result = await outcome(
            bot.send_document(chat_id, b"data", filename="notes.txt", caption=caption)
        )
    assert result == ("sent" if fits else "Message caption is too long")


@pytest.mark.parametrize(
    ("html", "fits"),
    [
        # Tags are not counted, and a character reference is one character.
        (f"<b>{EMOJI * 2048}</b>", True),
        (f"<i>{EMOJI * 2047}</i>&amp;&lt;", True),
        (f"<i>{EMOJI * 2047}</i>&amp;&lt;&gt;", False),
        # Surrounding whitespace is trimmed before the count.
        (f"  \n{ASTRAL * 2048}\n  ", True),
    ],
    ids=["tags-free", "references-one-each", "one-reference-over", "trimmed"],
)
async def test_the_length_is_counted_after_the_html_is_parsed(sandbox, html, fits):
    _, bot, chat_id = await started(sandbox)
    async with bot:
        result = await outcome(bot.send_message(chat_id, html, parse_mode="HTML"))
    assert result == ("sent" if fits else "Message is too long")
