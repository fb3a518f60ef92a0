"""Command replies fit Telegram by its own count (UTF-16 units) and never cut inside a tag."""

from __future__ import annotations

import pytest

from bot.compose.help import COMMANDS, render_help, render_private_help
from bot.compose.views import render_curiosity_list, render_search, render_thread
from bot.core.text import units
from bot.i18n import translator
from tests.telegram_html import telegram_problems

EN = translator("en")

CHAT = {"id": -1001234567890, "type": "supergroup", "username": None}
EMOJI_TEXT = "<commons> & " + "🌱" * 200  # 2 UTF-16 units per emoji, markup to escape


def hit(n: int) -> dict[str, object]:
    return {
        "kind": "message",
        "chat_id": CHAT["id"],
        "message_id": 100 + n,
        "author": f"<Ana {n}>",
        "opted_out": False,
        "text": EMOJI_TEXT,
        "date": 1_710_000_000 + n,
        "local_date": None,
    }


def test_search_results_past_the_limit_are_cut_between_lines_by_utf16_units() -> None:
    text = render_search(EN, CHAT, "🌱 commons", [hit(n) for n in range(30)])
    assert (telegram_problems(text), units(text) <= 4096) == ([], True)
    assert text.endswith("… (more in the digest)")
    assert "&lt;Ana 0&gt;" in text and "&lt;Ana 29&gt;" not in text


def test_a_long_thread_and_a_long_curiosity_list_fit_too() -> None:
    rows = [
        {**hit(n), "root_message_id": 1, "reply_to_message_id": 1, "kind": "text"}
        for n in range(40)
    ]
    curiosities = [{"author": "Bo", "opted_out": False, "text": EMOJI_TEXT}] * 60
    for text in (render_thread(EN, CHAT, rows), render_curiosity_list(EN, curiosities)):
        assert (telegram_problems(text), units(text) <= 4096) == ([], True)


@pytest.mark.parametrize("private", [False, True], ids=["group", "private"])
def test_help_lists_every_command_of_the_menu_in_its_order(private: bool) -> None:
    text = render_private_help(EN) if private else render_help(EN)
    listed = [c.name for c in COMMANDS if c.in_help and c.fits(private)]
    positions = [text.index(f"/{name}") for name in listed]
    assert (positions == sorted(positions), telegram_problems(text)) == (True, [])


def test_each_line_of_a_thread_links_to_its_message() -> None:
    rows = [
        {**hit(1), "root_message_id": 1, "reply_to_message_id": 1, "kind": "text", "text": "a"},
        {**hit(2), "root_message_id": 1, "reply_to_message_id": 101, "kind": "text", "text": "b"},
    ]
    link = "https://t.me/c/1234567890"
    assert render_thread(EN, CHAT, rows).split("\n")[1:] == [
        f'↳ <b>&lt;Ana 1&gt;</b>: a <a href="{link}/101">↗</a>',
        f'    ↳ <b>&lt;Ana 2&gt;</b>: b <a href="{link}/102">↗</a>',
    ]
