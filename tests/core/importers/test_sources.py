"""Choosing the format of a source and the book in it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.core.importers import Highlight, ImportProblem, Parsed, import_source, parse_source
from bot.core.importers.writer import render_corpus
from bot.i18n import translator
from tests.core.importers.support import (
    clip,
    kindle,
    skipped,
    write,
)

EN = translator("en")


# Choosing the format and the book


def test_format_names_are_listed_when_the_format_is_unknown(tmp_path):
    path = write(tmp_path, "clips.data", "")
    with pytest.raises(ImportProblem) as unknown:
        parse_source(path, "pdf")
    assert (
        str(unknown.value)
        == "unknown format 'pdf': use one of kindle, readwise, hypothesis, markdown"
    )
    with pytest.raises(ImportProblem) as untold:
        parse_source(path)
    assert str(untold.value) == (
        "cannot tell the format of clips.data: give --format "
        "(kindle, readwise, hypothesis, markdown)"
    )
    text, _ = import_source(write(tmp_path, "notes.data", "> q\n\nn\n"), "markdown")
    assert "> q\n\nn\n" in text


def test_choosing_a_book_counts_the_others_and_keeps_earlier_skips(tmp_path):
    path = kindle(
        tmp_path,
        clip("Bookmark on Location 1"),
        clip("Highlight on Location 5", "Kept.", title="Commons (Ostrom)"),
        clip("Note on Location 5", "n", title="Commons (Ostrom)"),
        clip("Highlight on Location 5", "Other.", title="Walden (Thoreau)"),
        clip("Highlight on Location 9", "Other too.", title="Walden (Thoreau)"),
    )
    assert skipped(path, book="COMMONS ") == {"bookmark": 1, "in another book": 2}


def test_a_missing_book_lists_at_most_eight_titles(tmp_path):
    def books(count: int) -> Path:
        clips = [clip(f"Highlight on Location {n}", "x", title=f"Book {n}") for n in range(count)]
        return kindle(tmp_path, *clips)

    with pytest.raises(ImportProblem) as eight:
        parse_source(books(8), book="Walden")
    assert str(eight.value) == (
        "no book matches 'Walden'; the source holds: " + "; ".join(f"Book {n}" for n in range(8))
    )
    with pytest.raises(ImportProblem) as nine:
        parse_source(books(9), book="Walden")
    assert str(nine.value).endswith("Book 6; Book 7; …")
    with pytest.raises(ImportProblem) as none:
        parse_source(write(tmp_path, "empty.txt", ""), book="Walden")
    assert str(none.value) == "no book matches 'Walden'; the source holds: none"


def test_summary_counts_come_from_the_source_not_a_fresh_counter():
    parsed = Parsed([Highlight("B", "p", "n", "k", 1)], Counter({"bookmark": 3}))
    _, summary = render_corpus(parsed, title="B", source="s")
    assert summary.line("s") == "s: 1 imported; 3 skipped (bookmark: 3)"
