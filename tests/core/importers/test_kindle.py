"""Kindle's My Clippings.txt: six languages of headers, places, edits and the file as devices
and editors leave it."""

from __future__ import annotations

import pytest

from bot.core.importers import ImportProblem, import_source, parse_source
from bot.i18n import translator
from tests.core.importers.support import (
    FIXTURES,
    clip,
    error_of,
    ids_and_pairs,
    imported,
    kindle,
    pairs,
    skipped,
    write,
)

EN = translator("en")
LANGUAGES = ("de", "es", "fr", "it", "pt")
EVERY_FIXTURE = [
    *(f"kindle-{code}.txt" for code in ("en", *LANGUAGES)),
    "readwise.csv",
    "hypothesis.json",
    "obsidian.md",
]
# Per language: (the highlight with its note, the extended highlight's last version and note).
KINDLE = {
    "de": [
        ("Gemeingüter entstehen dort, wo Menschen gemeinsam Regeln für eine Ressource finden.",
         "regeln finden ist schon die halbe arbeit"),
        ("Keine Regel passt überall, und doch gleichen sich die Prinzipien erstaunlich.",
         "prinzipien statt rezepte"),
    ],
    "es": [
        ("Los bienes comunes nacen donde la gente acuerda reglas para cuidar un recurso.",
         "acordar reglas ya es la mitad del trabajo"),
        ("Ninguna regla sirve en todas partes, y sin embargo los principios se parecen.",
         "principios, no recetas"),
    ],
    "fr": [
        ("Les communs naissent là où des gens s'accordent sur des règles pour une ressource.",
         "s'accorder, c'est déjà la moitié du travail"),
        ("Aucune règle ne vaut partout, et pourtant les principes se ressemblent.",
         "des principes, pas des recettes"),
    ],
    "it": [
        ("I beni comuni nascono dove le persone trovano insieme regole per una risorsa.",
         "trovare le regole è già metà del lavoro"),
        ("Nessuna regola vale ovunque, eppure i principi si somigliano.",
         "principi, non ricette"),
    ],
    "pt": [
        ("Os comuns nascem onde as pessoas combinam regras para cuidar de um recurso.",
         "combinar regras já é metade do trabalho"),
        ("Nenhuma regra serve em todo lugar, e ainda assim os princípios se parecem.",
         "princípios, não receitas"),
    ],
}  # fmt: skip


# Kindle


@pytest.mark.parametrize("code", LANGUAGES)
def test_kindle_headers_in_each_language_pair_highlights_with_their_notes(tmp_path, code):
    entries = imported(tmp_path, f"kindle-{code}.txt")
    assert pairs(entries) == KINDLE[code]
    _, summary = import_source(FIXTURES / f"kindle-{code}.txt")
    assert dict(summary.skipped) == {
        "bookmark": 1,
        "earlier version of an edited highlight": 1,
        "without a note": 1,
    }


def test_an_english_kindle_file_with_byte_order_marks_and_crlf_reads_cleanly(tmp_path):
    assert (FIXTURES / "kindle-en.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (FIXTURES / "kindle-en.txt").read_bytes()
    entries = imported(tmp_path, "kindle-en.txt")
    assert [e.chapter for e in entries] == [
        "Peer to Peer: The Commons Manifesto",
        "Governing the Commons",
        "Peer to Peer: The Commons Manifesto",
        "Peer to Peer: The Commons Manifesto",
        "Peer to Peer: The Commons Manifesto",
    ]
    assert entries[0].passage == (
        "P2P can also be a mode to allocate resources that do not involve any specific "
        "reciprocity\nbetween individuals but only between the individuals and the collective "
        "resource."
    )
    assert not any("\r" in e.passage + e.counterpoint or "\ufeff" in e.chapter for e in entries)


def test_a_note_written_before_its_highlight_still_pairs_with_it(tmp_path):
    entries = imported(tmp_path, "kindle-en.txt")
    assert ("Commoning is a verb.", "a nother way\n\nof seeing it") in pairs(entries)


def test_an_edited_highlight_and_its_edited_note_keep_only_their_last_versions(tmp_path):
    entries = imported(tmp_path, "kindle-en.txt")
    markets = [e for e in entries if e.passage.startswith("Markets")]
    assert pairs(markets) == [
        ("Markets are not the enemy, but they are not the whole story.", "the whole story is us")
    ]
    # It keeps the place of its first version, so an edit does not reorder the corpus.
    assert markets[0].id == "peer-to-peer-the-commons-loc-300"
    assert entries[-1] is markets[0]


def test_old_kindles_short_ranges_are_read(tmp_path):
    entries = imported(tmp_path, "kindle-en.txt")
    assert ("Value is created in the commons.", "value & values <3") in pairs(entries)


def test_bookmarks_and_passages_without_a_note_are_skipped_and_counted():
    _, summary = import_source(FIXTURES / "kindle-en.txt")
    assert summary.line("kindle-en.txt") == (
        "kindle-en.txt: 5 imported; 4 skipped (bookmark: 1, earlier version of an edited "
        "highlight: 1, earlier version of an edited note: 1, without a note: 1)"
    )


def test_book_picks_one_title(tmp_path):
    entries = imported(tmp_path, "kindle-en.txt", book="governing")
    assert pairs(entries) == [
        ("The commons is not a tragedy.", "tragedy of the enclosures, rather")
    ]
    with pytest.raises(ImportProblem, match=r"no book matches 'Walden'.*Governing the Commons"):
        import_source(FIXTURES / "kindle-en.txt", book="Walden")


def test_ids_are_stable_and_come_from_the_source(tmp_path):
    first, _ = import_source(FIXTURES / "kindle-en.txt")
    again, _ = import_source(FIXTURES / "kindle-en.txt")
    assert first == again
    ids = [e.id for e in imported(tmp_path, "kindle-de.txt")]
    assert ids == ["die-allmende-loc-112", "die-allmende-loc-1406"]


def test_a_kindle_header_in_an_unknown_language_is_a_file_line_error(tmp_path):
    path = write(
        tmp_path, "clips.txt", "Book (A)\n- Ваш выделенный отрывок 12-14 | x\n\ntext\n==========\n"
    )
    assert error_of(path) == (
        f"{path}:2: unknown clipping header '- Ваш выделенный отрывок 12-14 | x': headers are "
        "read in English, German, Spanish, French, Italian and Portuguese"
    )


def test_a_clipping_cut_short_is_a_file_line_error(tmp_path):
    text = (
        "Book (A)\n- Your Highlight on Location 1-2 | Added on x\n\nfine\n==========\nBook (A)\n"
    )
    path = write(tmp_path, "clips.txt", text + "- Your Note on Location 2 | Added on x\n\ncut")
    assert error_of(path) == f"{path}:6: clipping is not closed by a line '=========='"


def test_a_source_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path):
    path = write(
        tmp_path, "clips.txt", b"Book (A)\n- Your Highlight on Location 1 | x\n\ncaf\xe9\n"
    )
    assert error_of(path).startswith(f"{path}:4: not UTF-8: byte 0xe9")


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
