"""The morning post: layout, escaping once, and Telegram's 4096-character limit."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest

from bot.compose.passage import (
    COUNTERPOINT_LABEL,
    INVITATION,
    MAX_MESSAGE_UNITS,
    MAX_RECALL_UNITS,
    Recall,
    render_passage_post,
    render_passage_reminder,
)
from bot.core.corpus import Entry, load_corpus
from bot.core.text import units as telegram_length
from bot.i18n import translator
from tests.telegram_html import telegram_problems, text_by_tag

EN = translator("en")

HOSTILE = "<b>&amp;</script>"
DAY = date(2026, 11, 24)  # a Tuesday
# Tags (and their attributes) that Telegram's HTML parse mode accepts.


def make_entry(**overrides: Any) -> Entry:
    """Return a corpus entry with short defaults, overridden by keyword."""
    fields = {
        "id": "ch1-01",
        "chapter": "ch1 intro",
        "passage": "P2P is a type of social relations in human networks.",
        "counterpoint": "need to also/first free people",
        "line": 10,
    }
    return Entry(**(fields | overrides))


class Parsed:
    """A post as Telegram shows it: its text grouped by the innermost tag around it."""

    def __init__(self, post: str) -> None:
        self.text = text_by_tag(post)


def parse(post: str) -> Parsed:
    """Return the parsed post, failing on anything Telegram would refuse."""
    return Parsed(post)


def test_short_entry_renders_the_whole_layout() -> None:
    post = render_passage_post(EN, make_entry(), local_date=DAY)
    assert post == (
        "<b>Commons, Tuesday 24 November</b> · ch1 intro\n"
        "<blockquote>P2P is a type of social relations in human networks.</blockquote>\n"
        "\n"
        "<b>Counterpoint</b>, written in the margin by a reader:\n"
        "<i>need to also/first free people</i>\n"
        "\n"
        "Reply to this message to join the conversation. "
        "Curious about something today? Send /curious and what you wonder about."
    )


@pytest.mark.parametrize(
    ("day", "header"),
    [
        (date(2026, 11, 24), "<b>Commons, Tuesday 24 November</b> · ch1 intro"),
        (date(2026, 1, 1), "<b>Commons, Thursday 1 January</b> · ch1 intro"),
        (date(2026, 3, 29), "<b>Commons, Sunday 29 March</b> · ch1 intro"),
    ],
)
def test_header_names_the_local_day_and_chapter(day: date, header: str) -> None:
    post = render_passage_post(EN, make_entry(), local_date=day)
    assert post.split("\n")[0] == header


def test_an_entry_without_a_counterpoint_gets_no_empty_label() -> None:
    post = render_passage_post(EN, make_entry(counterpoint="  "), local_date=DAY)
    assert post == (
        "<b>Commons, Tuesday 24 November</b> · ch1 intro\n"
        "<blockquote>P2P is a type of social relations in human networks.</blockquote>\n"
        "\n"
        f"{INVITATION}"
    )


@pytest.mark.parametrize("field", ["chapter", "passage", "counterpoint"])
def test_hostile_text_is_escaped_exactly_once(field: str) -> None:
    post = render_passage_post(EN, make_entry(**{field: HOSTILE}), local_date=DAY)
    assert "&lt;b&gt;&amp;amp;&lt;/script&gt;" in post
    assert HOSTILE not in post
    assert "&amp;amp;amp;" not in post
    parsed = parse(post)
    shown = {"chapter": parsed.text[""], "passage": parsed.text["blockquote"]}
    shown["counterpoint"] = parsed.text["i"]
    assert HOSTILE in shown[field]


@pytest.mark.parametrize(
    ("length", "tag"),
    [(200, "blockquote"), (700, "blockquote"), (701, "blockquote expandable")],
)
def test_a_long_passage_folds_into_an_expandable_quote(length: int, tag: str) -> None:
    passage = ("commons " * length)[: length - 1] + "."
    post = render_passage_post(EN, make_entry(passage=passage), local_date=DAY)
    assert f"<{tag}>{passage}</blockquote>" in post
    assert parse(post).text["blockquote"] == passage


def paragraphs(count: int, words: int) -> str:
    """Return count paragraphs of numbered words, separated by blank lines."""
    return "\n\n".join(" ".join(f"p{p}w{w}" for w in range(words)) for p in range(count))


@pytest.mark.parametrize(
    "passage",
    [
        paragraphs(100, 15),  # about 10,000 characters in paragraphs
        " ".join(f"word{i}" for i in range(1700)),  # one 10,000-character paragraph
        "x" * 10_000,  # no break at all
        "&<>" * 3_400,  # escaping makes each character four or five
        "🌱 " * 5_000,  # each emoji is two UTF-16 units for Telegram
    ],
    ids=["paragraphs", "words", "unbroken", "escapes", "emoji"],
)
def test_an_overlong_passage_is_trimmed_under_the_limit(passage: str) -> None:
    counterpoint = "perhaps ..production ness and property ness.. as cancerous.."
    post = render_passage_post(
        EN, make_entry(passage=passage, counterpoint=counterpoint), local_date=DAY
    )
    assert telegram_length(post) <= MAX_MESSAGE_UNITS
    assert len(post) <= MAX_MESSAGE_UNITS
    assert "<blockquote expandable>" in post
    parsed = parse(post)
    shown = parsed.text["blockquote"]
    assert shown.endswith(" …")
    assert passage.startswith(shown.removesuffix(" …"))
    # Trimmed, not emptied: the kept text still fills most of the message.
    assert telegram_length(html.escape(shown, quote=False)) > 3_000
    assert parsed.text["i"] == counterpoint
    assert post.endswith(INVITATION)


def test_a_trimmed_passage_ends_on_a_whole_paragraph() -> None:
    passage = paragraphs(100, 15)
    post = render_passage_post(EN, make_entry(passage=passage), local_date=DAY)
    kept = parse(post).text["blockquote"].removesuffix(" …")
    assert passage[len(kept) :].startswith("\n\n")
    assert kept.endswith("w14")


def test_a_trimmed_paragraph_ends_on_a_whole_word() -> None:
    passage = " ".join(f"word{i}" for i in range(1700))
    post = render_passage_post(EN, make_entry(passage=passage), local_date=DAY)
    kept = parse(post).text["blockquote"].removesuffix(" …")
    assert passage[len(kept)] == " "


def test_a_huge_counterpoint_leaves_the_passage_most_of_the_room() -> None:
    passage, counterpoint = paragraphs(100, 15), paragraphs(100, 15).upper()
    post = render_passage_post(
        EN, make_entry(passage=passage, counterpoint=counterpoint), local_date=DAY
    )
    assert telegram_length(post) <= MAX_MESSAGE_UNITS
    parsed = parse(post)
    assert len(parsed.text["blockquote"]) >= 2 * len(parsed.text["i"])
    assert parsed.text["i"].endswith(" …")
    assert COUNTERPOINT_LABEL in post


def test_a_long_counterpoint_is_kept_whole_when_the_passage_can_give_way() -> None:
    counterpoint = " ".join(["first begs we have a system/infra"] * 30)  # about 1,000 chars
    post = render_passage_post(
        EN, make_entry(passage=paragraphs(100, 15), counterpoint=counterpoint), local_date=DAY
    )
    assert telegram_length(post) <= MAX_MESSAGE_UNITS
    assert parse(post).text["i"] == counterpoint


def test_an_overlong_chapter_cannot_push_the_post_over_the_limit() -> None:
    post = render_passage_post(
        EN, make_entry(chapter="c" * 5_000, passage=paragraphs(100, 15)), local_date=DAY
    )
    assert telegram_length(post) <= MAX_MESSAGE_UNITS


def test_reminder_is_short_and_escaped_once() -> None:
    entry = make_entry(passage=HOSTILE + " " + paragraphs(10, 15))
    reminder = render_passage_reminder(EN, entry, DAY)
    assert reminder.startswith(
        "<b>Commons, Tuesday 24 November</b> · ch1 intro\n<blockquote>&lt;b&gt;&amp;amp;"
    )
    assert telegram_length(reminder) < 400
    assert parse(reminder).text["blockquote"].endswith(" …")


def real_corpus() -> list[Entry]:
    """Return the bundled seed corpus."""
    return load_corpus()


def test_every_seed_entry_renders_under_the_limit_as_valid_telegram_html() -> None:
    entries = real_corpus()
    assert entries != []
    for entry in entries:
        post = render_passage_post(EN, entry, local_date=DAY)
        assert telegram_length(post) <= MAX_MESSAGE_UNITS, entry.id
        parsed = parse(post)
        shown = parsed.text["blockquote"]
        assert shown == entry.passage or entry.passage.startswith(shown.removesuffix(" …"))
        assert parsed.text["i"] == entry.counterpoint, entry.id
        assert html.unescape(post.split("\n")[0]).endswith(f"· {entry.chapter}"), entry.id


# last time on this passage


def test_a_recalled_day_links_to_its_thread_and_names_who_spoke() -> None:
    recall = Recall(date(2026, 10, 6), "https://t.me/c/123/45", ("Ana", "<b>Bo</b>", "Cy"))
    post = render_passage_post(EN, make_entry(), local_date=DAY, recall=recall)
    assert (
        '<b>Last time on this passage</b>, <a href="https://t.me/c/123/45">Tuesday 6 October</a>: '
        "Ana, &lt;b&gt;Bo&lt;/b&gt; and Cy spoke.\n\n" + INVITATION
    ) in post
    assert telegram_problems(post) == []


def test_a_quiet_earlier_day_in_another_year_without_a_link() -> None:
    recall = Recall(date(2025, 12, 30), None, ())
    post = render_passage_post(EN, make_entry(), local_date=DAY, recall=recall)
    assert "<b>Last time on this passage</b>, Tuesday 30 December 2025: nobody replied." in post


def test_many_names_fold_into_a_count_and_a_long_passage_still_fits() -> None:
    names = tuple(f"Reader{n:03d}" for n in range(300))
    recall = Recall(date(2026, 10, 6), "https://t.me/c/123/45", names)
    post = render_passage_post(
        EN, make_entry(passage="word " * 2000), local_date=DAY, recall=recall
    )
    line = next(line for line in post.split("\n") if line.startswith("<b>Last time"))
    assert line.startswith('<b>Last time on this passage</b>, <a href="https://t.me/c/123/45">')
    assert re.search(r", Reader\d{3} and \d+ more spoke\.$", line)
    assert telegram_length(line) <= MAX_RECALL_UNITS
    assert telegram_length(post) <= MAX_MESSAGE_UNITS
    assert telegram_problems(post) == []
