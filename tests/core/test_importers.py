"""Importers: Kindle (six languages), Readwise, Hypothesis and Markdown notes to a corpus file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.compose.passage import render_passage_post
from bot.core.corpus import CorpusError, Entry, load_corpus
from bot.core.importers import ImportProblem, import_source, parse_source
from bot.i18n import translator
from tests.telegram_html import telegram_problems

EN = translator("en")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "highlights"
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


def imported(tmp_path: Path, name: str, **options: object) -> list[Entry]:
    """Import a fixture, write it as a corpus file and load it back as the bot would."""
    text, _ = import_source(FIXTURES / name, **options)  # type: ignore[arg-type]
    out = tmp_path / f"{name}.md"
    out.write_text(text, encoding="utf-8")
    return load_corpus(out)


def pairs(entries: list[Entry]) -> list[tuple[str, str]]:
    return [(e.passage, e.counterpoint) for e in entries]


def error_of(path: Path, format: str | None = None) -> str:
    with pytest.raises(CorpusError) as caught:
        parse_source(path, format)
    return str(caught.value)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


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


# Hypothesis


def test_hypothesis_quotes_become_passages_and_annotations_counterpoints(tmp_path):
    entries = imported(tmp_path, "hypothesis.json")
    assert [(e.chapter, e.counterpoint) for e in entries] == [
        ("Peer to Peer: The Commons Manifesto", "reciprocity is a killer"),
        ("Communs : une introduction", "on ne commune pas seul\n\net pas sans règles"),
    ]
    _, summary = import_source(FIXTURES / "hypothesis.json")
    assert dict(summary.skipped) == {"annotation with no quoted text": 1, "without a note": 1}


def test_hypothesis_api_rows_and_bare_lists_are_read_too(tmp_path):
    row = (
        '{"id": "a1", "text": "note", "document": {"title": ["Doc"]}, "target": [{"selector": '
        '[{"type": "TextQuoteSelector", "exact": "quote"}]}]}'
    )
    for text in (f'{{"total": 1, "rows": [{row}]}}', f"[{row}]"):
        parsed = parse_source(write(tmp_path, "h.json", text))
        assert [(h.book, h.passage, h.note) for h in parsed.highlights] == [
            ("Doc", "quote", "note")
        ]


def test_broken_hypothesis_json_names_the_line(tmp_path):
    path = write(tmp_path, "h.json", '{"annotations": [\n  {"id": "a1",}\n]}')
    assert error_of(path) == (
        f"{path}:2: not valid JSON: Expecting property name enclosed in double quotes"
    )
    other = write(tmp_path, "o.json", '{"data": 1}')
    assert error_of(other) == (
        f"{other}:1: not a Hypothesis export: expected a list of annotations, or an object "
        "with 'annotations' or 'rows'"
    )


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


# what every importer shares


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


# the command line


def test_corpus_import_writes_the_file_and_prints_the_summary(tmp_path):
    out = tmp_path / "corpus.md"
    source = str(FIXTURES / "kindle-it.txt")
    result = CliRunner().invoke(cli, ["corpus", "import", source, "--out", str(out)])
    check = CliRunner().invoke(cli, ["corpus", "check", str(out)])
    assert (result.exit_code, result.output) == (
        0,
        "kindle-it.txt: 2 imported; 3 skipped (bookmark: 1, earlier version of an edited "
        "highlight: 1, without a note: 1)\n",
    )
    assert (check.exit_code, check.output) == (0, f"{out}: 2 entries in 1 chapters, OK\n")


def test_corpus_import_prints_to_stdout_and_reports_errors_as_file_line(tmp_path):
    printed = CliRunner().invoke(
        cli, ["corpus", "import", str(FIXTURES / "readwise.csv"), "--book", "communs"]
    )
    assert printed.stdout.startswith("# Communs\n\nsource: readwise.csv\n\n## communs-d76e7bfe\n")
    bad = write(tmp_path, "bad.json", "[1,\n2,,]")
    failed = CliRunner().invoke(cli, ["corpus", "import", str(bad)])
    assert (failed.exit_code, failed.stderr) == (1, f"{bad}:2: not valid JSON: Expecting value\n")
    nothing = CliRunner().invoke(cli, ["corpus", "import", str(write(tmp_path, "e.md", "# x\n"))])
    assert (nothing.exit_code, "nothing to import" in nothing.stderr) == (1, True)
