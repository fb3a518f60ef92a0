"""The corpus file an import writes: exactly what the corpus format reads, ids, and what is
skipped with its reason."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.compose.passage import render_passage_post
from bot.core.corpus import CorpusError, load_corpus
from bot.core.importers import Highlight, ImportProblem, Parsed, import_source, parse_source
from bot.core.importers.writer import render_corpus
from bot.i18n import translator
from tests.core.importers.support import (
    FIXTURES,
    HEX6,
    HEX8,
    imported,
    write,
)
from tests.telegram_html import telegram_problems

EN = translator("en")
EVERY_FIXTURE = [
    *(f"kindle-{code}.txt" for code in ("en", "de", "es", "fr", "it", "pt")),
    "readwise.csv",
    "hypothesis.json",
    "obsidian.md",
]


# The corpus file written


def test_the_corpus_entry_is_written_exactly_as_the_corpus_format_reads_it(tmp_path):
    parsed = Parsed([Highlight("Commons", "One.\n\n\nTwo.\n\n", "a note\n\n\nmore\n", "loc-1", 1)])
    text, summary = render_corpus(parsed, title="Commons", source="c.txt")
    assert text == (
        "# Commons\n\nsource: c.txt\n\n"
        "## commons-loc-1\nchapter: Commons\n\n> One.\n>\n> Two.\n\na note\n\nmore\n"
    )
    assert summary.line("c.txt") == "c.txt: 1 imported"


def test_without_with_empty_a_passage_with_no_note_is_not_written(tmp_path):
    parsed = Parsed([Highlight("B", "p", "", "k", 1), Highlight("B", "q", "", "l", 2)])
    text, summary = render_corpus(parsed, title="B", source="s")
    assert (text, summary.line("s")) == (
        "# B\n\nsource: s\n",
        "s: 0 imported; 2 skipped (without a note: 2)",
    )
    _, waiting = render_corpus(parsed, title="B", source="s", with_empty=True)
    assert waiting.line("s") == "s: 2 imported, 2 of them waiting for a counterpoint"


def test_the_same_place_twice_gets_numbered_ids(tmp_path):
    parsed = Parsed([Highlight("B", f"p{n}", "n", "loc-1", n) for n in range(3)])
    text, _ = render_corpus(parsed, title="B", source="s")
    assert re.findall(r"^## (.*)$", text, re.MULTILINE) == ["b-loc-1", "b-loc-1-2", "b-loc-1-3"]


def test_books_whose_titles_leave_no_slug_get_a_fingerprint_or_a_plain_name(tmp_path):
    long_word = "Donaudampfschifffahrtsgesellschaftskapitän"
    parsed = Parsed(
        [
            Highlight("Всё общее", "p", "n", "loc-1", 1),
            Highlight("Общее дело", "p", "n", "loc-1", 2),
            Highlight("", "p", "n", "Location 1:2", 3),
            Highlight(long_word, "p", "n", "loc-1", 4),
            Highlight("Étienne's Book!", "p", "n", "loc-1", 5),
        ]
    )
    text, _ = render_corpus(parsed, title="T", source="s")
    ids = re.findall(r"^## (.*)$", text, re.MULTILINE)
    assert re.fullmatch(f"b{HEX6}-loc-1", ids[0]) and re.fullmatch(f"b{HEX6}-loc-1", ids[1])
    assert ids[0] != ids[1]
    assert re.fullmatch(f"highlight-{HEX8}", ids[2])
    assert ids[3:] == [f"{long_word[:24].lower()}-loc-1", "etiennes-book-loc-1"]


MISREAD = "note with a line a corpus reads as a quote or heading"


@pytest.mark.parametrize(
    ("passage", "note", "reason"),
    [
        ("see <!-- this", "n", "text with '<!--', which a corpus reads as a comment"),
        ("p", "see <!-- this", "text with '<!--', which a corpus reads as a comment"),
        ("p", "fine\n> looks like a quote", MISREAD),
        ("p", "fine\n## looks like a heading", MISREAD),
    ],
)
def test_text_a_corpus_would_misread_is_skipped_with_its_reason(passage, note, reason):
    parsed = Parsed(
        [Highlight("B", passage, note, "k", 1), Highlight("B", "ok", "a # b > c", "j", 2)]
    )
    text, summary = render_corpus(parsed, title="B", source="s")
    assert (summary.imported, dict(summary.skipped)) == (1, {reason: 1})
    assert "a # b > c" in text


# What every importer shares


@pytest.mark.parametrize("name", EVERY_FIXTURE)
def test_every_fixture_imports_to_a_corpus_the_bot_can_post(tmp_path, name):
    entries = imported(tmp_path, name)
    assert entries
    for entry in entries:
        post = render_passage_post(EN, entry, local_date=date(2030, 3, 5))
        assert telegram_problems(post) == []


def test_with_empty_writes_a_placeholder_that_corpus_check_reports(tmp_path):
    text, summary = import_source(FIXTURES / "kindle-fr.txt", with_empty=True)
    out = write(tmp_path, "fr.md", text)
    assert (summary.imported, summary.empty) == (3, 1)
    with pytest.raises(CorpusError) as caught:
        load_corpus(out)
    line = text.split("\n").index("## les-communs-loc-1500") + 1
    assert caught.value.problems == [
        (line, "entry 'les-communs-loc-1500' has no counterpoint: write it as paragraphs after "
         "the passage"),
    ]  # fmt: skip


def test_an_unknown_suffix_asks_for_the_format(tmp_path):
    path = write(tmp_path, "clips.data", "x")
    with pytest.raises(
        ImportProblem, match=r"cannot tell the format of clips.data: give --format"
    ):
        import_source(path)
    assert parse_source(write(tmp_path, "k.data", ""), "kindle").highlights == []
