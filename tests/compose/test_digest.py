"""The digest builders and renderer, on fixed archives: what a member would read."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest

from bot.compose.digest import (
    build_daily_digest,
    build_weekly_digest,
    message_link,
    plan_delivery,
    render_chunks,
    render_document,
    render_plain,
)
from bot.compose.digest.lines import TRIM_OPENING
from bot.compose.digest.render import Markup, fit_line, render_line, units
from bot.core.corpus import Entry, load_corpus
from bot.core.records import DayInput, Delivery
from bot.core.text import trim
from bot.i18n import translator
from tests.telegram_html import telegram_problems

EN = translator("en")

DAY = date(2025, 11, 25)  # a Tuesday
ROOT = 100
SUPERGROUP = -1001234567890
HOSTILE = "<b>&amp;</script>"
HOSTILE_ESCAPED = "&lt;b&gt;&amp;amp;&lt;/script&gt;"

ENTRY = Entry(
    id="ch1-01",
    chapter="Chapter 1: The commons",
    passage="The commons are a third way.\n\nMore of the passage, not in the digest.",
    counterpoint="but whose commons?",
    line=1,
)


def user_id(author: str) -> int:
    return int.from_bytes(author.encode(), "big")  # one id per distinct name


def make_chat(**overrides: Any) -> dict[str, Any]:
    chat = {
        "id": SUPERGROUP, "type": "supergroup", "title": "Readers", "username": None,
        "is_forum": False, "timezone": "UTC", "quiet_day": "line",
    }  # fmt: skip
    return {**chat, **overrides}


def make_message(message_id: int, parent: int, author: str, text: str, **overrides: Any) -> dict:
    message = {
        "chat_id": SUPERGROUP, "message_id": message_id, "root_message_id": ROOT,
        "reply_to_message_id": parent, "user_id": user_id(author), "sender_chat_id": None,
        "author": author, "opted_out": False, "kind": "text", "text": text,
        "date": 1_764_000_000 + message_id, "edited_at": None,
    }  # fmt: skip
    return {**message, **overrides}


def make_curiosity(number: int, author: str, text: str, **overrides: Any) -> dict:
    curiosity = {
        "id": number, "chat_id": SUPERGROUP, "user_id": user_id(author), "author": author,
        "opted_out": False, "local_date": DAY.isoformat(), "text": text,
        "message_id": 500 + number, "created_at": 1_764_000_000 + number,
    }  # fmt: skip
    return {**curiosity, **overrides}


def daily(messages=(), curiosities=(), chat=None, entry=ENTRY):
    return build_daily_digest(
        EN,
        chat or make_chat(),
        DAY,
        entry=entry,
        post={"message_id": ROOT},
        messages=list(messages),
        curiosities=list(curiosities),
    )


BUSY_MESSAGES = [
    make_message(101, ROOT, "Ana", "Reciprocity feels central here."),
    make_message(102, 101, "Bo", "Agreed, but reciprocity needs trust."),
    make_message(103, 102, "Ana", "Trust is built slowly."),
    make_message(104, ROOT, "Cy", "", kind="photo"),
    make_message(105, 101, "Di", "I left, but this stays.", opted_out=True),
    make_message(106, 104, "Bo", "Lovely garden.", kind="text"),
]
BUSY_CURIOSITIES = [
    make_curiosity(1, "Ana", "How does reciprocity work in peer production?"),
    make_curiosity(2, "Eve", "Gift economies and reciprocity"),
    make_curiosity(3, "Fay", "what makes gifts different from trade?"),
    make_curiosity(4, "Gil", "I opted out but was curious", opted_out=True),
]


def test_busy_day_reads_as_a_member_would_read_it():
    digest = daily(BUSY_MESSAGES, BUSY_CURIOSITIES)
    assert render_plain(digest) == (
        "Evening digest · Tuesday 25 November\n"
        "Today's passage · Chapter 1: The commons ↗\n"
        "│ The commons are a third way.\n"
        "│ Counterpoint: but whose commons?\n"
        "\n"
        "The threads\n"
        "Ana: Reciprocity feels central here. ↗\n"
        "│ ↳ Bo: Agreed, but reciprocity needs trust. ↗\n"
        "│    ↳ Ana: Trust is built slowly. ↗\n"
        "│ ↳ a member: I left, but this stays. ↗\n"
        "\n"
        "Cy: [photo] ↗\n"
        "│ ↳ Bo: Lovely garden. ↗\n"
        "\n"
        "Curious today\n"
        "• Ana: How does reciprocity work in peer production? ↗\n"
        "• Eve: Gift economies and reciprocity ↗\n"
        "• Fay: what makes gifts different from trade? ↗\n"
        "• a member: I opted out but was curious ↗\n"
        "\n"
        "Resonances\n"
        "Ana and Eve are both wondering about reciprocity; Bo wrote about it in the threads."
    )


def test_busy_day_html_is_one_chunk_with_links_and_quotes():
    link = "https://t.me/c/1234567890"
    [chunk] = render_chunks(daily(BUSY_MESSAGES[:3]))
    assert chunk == (
        "<b>Evening digest · Tuesday 25 November</b>\n"
        f'Today\'s passage · <i>Chapter 1: The commons</i> <a href="{link}/100">↗</a>\n'
        "<blockquote>The commons are a third way.\n"
        "<b>Counterpoint</b>: <i>but whose commons?</i></blockquote>\n"
        "\n"
        "<b>The threads</b>\n"
        f'<b>Ana</b>: Reciprocity feels central here. <a href="{link}/101">↗</a>\n'
        "<blockquote>↳ <b>Bo</b>: Agreed, but reciprocity needs trust. "
        f'<a href="{link}/102">↗</a>\n'
        f'   ↳ <b>Ana</b>: Trust is built slowly. <a href="{link}/103">↗</a></blockquote>'
    )


def test_threads_nest_and_order_by_time_whatever_the_input_order():
    rows = [
        make_message(110, 101, "Cy", "second reply to Ana", date=30),
        make_message(101, ROOT, "Ana", "first thread", date=10),
        make_message(120, ROOT, "Di", "second thread", date=20),
        make_message(108, 101, "Bo", "first reply to Ana", date=25),
        make_message(130, 108, "Eve", "reply to Bo", date=40),
        make_message(131, 130, "Fay", "deep reply", date=50),
    ]
    plain = render_plain(
        daily(sorted(rows, key=lambda r: r["date"]), chat=make_chat(type="group"))
    )
    assert plain.split("The threads\n", 1)[1] == (
        "Ana: first thread\n"
        "│ ↳ Bo: first reply to Ana\n"
        "│    ↳ Eve: reply to Bo\n"
        "│       ↳ Fay: deep reply\n"
        "│ ↳ Cy: second reply to Ana\n"
        "\n"
        "Di: second thread"
    )


@pytest.mark.parametrize(("replies", "expandable"), [(1, 0), (3, 0), (4, 1), (9, 1)])
def test_long_threads_fold_into_an_expandable_quote(replies, expandable):
    rows = [make_message(101, ROOT, "Ana", "opening")]
    rows += [make_message(102 + n, 101, f"P{n}", f"reply {n}") for n in range(replies)]
    [chunk] = render_chunks(daily(rows))
    assert chunk.count("<blockquote expandable>") == expandable
    assert chunk.count("<blockquote") == 2  # the passage's opening, and this thread's replies
    assert chunk.split("\n<b>Ana</b>: opening", 1)[1].count("↳") == replies


def test_long_texts_are_trimmed_with_a_link_to_the_whole():
    text = "word " * 200
    plain = render_plain(daily([make_message(101, ROOT, "Ana", text)]))
    line = next(line for line in plain.splitlines() if line.startswith("Ana: "))
    assert line == "Ana: " + ("word " * 59).rstrip() + "… ↗"
    assert len(line) == len("Ana: ") + 295 + len(" ↗")


@pytest.mark.parametrize(
    ("chat", "expected"),
    [
        (
            {"id": -1001234567890, "type": "supergroup", "username": None},
            "https://t.me/c/1234567890/7",
        ),
        (
            {"id": -1001234567890, "type": "supergroup", "username": "commons"},
            "https://t.me/commons/7",
        ),
        ({"id": -4567, "type": "group", "username": None}, None),
        ({"id": 4567, "type": "private", "username": "ana"}, None),
    ],
)
def test_message_links(chat, expected):
    assert message_link(chat, 7) == expected


@pytest.mark.parametrize(
    ("kind", "text", "shown"),
    [
        ("text", "hello", "hello"),
        ("photo", "a garden", "[photo] a garden"),
        ("sticker", "", "[sticker]"),
        ("voice", "", "[voice]"),
    ],
)
def test_kinds_other_than_text_are_labelled(kind, text, shown):
    chat = make_chat(type="group")
    plain = render_plain(daily([make_message(101, ROOT, "Ana", text, kind=kind)], chat=chat))
    assert plain.split("The threads\n", 1)[1] == f"Ana: {shown}"


def test_hostile_names_texts_and_titles_are_escaped_exactly_once():
    chat = make_chat(title=HOSTILE)
    digest = daily(
        [make_message(101, ROOT, HOSTILE, HOSTILE)],
        [make_curiosity(1, HOSTILE, HOSTILE)],
        chat=chat,
    )
    [chunk] = render_chunks(digest)
    assert chunk.count(HOSTILE_ESCAPED) == 4
    assert HOSTILE not in chunk
    assert "&amp;amp;amp;" not in chunk
    assert telegram_problems(chunk) == []
    document = render_document(digest)
    assert document.count(HOSTILE_ESCAPED) == 6  # also the chat's title, in <title> and <h1>
    assert HOSTILE not in document
    assert render_plain(digest).count(HOSTILE) == 4


def noisy_text(n: int) -> str:
    """A reply full of what escaping lengthens and what Telegram counts twice."""
    return f"m{n:05d} " + "&<>🌱 " * 20 + "a & b < c 🎉 done"


@pytest.mark.parametrize("count", [1, 30, 120, 400])
def test_chunks_stay_under_4096_with_balanced_tags_and_every_message(count):
    rows = [make_message(101, ROOT, "Ana", noisy_text(0))]
    rows += [make_message(102 + n, 101 + n // 3, "Bo🌱&", noisy_text(n + 1)) for n in range(count)]
    chunks = render_chunks(daily(rows))
    for chunk in chunks:
        assert units(chunk) <= 4096
        assert len(chunk) <= 4096
        assert telegram_problems(chunk) == []
    plain = render_plain(chunks)
    assert [n for n in range(count + 1) if f"m{n:05d}" not in plain] == []


def test_a_block_too_long_for_one_message_splits_between_lines_in_their_own_quotes():
    rows = [make_message(101, ROOT, "Ana", "opening")]
    rows += [make_message(102 + n, 101, "Bo", noisy_text(n)) for n in range(60)]
    chunks = render_chunks(daily(rows))
    assert len(chunks) > 1
    assert all(telegram_problems(c) == [] and units(c) <= 4096 for c in chunks)
    assert [c.count("<blockquote expandable>") for c in chunks[1:]] == [1] * (len(chunks) - 1)


@pytest.mark.parametrize("limit", [120, 300, 1000])
def test_a_line_too_long_even_alone_is_trimmed_further_never_cut_inside_an_entity(limit):
    rows = [make_message(101, ROOT, "Ana&<", "&<🌱" * 100)]
    chunks = render_chunks(daily(rows, chat=make_chat(type="group")), limit=limit)
    assert [units(c) <= limit for c in chunks] == [True] * len(chunks)
    assert [telegram_problems(c) for c in chunks] == [[]] * len(chunks)
    assert "Ana&amp;&lt;</b>: &amp;&lt;🌱" in "".join(chunks)


def test_fit_line_shortens_person_text_but_never_our_markup():
    line = (Markup("<b>"), "Ana", Markup("</b>: "), "&" * 50, Markup(' <a href="x">↗</a>'))
    fitted = fit_line(line, 41)
    assert render_line(fitted) == '<b>Ana</b>: &amp;&amp;… <a href="x">↗</a>'
    assert units(render_line(fitted)) == 41


def test_a_day_that_fits_in_a_few_messages_is_sent_as_messages():
    plan = plan_delivery(EN, daily(BUSY_MESSAGES, BUSY_CURIOSITIES))
    assert plan == Delivery(messages=tuple(render_chunks(daily(BUSY_MESSAGES, BUSY_CURIOSITIES))))


def test_a_day_too_long_for_a_few_messages_is_one_message_and_a_document():
    rows = [make_message(101 + n, ROOT, "Ana", noisy_text(n)) for n in range(200)]
    digest = daily(rows)
    assert len(render_chunks(digest)) > 3
    plan = plan_delivery(EN, digest)
    [first] = plan.messages
    assert units(first) <= 4096
    assert telegram_problems(first) == []
    assert first.startswith("<b>Evening digest · Tuesday 25 November</b>")
    assert first.endswith("<i>The full digest is long, so it is attached below as a file.</i>")
    assert plan.document is not None
    filename, data = plan.document
    assert filename == "digest-2025-11-25.html"
    document = data.decode("utf-8")
    assert document.startswith("<!doctype html>\n")
    assert "<title>Readers · Evening digest, Tuesday 25 November 2025</title>" in document
    assert [n for n in range(200) if f"m{n:05d}" not in document] == []
    assert "expandable>" not in document
    assert document == render_document(digest)  # sent as rendered, though encoded in pieces


@pytest.mark.parametrize(
    ("setting", "chunks"),
    [
        ("line", ["<b>Tuesday 25 November</b>: a quiet day, no replies and no curiosities. "
                  "A new passage comes tomorrow."]),
        ("silent", []),
    ],
)  # fmt: skip
def test_a_quiet_day_is_one_short_line_or_nothing(setting, chunks):
    digest = daily(chat=make_chat(quiet_day=setting))
    assert render_chunks(digest) == chunks
    assert plan_delivery(EN, digest) == Delivery(messages=tuple(chunks))


def test_a_quiet_week_is_one_short_line_or_nothing():
    days = [DayInput(date(2025, 11, 24 + n), ENTRY, {"message_id": ROOT + n}) for n in range(7)]
    for setting, expected in [
        (
            "line",
            [
                "<b>Week of 24\u2009–\u200930 November</b>: "
                "a quiet week, no replies and no curiosities."
            ],
        ),
        ("silent", []),
    ]:
        chat = make_chat(quiet_day=setting)
        digest = build_weekly_digest(EN, chat, date(2025, 11, 24), date(2025, 11, 30), days=days)
        assert render_chunks(digest) == expected


def test_opted_out_people_are_shown_as_a_member_and_never_named():
    rows = [
        make_message(101, ROOT, "Ana", "reciprocity matters"),
        make_message(102, 101, "Zed", "reciprocity, yes", opted_out=True),
    ]
    curiosities = [
        make_curiosity(1, "Zed", "reciprocity again", opted_out=True),
        make_curiosity(2, "Bo", "reciprocity among neighbours"),
    ]
    digest = daily(rows, curiosities)
    outputs = [*render_chunks(digest), render_document(digest), render_plain(digest)]
    assert [o.count("Zed") for o in outputs] == [0, 0, 0]
    plain = render_plain(digest)
    assert "│ ↳ a member: reciprocity, yes ↗" in plain
    assert "• a member: reciprocity again ↗" in plain
    assert plain.endswith(
        "Resonances\nBo is wondering about reciprocity; Ana wrote about it in the threads."
    )


def test_forgotten_people_are_absent_because_their_rows_are_gone():
    # The store deletes a forgotten person's rows; replies to them attach to the thread root.
    rows = [make_message(102, 101, "Bo", "replying to someone now forgotten")]
    plain = render_plain(daily(rows, chat=make_chat(type="group")))
    assert plain.split("The threads\n", 1)[1] == "Bo: replying to someone now forgotten"


def test_every_curiosity_and_message_appears_in_time_order_with_nobody_counted():
    people = ["Ana", "Bo", "Cy"]
    rows = [make_message(101 + n, ROOT, people[n % 3], f"text{n:03d} " * 3) for n in range(30)]
    curiosities = [make_curiosity(n, people[n % 2], f"wish{n:03d}") for n in range(20)]
    plain = render_plain(daily(rows, curiosities))
    texts = [f"text{n:03d}" for n in range(30)] + [f"wish{n:03d}" for n in range(20)]
    positions = [plain.find(t) for t in texts]
    assert -1 not in positions
    assert positions == sorted(positions)
    scoreboard = r"most active|top |\d+ (?:messages|curiosities|replies)"
    assert re.findall(scoreboard, plain.lower()) == []
    assert re.findall(r"(?:Ana|Bo|Cy)\W*\(?\d", plain) == []


def test_resonance_of_three_names_all_of_them():
    curiosities = [
        make_curiosity(1, "Ana", "Reciprocity in care work"),
        make_curiosity(2, "Bo", "care and reciprocity between neighbours"),
        make_curiosity(3, "Cy", "Is reciprocity the same as a gift?"),
    ]
    plain = render_plain(daily([], curiosities))
    # "care" is shared by Ana and Bo too, but it is too common a word to mean a shared concern.
    assert plain.split("Resonances\n", 1)[1] == (
        "Ana, Bo and Cy are all wondering about reciprocity."
    )


def week_days() -> list[DayInput]:
    monday = date(2025, 11, 24)
    tuesday_rows = [
        make_message(201, 200, "Ana", "Is a commons always local?", date=1),
        make_message(202, 201, "Bo", "No: Wikipedia.", date=2),
        make_message(203, 202, "Zed", "Agreed.", date=3, opted_out=True),
        make_message(204, 200, "Cy", "A quiet thought.", date=4),
    ]
    tuesday_curiosities = [
        make_curiosity(1, "Ana", "How does reciprocity start?", local_date="2025-11-25"),
        make_curiosity(2, "Bo", "Does reciprocity create obligations?", local_date="2025-11-25"),
        make_curiosity(3, "Cy", "Ostrom's design principles", local_date="2025-11-25"),
    ]
    thursday_curiosities = [
        make_curiosity(
            4, "Di", "Can reciprocity be refused?", local_date="2025-11-27", message_id=None
        ),
        make_curiosity(5, "Zed", "secret", local_date="2025-11-27", opted_out=True),
    ]
    return [
        DayInput(monday, ENTRY, {"message_id": 100}),
        DayInput(
            date(2025, 11, 25),
            Entry("ch1-02", "Chapter 1: Peer production", "Peers produce.", "hm", 9),
            {"message_id": 200},
            tuesday_rows,
            tuesday_curiosities,
        ),
        DayInput(date(2025, 11, 27), None, None, (), thursday_curiosities),
    ]


def test_weekly_digest_reads_as_expected():
    chat = make_chat(type="group")
    digest = build_weekly_digest(
        EN, chat, date(2025, 11, 24), date(2025, 11, 30), days=week_days(), replied_to={502}
    )
    assert render_plain(digest) == (
        "Weekly digest · 24\u2009–\u200930 November\n"
        "The week's passages\n"
        "• Mon 24 Nov · Chapter 1: The commons: The commons are a third way.\n"
        "• Tue 25 Nov · Chapter 1: Peer production: Peers produce.\n"
        "\n"
        "With us this week: Ana, Bo, Cy and Di.\n"
        "\n"
        "The week's threads\n"
        "Tuesday 25 November\n"
        "• Ana: Is a commons always local? · 2 replies, with Bo and others\n"
        "• Cy: A quiet thought. · no replies yet\n"
        "\n"
        "The week's curiosities\n"
        "Ana, Bo and Di are all wondering about reciprocity:\n"
        "• Ana (Tue): How does reciprocity start?\n"
        "• Bo (Tue): Does reciprocity create obligations?\n"
        "• Di (Thu): Can reciprocity be refused?\n"
        "\n"
        "More curiosities\n"
        "• Cy (Tue): Ostrom's design principles\n"
        "• a member (Thu): secret\n"
        "\n"
        "Still open\n"
        "Nobody has replied to these yet. Know something? Reply to them.\n"
        "• Ana (Tue): How does reciprocity start?\n"
        "• Cy (Tue): Ostrom's design principles\n"
        "• Di (Thu): Can reciprocity be refused?\n"
        "• a member (Thu): secret"
    )
    assert render_chunks(digest)[0].startswith(
        "<b>Weekly digest · 24\u2009–\u200930 November</b>\n"
    )
    assert digest.filename == "weekly-2025-11-24-to-2025-11-30.html"


def test_weekly_counts_a_curiosity_answered_when_a_stored_message_replies_to_it():
    days = week_days()
    reply = make_message(300, 501, "Bo", "Start by giving.", root_message_id=200, date=9)
    days[1] = DayInput(days[1].local_date, days[1].entry, days[1].post, [reply])
    digest = build_weekly_digest(
        EN, make_chat(), date(2025, 11, 24), date(2025, 11, 30), days=days
    )
    still_open = render_plain(digest).split("Still open\n", 1)[1]
    assert "How does reciprocity start?" not in still_open
    assert "Can reciprocity be refused?" in still_open


def test_escaping_is_html_escape_applied_once():
    text = "a < b & c > d \"quoted\" 'single'"
    [chunk] = render_chunks(
        daily([make_message(101, ROOT, "Ana", text)], chat=make_chat(type="group"))
    )
    assert html.escape(text, quote=False) in chunk


def test_a_wide_resonance_names_a_handful_then_others_and_never_counts():
    names = ["Ana", "Bo", "Cy", "Di", "Eve", "Fay", "Gil", "Hal", "Ida", "Jo"]
    curiosities = [make_curiosity(n, name, "reciprocity?") for n, name in enumerate(names)]
    rows = [make_message(101 + n, ROOT, f"W{n}", "reciprocity!") for n in range(6)]
    plain = render_plain(daily(rows, curiosities))
    assert plain.split("Resonances\n", 1)[1] == (
        "Ana, Bo, Cy, Di, Eve, Fay, Gil, Hal and others are all wondering about reciprocity; "
        "W0, W1, W2, W3 and others wrote about it in the threads."
    )


def test_the_plain_preview_of_chunks_marks_where_each_message_ends():
    assert render_plain(["<b>one</b> &amp; two", "<blockquote>three\nfour</blockquote>"]) == (
        "one & two\n\n" + "─" * 24 + "\n\n│ three\n│ four"
    )


def test_a_member_speaking_as_a_channel_is_named_by_its_title():
    row = make_message(101, ROOT, "Commons Channel", "hello", user_id=None, sender_chat_id=-1007)
    plain = render_plain(daily([row], chat=make_chat(type="group")))
    assert plain.split("The threads\n", 1)[1] == "Commons Channel: hello"


def test_the_digest_carries_the_days_counterpoint_trimmed_like_the_passage():
    long = Entry(id="x", chapter="C", passage="word " * 100, counterpoint="margin " * 100, line=1)
    lines = render_plain(daily(BUSY_MESSAGES[:1], entry=long)).split("\n")
    passage, counterpoint = lines[2], lines[3]
    assert passage == "│ " + trim(" ".join(["word"] * 100), TRIM_OPENING)
    assert counterpoint == "│ Counterpoint: " + trim(" ".join(["margin"] * 100), TRIM_OPENING)


def test_an_entry_without_a_counterpoint_shows_the_passage_alone():
    bare = Entry(id="x", chapter="C", passage="Only the passage.", counterpoint="", line=1)
    lines = render_plain(daily(BUSY_MESSAGES[:1], entry=bare)).split("\n")
    assert lines[2:4] == ["│ Only the passage.", ""]


def resonances(curiosities: list[dict], corpus: list[Entry] | None = None) -> list[str]:
    """Return the lines of the day's Resonances section, or [] if it has none."""
    digest = build_daily_digest(
        EN,
        make_chat(),
        DAY,
        entry=ENTRY,
        post={"message_id": ROOT},
        messages=[],
        curiosities=curiosities,
        corpus=corpus or [],
    )
    plain = render_plain(digest)
    return plain.split("Resonances\n", 1)[1].splitlines() if "Resonances\n" in plain else []


