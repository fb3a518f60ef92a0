"""Importers at their edges: odd files readers really have, the ids they give, what is counted.

Each test writes a small source file the way a reading tool or an editor leaves it, imports it
as ``python -m bot corpus import`` would, and checks what an operator sees: the corpus ids, the
chapters, the passages and notes, the summary line and the ``file:line`` of a problem.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.core.corpus import CorpusError, load_corpus
from bot.core.importers import Highlight, ImportProblem, Parsed, import_source, parse_source
from bot.core.importers.writer import render_corpus

HEX6 = "[0-9a-f]{6}"
HEX8 = "[0-9a-f]{8}"


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return path


def clip(header: str, text: str = "", title: str = "Commons (Ostrom)", eol: str = "\n") -> str:
    """One Kindle clipping: title, '- ...' header, a blank line, the text, the separator."""
    return eol.join([title, f"- Your {header} | Added on Monday, 4 March 2019 09:01:00", "", text,
                     "=========="]) + eol  # fmt: skip


def kindle(tmp_path: Path, *clips: str) -> Path:
    return write(tmp_path, "My Clippings.txt", "".join(clips))


def ids_and_pairs(path: Path, **options: object) -> list[tuple[str, str, str]]:
    """The corpus made from a source, as the bot loads it: (id, passage, counterpoint)."""
    text, _ = import_source(path, **options)  # type: ignore[arg-type]
    out = path.with_name(path.name + ".corpus.md")
    out.write_text(text, encoding="utf-8")
    return [(e.id, e.passage, e.counterpoint) for e in load_corpus(out)]


def skipped(path: Path, **options: object) -> dict[str, int]:
    _, summary = import_source(path, **options)  # type: ignore[arg-type]
    return dict(summary.skipped)


def error_of(path: Path) -> str:
    with pytest.raises(CorpusError) as caught:
        parse_source(path)
    return str(caught.value)


# Kindle: places


def test_page_only_clippings_get_page_ids_and_ranges_on_pages_pair_notes(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on page 12-13", "On two pages."),
        clip("Note on page 13", "a note on the second page"),
        clip("Highlight on page 40", "Alone on its page."),
        clip("Note on page 40", "and its note"),
    )
    assert ids_and_pairs(path) == [
        ("commons-p-12", "On two pages.", "a note on the second page"),
        ("commons-p-40", "Alone on its page.", "and its note"),
    ]


@pytest.mark.parametrize(
    ("numeral", "page"),
    [("ii", 2), ("iv", 4), ("ix", 9), ("xii", 12), ("XIV", 14), ("xl", 40), ("lx", 60),
     ("xc", 90), ("cd", 400), ("dc", 600), ("mcm", 1900)],
)  # fmt: skip
def test_roman_page_numbers_of_a_preface_are_read_as_numbers(tmp_path, numeral, page):
    path = kindle(
        tmp_path,
        clip(f"Highlight on page {numeral}", "From the preface."),
        clip(f"Note on page {numeral}", "prefaces matter"),
    )
    assert ids_and_pairs(path) == [(f"commons-p-{page}", "From the preface.", "prefaces matter")]


def test_a_roman_page_range_holds_the_notes_within_it(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on page iv-vi", "Across the preface."),
        clip("Note on page vi", "the end of it"),
        clip("Highlight on page ix", "Later on."),
        clip("Note on page ix", "later"),
    )
    assert ids_and_pairs(path) == [
        ("commons-p-4", "Across the preface.", "the end of it"),
        ("commons-p-9", "Later on.", "later"),
    ]


def test_a_header_without_a_bar_is_still_read_for_its_location(tmp_path):
    text = "Commons (Ostrom)\n- Your Highlight on Location 5-6\n\nNo date here.\n==========\n"
    text += "Commons (Ostrom)\n- Your Note on Location 6\n\nstill paired\n==========\n"
    path = write(tmp_path, "My Clippings.txt", text)
    assert ids_and_pairs(path) == [("commons-loc-5", "No date here.", "still paired")]


def test_a_shortened_range_end_does_not_swallow_the_next_highlight(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on Location 1170-72", "First."),
        clip("Note on Location 1172", "one"),
        clip("Highlight on Location 1175-1180", "Second, a little further."),
        clip("Note on Location 1180", "two"),
    )
    assert ids_and_pairs(path) == [
        ("commons-loc-1170", "First.", "one"),
        ("commons-loc-1175", "Second, a little further.", "two"),
    ]


def test_a_note_at_either_end_of_a_highlight_belongs_to_it(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on Location 170-172", "Starts at 170."),
        clip("Note on Location 170", "at the start"),
        clip("Highlight on Location 300-302", "Ends at 302."),
        clip("Note on Location 302", "at the end"),
    )
    assert [note for _, _, note in ids_and_pairs(path)] == ["at the start", "at the end"]


# Kindle: edits, duplicates and what is counted


def test_an_extension_that_ends_where_the_old_highlight_starts_replaces_it(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on Location 250-252", "Commoning is a verb."),
        clip("Highlight on Location 245-250", "We say it: commoning is a verb."),
        clip("Note on Location 246", "we do"),
    )
    assert ids_and_pairs(path) == [("commons-loc-245", "We say it: commoning is a verb.", "we do")]
    assert skipped(path) == {"earlier version of an edited highlight": 1}


def test_a_highlight_joining_two_earlier_ones_leaves_one_entry(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on Location 10-12", "One."),
        clip("Highlight on Location 20-22", "Two."),
        clip("Highlight on Location 10-22", "One, and all the way to two."),
        clip("Note on Location 15", "joined"),
    )
    assert ids_and_pairs(path) == [("commons-loc-10", "One, and all the way to two.", "joined")]
    assert skipped(path) == {"earlier version of an edited highlight": 2}


def test_repeated_skips_are_counted_each_time(tmp_path):
    path = kindle(
        tmp_path,
        clip("Bookmark on Location 1"),
        clip("Bookmark on Location 2"),
        clip("Highlight on Location 3"),
        clip("Highlight on Location 4"),
        clip("Note on Location 900", "no highlight here"),
        clip("Note on Location 950", "nor here"),
        clip("Highlight on Location 10-20", "Kept."),
        clip("Note on Location 11", "first thought"),
        clip("Note on Location 15", "second thought"),
        clip("Note on Location 19", "last thought"),
        clip("Highlight on Location 30", "No note."),
        clip("Highlight on Location 40", "No note either."),
        clip("Highlight on Location 50-51", "Said once."),
        clip("Highlight on Location 50-52", "Said twice."),
        clip("Highlight on Location 60-61", "Also said once."),
        clip("Highlight on Location 60-62", "Also said twice."),
    )
    assert ids_and_pairs(path) == [("commons-loc-10", "Kept.", "last thought")]
    assert skipped(path) == {
        "bookmark": 2,
        "empty highlight": 2,
        "note with no highlight at its location": 2,
        "earlier version of an edited note": 2,
        "earlier version of an edited highlight": 2,
        "without a note": 4,
    }


def test_an_edited_note_keeps_its_last_version(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on Location 100-104", "A passage."),
        clip("Note on Location 104", "first draft"),
        clip("Note on Location 104", "second draft"),
    )
    assert ids_and_pairs(path) == [("commons-loc-100", "A passage.", "second draft")]
    assert skipped(path) == {"earlier version of an edited note": 1}


# Kindle: the file as devices and editors leave it


def test_old_mac_line_ends_and_a_byte_order_mark_before_a_separator_are_read(tmp_path):
    text = clip("Highlight on Location 1", "Old Mac.", eol="\r")
    text += clip("Note on Location 1", "cr only", eol="\r").replace(
        "==========", "\ufeff=========="
    )
    path = write(tmp_path, "My Clippings.txt", text)
    assert ids_and_pairs(path) == [("commons-loc-1", "Old Mac.", "cr only")]


def test_blank_lines_and_a_lone_byte_order_mark_before_a_title_are_skipped(tmp_path):
    path = kindle(
        tmp_path,
        "\n\ufeff\n" + clip("Highlight on Location 7", "After blank lines."),
        clip("Note on Location 7", "found"),
    )
    assert ids_and_pairs(path) == [("commons-loc-7", "After blank lines.", "found")]


def test_a_clipping_without_the_blank_line_after_its_header_keeps_all_its_text(tmp_path):
    text = "Commons (Ostrom)\n- Your Highlight on Location 8 | Added on x\nFirst line.\nSecond.\n"
    text += (
        "==========\nCommons (Ostrom)\n- Your Note on Location 8 | Added on x\nnote\n==========\n"
    )
    path = write(tmp_path, "My Clippings.txt", text)
    assert ids_and_pairs(path) == [("commons-loc-8", "First line.\nSecond.", "note")]


def test_highlights_report_the_line_of_their_title_and_notes_keep_theirs(tmp_path):
    path = kindle(
        tmp_path,
        clip("Highlight on Location 1", "One."),
        clip("Highlight on Location 9", "Two."),
        clip("Note on Location 9", "n"),
    )
    parsed = parse_source(path)
    assert [(h.key, h.line, h.note) for h in parsed.highlights] == [
        ("loc-1", 1, ""),
        ("loc-9", 6, "n"),
    ]


@pytest.mark.parametrize(
    "block",
    ["Commons (Ostrom)\nnot a header\n\ntext\n==========\n", "Commons (Ostrom)\n==========\n"],
)
def test_a_block_that_is_not_a_clipping_names_its_title_line(tmp_path, block):
    path = write(tmp_path, "My Clippings.txt", clip("Highlight on Location 1", "fine") + block)
    assert error_of(path) == (
        f"{path}:6: not a Kindle clipping: expected a title line, then a '- ...' header"
    )


def test_a_header_with_no_place_names_its_line(tmp_path):
    path = write(
        tmp_path, "c.txt", "\nBook\n- Your Highlight | Added on Monday\n\nx\n==========\n"
    )
    assert error_of(path) == (
        f"{path}:3: clipping header '- Your Highlight | Added on Monday' has no location or page"
    )


def test_a_long_unknown_header_is_cut_to_sixty_characters_in_the_error(tmp_path):
    exactly = "- Ваш " + "x" * 54
    longer = exactly + "y"
    for header, shown in ((exactly, exactly), (longer, exactly[:59] + "…")):
        path = write(tmp_path, "c.txt", f"Book\n{header}\n\ntext\n==========\n")
        assert error_of(path).startswith(f"{path}:2: unknown clipping header '{shown}': ")


# Readwise


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


# Hypothesis


def annotation(**fields: object) -> dict[str, object]:
    quote = fields.pop("quote", "a quote")
    return {
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": quote}]}],
        "text": "a note",
        "document": {"title": ["Doc"]},
        **fields,
    }


def hypothesis(tmp_path: Path, *annotations: object, bom: str = "") -> Path:
    return write(
        tmp_path, "h.json", bom + json.dumps({"annotations": list(annotations)}, indent=1)
    )


def test_hypothesis_with_a_byte_order_mark_and_carriage_returns_in_notes(tmp_path):
    path = hypothesis(
        tmp_path, annotation(id="a1", text="one\r\ntwo\rthree\ufeff  "), bom="\ufeff"
    )
    assert [(h.passage, h.note) for h in parse_source(path).highlights] == [
        ("a quote", "one\ntwo\nthree")
    ]


def test_hypothesis_ids_follow_the_annotation_not_its_quote(tmp_path):
    before = ids_and_pairs(hypothesis(tmp_path, annotation(id="a1", quote="first wording")))
    after = ids_and_pairs(hypothesis(tmp_path, annotation(id="a1", quote="second wording")))
    assert before[0][0] == after[0][0]
    two = ids_and_pairs(
        hypothesis(tmp_path, annotation(id="a1", quote="one"), annotation(id="b2", quote="two"))
    )
    assert [re.fullmatch(f"doc-{HEX8}", entry_id) is not None for entry_id, _, _ in two] == [
        True,
        True,
    ]
    assert two[0][0] != two[1][0]
    no_id = parse_source(hypothesis(tmp_path, annotation(quote="same"), annotation(quote="same")))
    assert [h.key for h in no_id.highlights] == [no_id.highlights[0].key] * 2


def test_hypothesis_titles_come_from_the_document_else_the_page_address(tmp_path):
    path = hypothesis(
        tmp_path,
        annotation(id="a", document={"title": "A plain title"}),
        annotation(id="b", document={"title": []}, uri="https://example.org/commons"),
        annotation(id="c", document=None, uri="https://example.org/other"),
        annotation(id="d", document={}),
    )
    assert [h.book for h in parse_source(path).highlights] == [
        "A plain title",
        "https://example.org/commons",
        "https://example.org/other",
        "",
    ]


def test_hypothesis_targets_without_a_quote_are_skipped_and_counted(tmp_path):
    path = hypothesis(
        tmp_path,
        annotation(
            id="a",
            target=[
                "https://example.org",
                {"selector": None},
                {
                    "selector": [
                        "x",
                        {"type": "TextPositionSelector"},
                        {"type": "TextQuoteSelector", "exact": "found"},
                    ]
                },
            ],
        ),
        annotation(id="b", target=[{"selector": [{"type": "TextQuoteSelector"}]}]),
        annotation(id="c", target=None),
    )
    parsed = parse_source(path)
    assert [h.passage for h in parsed.highlights] == ["found"]
    assert dict(parsed.skipped) == {"annotation with no quoted text": 2}


def test_hypothesis_problems_and_highlights_point_at_the_annotation_line(tmp_path):
    text = (
        '{"rows": [\n'
        '  {"target": [{"selector": [{"type": "TextQuoteSelector", "exact": "no id"}]}]},\n'
        '  {"id": "x1",\n'
        '   "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "q"}]}]},\n'
        '  {"id" : "y2", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "r"}]}]}'
        "\n]}"
    )
    path = write(tmp_path, "h.json", text)
    assert [h.line for h in parse_source(path).highlights] == [1, 3, 5]
    bad = write(tmp_path, "bad.json", '[\n{"id": "a",\n "target": []},\n 5\n]')
    assert error_of(bad) == f"{bad}:1: annotation 2 is not a JSON object"


# Markdown notes


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
