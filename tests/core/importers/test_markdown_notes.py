"""Notes in Obsidian style: a quote block, then the note written against it."""

from __future__ import annotations

from bot.core.importers import import_source, parse_source
from bot.i18n import translator
from tests.core.importers.support import (
    error_of,
    imported,
    pairs,
    write,
)

EN = translator("en")


# Markdown notes


def test_obsidian_quotes_and_the_notes_after_them(tmp_path):
    entries = imported(tmp_path, "obsidian.md")
    assert {e.chapter for e in entries} == {"Peer to Peer: The Commons Manifesto"}
    assert pairs(entries) == [
        (
            "P2P can also be a mode to allocate resources that do not involve any specific "
            "reciprocity\nbetween individuals but only between the individuals and the "
            "collective resource.",
            "reciprocity is a killer",
        ),
        (
            "Value is created in the commons.\n\nAnd captured by markets.",
            "value & values <3\n\nand a second thought, in its own paragraph.",
        ),
        ("Die Allmende ist ein Tun.", "eher ein tun als ein haben"),
    ]


def test_unclosed_front_matter_is_a_line_one_error(tmp_path):
    path = write(tmp_path, "n.md", "---\ntitle: x\n\n> quote\n\nnote\n")
    assert error_of(path) == f"{path}:1: front matter '---' is never closed by a line '---'"


def test_notes_a_corpus_would_misread_are_skipped_not_changed(tmp_path):
    path = write(
        tmp_path,
        "n.md",
        "# B\n\n> one\n\nfine\n\n> two\n\nsee <!-- this -->\n\n> three\n\n# not a note\n",
    )
    text, summary = import_source(path)
    assert (summary.imported, dict(summary.skipped)) == (
        1,
        {"text with '<!--', which a corpus reads as a comment": 1, "without a note": 1},
    )
    assert "> one" in text and "two" not in text


# Markdown notes: odd files


def test_markdown_with_windows_old_mac_line_ends_and_a_byte_order_mark(tmp_path):
    for eol in ("\r\n", "\r"):
        text = eol.join(["\ufeff---", "title: Commons", "---", "> two lines", "> of quote", "",
                         "the note", ""])  # fmt: skip
        path = write(tmp_path, "n.md", text)
        assert [(h.book, h.passage, h.note) for h in parse_source(path).highlights] == [
            ("Commons", "two lines\nof quote", "the note")
        ]


def test_markdown_without_front_matter_starts_at_its_first_line(tmp_path):
    path = write(tmp_path, "reading-notes.md", "> First line quoted.\n\nnoted\n")
    parsed = parse_source(path)
    assert [(h.book, h.passage, h.note, h.line) for h in parsed.highlights] == [
        ("reading-notes", "First line quoted.", "noted", 1)
    ]


def test_markdown_front_matter_title_on_its_last_line_and_a_quote_right_after(tmp_path):
    path = write(
        tmp_path,
        "n.md",
        '---\ntags: [x]\ntitle: "Xenophon, Oeconomicus"\n---\n> Right after.\n\nnote\n',
    )
    parsed = parse_source(path)
    assert [(h.book, h.passage, h.line) for h in parsed.highlights] == [
        ("Xenophon, Oeconomicus", "Right after.", 5)
    ]


def test_markdown_front_matter_without_a_title_leaves_the_book_to_the_first_heading(tmp_path):
    path = write(tmp_path, "n.md", "---\ntags: [x]\n---\n## Part one\n# The Book\n> q\n\nn\n")
    assert [(h.book, h.line) for h in parse_source(path).highlights] == [("The Book", 6)]


def test_markdown_text_before_any_quote_and_quotes_without_a_space(tmp_path):
    path = write(
        tmp_path,
        "n.md",
        "Some words before anything.\n\n>no space\n\nmine ^n1\n\n---\n\n> [!quote] Title\n\n"
        "> [!note]\n\n> after the empty ones\n\nstill read\n",
    )
    parsed = parse_source(path)
    assert [(h.passage, h.note, h.line) for h in parsed.highlights] == [
        ("no space", "mine", 3),
        ("after the empty ones", "still read", 13),
    ]
    assert dict(parsed.skipped) == {"empty quote": 2}
