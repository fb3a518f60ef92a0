"""Readwise's CSV export: rows to passages with their notes, and the rows that break."""

from __future__ import annotations

import re

import pytest

from bot.core.importers import import_source, parse_source
from bot.i18n import translator
from tests.core.importers.support import (
    HEX8,
    error_of,
    ids_and_pairs,
    imported,
    pairs,
    skipped,
    write,
)

EN = translator("en")


# Readwise


def test_readwise_rows_become_passages_with_their_notes(tmp_path):
    entries = imported(tmp_path, "readwise.csv")
    assert [(e.id, e.chapter) for e in entries] == [
        ("peer-to-peer-the-commons-location-170", "Peer to Peer: The Commons Manifesto"),
        ("peer-to-peer-the-commons-location-249", "Peer to Peer: The Commons Manifesto"),
        ("was-mehr-wird-wenn-wir-page-12", "Was mehr wird wenn wir teilen"),
        ("communs-d76e7bfe", "Communs"),
    ]
    assert pairs(entries)[1] == (
        "Commons are not things, they are relations.\n\nThey are made every day.",
        'a "common ing", then',
    )


@pytest.mark.parametrize(
    ("text", "found"), [("Title,Text\nA,B\n", "Title, Text"), ("", "nothing")]
)
def test_readwise_without_its_columns_is_a_line_one_error(tmp_path, text, found):
    path = write(tmp_path, "export.csv", text)
    assert error_of(path) == (
        f"{path}:1: not a Readwise CSV export: no column Highlight, Book Title, Note "
        f"(found {found})"
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('Highlight,Book Title,Note\nok,B,n\n"bad"x,B,n\n', 3),
        ('Highlight,Book Title,Note\n"bad"x,B,n\n', 2),
    ],
)
def test_a_broken_readwise_row_names_its_line(tmp_path, text, line):
    path = write(tmp_path, "export.csv", text)
    assert error_of(path).startswith(f"{path}:{line}: not valid CSV:")


# Readwise: odd files


def test_readwise_with_a_byte_order_mark_and_windows_line_ends_is_read(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "\ufeffHighlight,Book Title,Note,Location Type,Location\r\n"
        '"Two lines\r\nof text",Commons,"a note\r\nin two",page,7\r\n',
    )
    assert ids_and_pairs(path) == [("commons-page-7", "Two lines\nof text", "a note\nin two")]


def test_readwise_rows_without_location_type_title_or_text(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "Highlight,Book Title,Note,Location\n"
        "A located row.,Commons,n1,12\n"
        "A row with no book.,,n2,\n"
        ",Commons,n3,13\n"
        ",Commons,n4,14\n",
    )
    rows = ids_and_pairs(path)
    assert rows[0] == ("commons-loc-12", "A located row.", "n1")
    assert re.fullmatch(f"highlight-{HEX8}", rows[1][0]) and rows[1][1:] == (
        "A row with no book.",
        "n2",
    )
    assert len(rows) == 2
    assert skipped(path) == {"empty highlight": 2}
    text, _ = import_source(path)
    assert "\nchapter: imported\n" in text


def test_readwise_highlights_keep_the_line_their_row_starts_on(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        'Highlight,Book Title,Note\n"a\nb",B,n\nc,B,n\n"d\n\ne",B,n\nf,B,n\n',
    )
    assert [h.line for h in parse_source(path).highlights] == [2, 4, 5, 8]