def test_eleven_curiosities_give_whole_themes_and_name_nobody_who_shares_nothing():
    said = [
        ("Ana", "How do open source maintainers avoid burnout?"),
        ("Bo", "Is sortition fairer than an election?"),
        ("Cy", "Why do so many maintainers quit?"),
        ("Di", "Are patents a new enclosure of knowledge?"),
        ("Eve", "How do people decide what feels fair?"),
        ("Fay", "Could a lottery, sortition style, pick our committee?"),
        ("Gil", "Is the history of the enclosures repeating online?"),
        ("Hal", "Should the people who maintain our libraries be paid?"),
        ("Ida", "Why isn't sortition used in cooperatives?"),
        ("Jo", 'What makes a group feel safe? <img src="x.png"> https://example.org/sortition'),
        ("Kai", "Enclosure of the digital commons: who decides?"),
    ]
    curiosities = [make_curiosity(n, name, text) for n, (name, text) in enumerate(said)]
    assert resonances(curiosities, load_corpus()) == [
        "Ana, Cy and Hal are all wondering about maintainers.",
        "Bo, Fay and Ida are all wondering about sortition.",
        "Di, Gil and Kai are all wondering about enclosure.",
    ]


@pytest.mark.parametrize(
    "texts",
    [
        ("What do the commons need from peer production?", "Peer production and the commons?"),
        ("How do people decide what they feel?", "What makes people feel they decide?"),
        ('<img src="a.png"> <a href="https://e.org/seeds">here</a>', '<img src="b.png"> hi'),
        ("/curious@commons_bot @maintainers 2024", "/curious @maintainers 2024"),
        ("I am curious about my curiosity", "Curious: I wonder about curiosity"),
    ],
    ids=["corpus-words", "generic-words", "markup", "commands-mentions-numbers", "prompt"],
)
def test_words_that_mean_nothing_shared_make_no_resonance(texts):
    # Two of a day's dozen curiosities: ten others share nothing with them or each other.
    others = [
        "Is sortition fairer than an election?", "Why do beekeepers swap queens?",
        "Can a choir run itself?", "Who mends the nets in a fishing village?",
        "Are patents a kind of enclosure?", "How do orchards survive drought?",
        "What makes a festival last a century?", "Should libraries lend telescopes?",
        "How are mountain huts kept stocked?", "Can a ferry be owned by its riders?",
    ]  # fmt: skip
    said = [*texts, *others]
    curiosities = [make_curiosity(n, f"P{n}", text) for n, text in enumerate(said)]
    assert resonances(curiosities, load_corpus()) == []


