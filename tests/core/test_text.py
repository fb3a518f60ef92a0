"""Telegram's text rules: short echoes of a person's text, and fitting HTML by Telegram's count."""

from __future__ import annotations

import html
import random

import pytest

from bot.core.text import (
    escape,
    excerpt,
    fit_html,
    fit_lines,
    one_line,
    trim,
    units,
    visible_units,
)
from tests.telegram_html import telegram_problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlinn", "Europe/Berlinn"),
        ("  two\nlines\tand  spaces ", "two lines and spaces"),
        ("evil\u202eoff\u2066x\u2069", "eviloffx"),
        ("a" * 5000, "a" * 39 + "…"),
        ("word " * 20, "word word word word word word word…"),
    ],
    ids=["short", "whitespace", "direction-controls", "huge", "words"],
)
def test_an_excerpt_is_one_short_line(text, expected):
    assert excerpt(text) == expected


@pytest.mark.parametrize(
    ("html", "units_expected"),
    [("<b>a</b> &lt;b&gt;", 5), ('<a href="https://x.y/?a=1&amp;b=2">link</a>', 4), ("😀", 2)],
)
def test_visible_units_count_text_after_tags_and_references(html, units_expected):
    assert visible_units(html) == units_expected


def test_fitting_cuts_between_tags_and_closes_what_is_open():
    html = "<b>Found for</b> <i>" + "&lt;x&gt; " * 1000 + "</i>:"
    fitted = fit_html(html, limit=100)
    assert visible_units(fitted) == 100
    assert fitted.endswith("…</i>")
    assert telegram_problems(fitted) == []


def test_fitting_leaves_a_message_that_fits_alone():
    html = "<b>short</b> &amp; sweet"
    assert fit_html(html) == html


def test_emoji_are_counted_as_telegram_counts_them():
    fitted = fit_html("<i>" + "😀" * 3000 + "</i>")
    assert (visible_units(fitted), units("😀" * 2047 + "…")) == (4095, 4095)
    assert telegram_problems(fitted) == []


def test_a_first_line_too_long_for_fit_lines_is_cut_inside_it():
    fitted = fit_lines("<b>" + "x" * 5000 + "</b>\nsecond", note="\nmore")
    assert (visible_units(fitted), telegram_problems(fitted)) == (4096, [])


def test_random_balanced_html_always_fits_and_parses():
    rng = random.Random(7)
    pieces = ["<b>", "</b>", "<i>", "</i>", "&amp;", "&lt;", "é", "😀", "x", " ", "\n"]
    for _ in range(200):
        stack, out = [], []
        for _ in range(rng.randrange(1, 400)):
            piece = rng.choice(pieces)
            if piece in ("<b>", "<i>"):
                stack.append(piece[1])
            elif piece.startswith("</"):
                if not stack or stack[-1] != piece[2]:
                    continue
                stack.pop()
            out.append(piece)
        html = "".join(out) + "".join(f"</{t}>" for t in reversed(stack))
        limit = rng.randrange(10, 300)
        fitted = fit_html(html, limit=limit)
        assert visible_units(fitted) <= limit
        assert telegram_problems(fitted) == []


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abcde", 5, "abcde"),  # exactly at the limit: whole
        ("abc", 0, "…"),  # no room: the ellipsis alone
        ("abcdef ghijkl", 10, "abcdef…"),  # the last space keeps two thirds: cut there
        ("abcdef ghijklmno", 11, "abcdef…"),
        ("abcde fghijklmno", 11, "abcde fghi…"),  # a space too early: cut mid-word
        ("ab cdefghijklmno", 11, "ab cdefghi…"),
    ],
)
def test_trim_backs_up_to_a_space_only_when_that_keeps_most_of_the_text(
    text: str, limit: int, expected: str
) -> None:
    assert trim(text, limit) == expected


def test_every_whitespace_character_but_the_space_is_unprintable():
    # What one_line's quick check relies on, for every character there is.
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]


@pytest.mark.parametrize("seed", range(3))
def test_one_line_joins_whitespace_as_splitting_and_joining_does(seed):
    rng = random.Random(seed)
    pieces = ["a", "Ана", "x<y", "🌱", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "\x1c", "\u200b"]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert one_line(text) == " ".join(text.split())


def test_escape_is_html_escape_without_quotes():
    text = '<a href="x">Ana & Bo\'s</a> &amp; >'
    assert escape(text) == html.escape(text, quote=False)


def test_fit_lines_keeps_whole_lines_counting_their_line_breaks_and_the_note():
    four = "aaaa\nbbbb\ncccc\ndddd"  # 19 units, line breaks included
    assert fit_lines(four, limit=19, note="!!!") == four
    assert fit_lines("aaaa\nbbbb", limit=9, note="!!!") == "aaaa\nbbbb"
    # 12 units: two lines (9 with their break) and the note fill it exactly.
    assert fit_lines(four, limit=12, note="!!!") == "aaaa\nbbbb!!!"
    assert fit_lines(four, limit=11, note="!!!") == "aaaa!!!"
    # Three lines would need 14 units with their breaks: 13 is not enough.
    assert fit_lines(four, limit=16, note="!!!") == "aaaa\nbbbb!!!"
    assert fit_lines(four, limit=17, note="!!!") == "aaaa\nbbbb\ncccc!!!"
    assert fit_lines(four, limit=10) == "aaaa\nbbbb"
    cut = fit_lines("aaaaaaaaaaaa\nb", limit=5, note="!")
    assert units(cut) <= 5 and cut.startswith("aaaa")