def test_curiosities_resonate_in_their_own_language_and_across_through_one_word():
    curiosities = [
        make_curiosity(1, "Ana", "¿Cómo funciona la reciprocidad entre vecinos?"),
        make_curiosity(2, "Bo", "¿La reciprocidad necesita confianza?"),
        make_curiosity(3, "Cy", "Why does Wikipedia still work?"),
        make_curiosity(4, "Di", "¿Quién decide qué se publica en Wikipedia?"),
    ]
    assert resonances(curiosities, load_corpus()) == [
        "Ana and Bo are both wondering about reciprocidad.",
        "Cy and Di are both wondering about wikipedia.",
    ]


def test_the_weekly_digest_shows_answers_to_a_curiosity_under_it_not_as_threads():
    curiosity = make_curiosity(1, "Ana", "Who feeds the cat when nobody keeps score?")
    answers = [
        make_message(301, curiosity["message_id"], "Bo", "Whoever notices first."),
        make_message(302, 301, "Cy", "Or a rota on the fridge."),
    ]
    thread = [make_message(303, ROOT, "Dee", "A reply to the passage itself.")]
    days = [DayInput(DAY, ENTRY, {"message_id": ROOT}, [*answers, *thread], [curiosity])]
    plain = render_plain(build_weekly_digest(EN, make_chat(type="group"), DAY, DAY, days=days))
    threads = plain.split("The week's threads\n", 1)[1].split("\n\n", 1)[0]
    assert "Dee: A reply to the passage itself." in threads
    assert "Whoever notices first" not in threads and "rota" not in threads
    assert (
        "• Ana (Tue): Who feeds the cat when nobody keeps score? · 2 replies, with Bo and Cy"
        in plain
    )
    assert "Still open" not in plain


def test_a_week_of_only_reactions_names_who_reacted_and_is_not_quiet():
    reactors = [{"user_id": 7, "author": "Gus", "opted_out": False}]
    days = [
        DayInput(
            date(2025, 11, 24), reactors=[{"user_id": 6, "author": "Fay", "opted_out": False}]
        ),
        DayInput(date(2025, 11, 25), reactors=reactors),
    ]
    digest = build_weekly_digest(
        EN, make_chat(type="group"), date(2025, 11, 24), date(2025, 11, 30), days=days
    )
    text = render_plain(digest)
    assert "quiet week" not in text
    assert "With us this week: Fay and Gus." in text


def test_a_day_with_only_a_poll_vote_is_not_quiet_and_shows_where_it_stood():
    digest = build_daily_digest(
        EN,
        make_chat(type="group"),
        date(2025, 11, 25),
        entry=None,
        post=None,
        messages=[],
        curiosities=[],
        poll=(0, 2, 0, 1),
    )
    assert render_plain(digest) == (
        "Evening digest · Tuesday 25 November\n\n"
        "Where we stood: with the passage 0 · with the counterpoint 2 · between 0 · not sure 1"
    )
