"""The corpus: the curated seed file, the format's error messages, rotation, the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.core.corpus import (
    CorpusError,
    Entry,
    _seed_path,
    corpus_language,
    default_corpus_path,
    entry_at,
    load_corpus,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "seeds" / "p2p-commons-manifesto.txt"
SEED = ROOT / "seeds" / "corpus.md"
CHAPTERS = [
    "ch1 intro",
    "ch2 value creation",
    "ch3 socio-technological frameworks",
    "ch4 world history",
    "ch5 transition strategy",
    "notes: next system report (2019)",
    "notes: ecosystem of cbpp essay (2018)",
]
# A footnote mark: one to four stars right before a word, e.g. "*pooling" or "***mutual".
FOOTNOTE = re.compile(r"(?<![*\w])(\*{1,4})(?=\w)")


@pytest.fixture(scope="module")
def seed() -> list[Entry]:
    return load_corpus(SEED)


def source_paragraphs() -> list[str]:
    """Return the source text's paragraphs (blank-line separated), each stripped."""
    text = SOURCE.read_text(encoding="utf-8")
    blocks = re.split(r"\n[ \t\xa0]*\n", text)
    return [block.strip() for block in blocks if block.strip()]


def paragraphs(entry: Entry) -> list[str]:
    return entry.passage.split("\n\n") + entry.counterpoint.split("\n\n")


def write(tmp_path: Path, content: str | bytes, name: str = "corpus.md") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def problems_of(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(CorpusError) as caught:
        load_corpus(path)
    return caught.value.problems


# The seed corpus ------------------------------------------------------------------------------


def test_the_seed_corpus_has_about_sixty_whole_entries(seed: list[Entry]) -> None:
    assert 55 <= len(seed) <= 70
    for entry in seed:
        assert entry.passage.strip() == entry.passage != "", entry.id
        assert entry.counterpoint.strip() == entry.counterpoint != "", entry.id
        assert entry.chapter in CHAPTERS, entry.id


def test_seed_ids_are_unique_and_numbered_in_order_within_each_chapter(seed: list[Entry]) -> None:
    ids = [entry.id for entry in seed]
    assert len(set(ids)) == len(ids)
    prefixes = {chapter: chapter.split()[0] for chapter in CHAPTERS[:5]}
    prefixes |= {CHAPTERS[5]: "report", CHAPTERS[6]: "essay"}
    for chapter, prefix in prefixes.items():
        numbered = [entry.id for entry in seed if entry.chapter == chapter]
        assert numbered == [f"{prefix}-{n:02d}" for n in range(1, len(numbered) + 1)]


def test_seed_chapters_follow_the_book_in_reading_order(seed: list[Entry]) -> None:
    in_order = list(dict.fromkeys(entry.chapter for entry in seed))
    assert in_order == CHAPTERS


def test_every_seed_paragraph_is_verbatim_in_the_source(seed: list[Entry]) -> None:
    known = set(source_paragraphs())
    missing = [(e.id, p) for e in seed for p in paragraphs(e) if p not in known]
    assert missing == []


def test_each_seed_entry_is_consecutive_source_paragraphs_in_source_order(
    seed: list[Entry],
) -> None:
    # Passage then counterpoint, nothing skipped inside, and entries never overlap or go back.
    source = source_paragraphs()
    cursor = 0
    for entry in seed:
        run = paragraphs(entry)
        starts = [i for i in range(cursor, len(source)) if source[i : i + len(run)] == run]
        assert starts != [], f"{entry.id} is not a run of source paragraphs after {cursor}"
        cursor = starts[0] + len(run)


def test_the_reciprocity_entry_is_there_whole(seed: list[Entry]) -> None:
    [entry] = [e for e in seed if e.counterpoint == "reciprocity is a killer"]
    assert entry == Entry(
        id="ch1-06",
        chapter="ch1 intro",
        passage=(
            "P2P can also be a mode to allocate resources that do not involve any specific "
            "reciprocity between individuals but only between the individuals and the "
            "collective resource."
        ),
        counterpoint="reciprocity is a killer",
        line=entry.line,
    )


def test_the_ch1_list_keeps_its_lead_in_and_unanswered_item_with_their_replies(
    seed: list[Entry],
) -> None:
    by_id = {entry.id: entry for entry in seed}
    first = by_id["ch1-01"].passage.split("\n\n")
    assert first[0].startswith("What is peer to peer (P2P)?")
    assert first[1].startswith("1. P2P is a type of social relations")
    assert by_id["ch1-01"].counterpoint == "need to also/first free people"
    assert by_id["ch1-02"].passage.startswith("2. P2P is also a technological infrastructure")
    assert by_id["ch1-03"].passage.startswith("3. P2P thus enables")
    fourth = by_id["ch1-04"].passage.split("\n\n")
    assert [p[:30] for p in fourth] == [
        "4. P2P creates the potential f",
        "We believe that these four asp",
    ]


def test_the_four_modes_of_exchange(seed: list[Entry]) -> None:
    by_id = {entry.id: entry for entry in seed}
    assert (by_id["ch4-02"].passage, by_id["ch4-02"].counterpoint) == (
        "4 modes of exchange",
        "we have to let go of thinking ‘exchange’.. dang",
    )
    assert by_id["ch4-03"].passage.startswith("1\\ reciprocity of gift")
    assert by_id["ch4-04"].passage.startswith("2\\ ruling/protection")
    assert [p[:3] for p in by_id["ch4-05"].passage.split("\n\n")] == ["3\\ ", "4\\ "]


def test_footnote_marks_in_a_counterpoint_point_into_its_passage(seed: list[Entry]) -> None:
    for entry in seed:
        marks = set(FOOTNOTE.findall(entry.counterpoint))
        assert marks <= set(FOOTNOTE.findall(entry.passage)), entry.id


def test_the_essay_entry_pairs_all_four_footnotes(seed: list[Entry]) -> None:
    [essay] = [e for e in seed if e.chapter == "notes: ecosystem of cbpp essay (2018)"]
    assert FOOTNOTE.findall(essay.passage) == ["*", "**", "***", "****"]
    assert FOOTNOTE.findall(essay.counterpoint) == ["*", "**", "***", "****"]
    assert [p[:12] for p in essay.counterpoint.split("\n\n")] == [
        "*let’s try 2",
        "***let’s try",
        "****best pro",
    ]


def test_the_annotators_spelling_is_kept(seed: list[Entry]) -> None:
    counterpoints = "\n".join(entry.counterpoint for entry in seed)
    passages = "\n".join(entry.passage for entry in seed)
    assert counterpoints.count("cure ios city") == 6
    assert counterpoints.count("common ing") == 5
    assert counterpoints.count("a nother way") == 3
    assert "teh internet lies in tits capacity" in passages


def test_tweets_links_and_the_table_of_contents_are_not_passages(seed: list[Entry]) -> None:
    text = "\n".join(entry.passage for entry in seed)
    for absent in ("tweeted", "http", "Table of Contents", "platform cooperatives", "ie’s:"):
        assert absent not in text
    # The tweet at source lines 139-142 repeats ch1-18's reply; only ch1-18 carries it.
    reply = "reciprocity/tit-for-tat-ness is a killer.. ie: 10 day care ness"
    assert [e.id for e in seed if e.counterpoint == reply] == ["ch1-18"]


def test_the_default_path_is_the_seed_corpus() -> None:
    assert load_corpus() == load_corpus(SEED)
    assert default_corpus_path() in {SEED, ROOT / "bot" / "seeds" / "corpus.md"}


def test_the_seed_path_prefers_the_copy_inside_the_installed_package(tmp_path: Path) -> None:
    package = tmp_path / "bot"
    (package / "seeds").mkdir(parents=True)
    assert _seed_path(package) == tmp_path / "seeds" / "corpus.md"
    write(package / "seeds", "")
    assert _seed_path(package) == package / "seeds" / "corpus.md"


# The format -----------------------------------------------------------------------------------

FULL = """\
# A reading

source: somebody (2024)

<!-- a note
     over two lines -->

## one
chapter: first part

> A passage, its first paragraph,
> written over two lines.
>
> Its **second** paragraph.

a counterpoint: with a colon
<!-- a note inside the counterpoint -->
and a second line

its second paragraph

## two-2
Chapter: first part
> quoted right under the field
> <!-- cut --> and kept
answered right under the quote
"""


def test_a_file_with_every_feature_reads_as_expected(tmp_path: Path) -> None:
    assert load_corpus(write(tmp_path, FULL)) == [
        Entry(
            id="one",
            chapter="first part",
            passage=(
                "A passage, its first paragraph,\nwritten over two lines.\n\n"
                "Its **second** paragraph."
            ),
            counterpoint="a counterpoint: with a colon\nand a second line\n\nits second paragraph",
            line=8,
        ),
        Entry(
            id="two-2",
            chapter="first part",
            passage="quoted right under the field\nand kept",
            counterpoint="answered right under the quote",
            line=22,
        ),
    ]


def test_windows_line_endings_and_a_byte_order_mark_are_fine(tmp_path: Path) -> None:
    text = "\ufeff## a\r\nchapter: c\r\n\r\n> p\r\n\r\nq\r\n"
    assert load_corpus(write(tmp_path, text)) == [
        Entry(id="a", chapter="c", passage="p", counterpoint="q", line=1)
    ]


def test_blockquotes_parted_by_a_blank_line_are_two_passage_paragraphs(tmp_path: Path) -> None:
    [entry] = load_corpus(write(tmp_path, "## a\nchapter: c\n\n> one\n\n> two\n\nq\n"))
    assert (entry.passage, entry.counterpoint) == ("one\n\ntwo", "q")


GOOD = "## a-1\nchapter: one\n\n> passage\n\ncounter\n"
OUTSIDE = "entries start with '## <id>' (or make it a comment: <!-- ... -->)"
BROKEN = [
    ("empty file", "", [(1, "no entries: each entry starts with a line '## <id>'")]),
    ("only blank lines", "\n \n\n", [(1, "no entries: each entry starts with a line '## <id>'")]),
    (
        "a title but no entries",
        "# Title\n\nsource: x\n",
        [(1, "no entries: each entry starts with a line '## <id>'")],
    ),
    (
        "empty passage",
        "## a\nchapter: c\n\ncounter\n",
        [(1, "entry 'a' has an empty passage: quote it in lines starting with '> '")],
    ),
    (
        "passage of bare quote marks",
        "## a\nchapter: c\n\n>\n>\n\ncounter\n",
        [(1, "entry 'a' has an empty passage: quote it in lines starting with '> '")],
    ),
    (
        "missing counterpoint",
        "## a\nchapter: c\n\n> p\n",
        [(1, "entry 'a' has no counterpoint: write it as paragraphs after the passage")],
    ),
    (
        "counterpoint that is only a comment",
        "## a\nchapter: c\n\n> p\n\n<!-- to do -->\n",
        [(1, "entry 'a' has no counterpoint: write it as paragraphs after the passage")],
    ),
    (
        "duplicate id",
        GOOD + "\n" + GOOD,
        [(8, "duplicate id 'a-1' (first used at line 1)")],
    ),
    (
        "bad encoding",
        b"## a\nchapter: c\n\n> caf\xe9\n\nx\n",
        [(4, "not UTF-8: byte 0xe9 at column 6 cannot be read; save the file as UTF-8")],
    ),
    (
        "unknown field",
        "## a\nchapter: c\nauthor: me\n\n> p\n\nq\n",
        [(3, "unknown field 'author' (known fields: chapter)")],
    ),
    (
        "missing chapter",
        "## a\n\n> p\n\nq\n",
        [(1, "entry 'a' has no chapter: add a line 'chapter: ...' under its heading")],
    ),
    ("empty chapter", "## a\nchapter:\n\n> p\n\nq\n", [(2, "field 'chapter' is empty")]),
    (
        "chapter given twice",
        "## a\nchapter: c\nchapter: d\n\n> p\n\nq\n",
        [(3, "field 'chapter' is given twice")],
    ),
    (
        "text before the first entry",
        "stray words\nmore of them\n\n" + GOOD,
        [(1, f"text outside an entry: 'stray words'; {OUTSIDE}")],
    ),
    (
        "a quote before the first entry",
        "# T\n> quoted\n\n" + GOOD,
        [(2, f"text outside an entry: '> quoted'; {OUTSIDE}")],
    ),
    (
        "two titles",
        "# A\n# B\n\n" + GOOD,
        [(2, "only one '# title' line is allowed; entries start with '## <id>'")],
    ),
    (
        "bad id",
        "## Ch 1\nchapter: c\n\n> p\n\nq\n",
        [(1, "bad id 'Ch 1': use a-z, 0-9 and '-' only, e.g. 'ch1-01'")],
    ),
    (
        "missing id",
        "##\nchapter: c\n\n> p\n\nq\n",
        [(1, "entry has no id: write '## <id>', e.g. '## ch1-01'")],
    ),
    (
        "passage after the counterpoint",
        "## a\nchapter: c\n\n> p\n\nq\n\n> late\n",
        [(8, "passage line ('>') after the counterpoint: the passage must come first")],
    ),
    (
        "unclosed comment",
        GOOD + "\n<!-- note\nmore\n",
        [(8, "comment '<!--' is never closed with '-->'")],
    ),
    (
        "a title among the entries",
        GOOD + "\n# Again\n",
        [(8, "a '# title' belongs at the top of the file, before the first entry")],
    ),
    (
        "a deeper heading",
        GOOD + "\n### sub\n",
        [(8, "unexpected heading '### sub': entries start with '## <id>'")],
    ),
    (
        "several problems at once",
        "oops\n\n## a\n\n> p\n\n## a\nchapter: c\n\nq\n",
        [
            (1, f"text outside an entry: 'oops'; {OUTSIDE}"),
            (3, "entry 'a' has no chapter: add a line 'chapter: ...' under its heading"),
            (3, "entry 'a' has no counterpoint: write it as paragraphs after the passage"),
            (7, "duplicate id 'a' (first used at line 3)"),
            (7, "entry 'a' has an empty passage: quote it in lines starting with '> '"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    [pytest.param(content, expected, id=name) for name, content, expected in BROKEN],
)
def test_a_broken_file_names_file_and_line_of_each_problem(
    tmp_path: Path, content: str | bytes, expected: list[tuple[int, str]]
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(CorpusError) as caught:
        load_corpus(path)
    error = caught.value
    assert error.problems == expected
    assert (error.path, error.line, error.message) == (path, *expected[0])
    assert str(error) == "\n".join(f"{path}:{line}: {message}" for line, message in expected)


def test_one_broken_entry_fails_the_whole_file(tmp_path: Path) -> None:
    good = "".join(f"## e{n}\nchapter: c\n\n> p{n}\n\nq{n}\n\n" for n in range(5))
    path = write(tmp_path, good + "## bad\nchapter: c\n\n> p\n")
    assert problems_of(path) == [
        (36, "entry 'bad' has no counterpoint: write it as paragraphs after the passage")
    ]


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_corpus(tmp_path / "nowhere.md")


# Rotation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [0, 1, 17, 65, 66, 67, 3 * 66 + 5])
def test_rotation_posts_every_entry_once_per_cycle_in_order(seed: list[Entry], start: int) -> None:
    size = len(seed)
    posted = [entry_at(seed, start + day) for day in range(3 * size)]
    offset = start % size
    one_cycle = seed[offset:] + seed[:offset]
    assert posted == one_cycle * 3


def test_rotation_never_repeats_before_everything_was_posted(seed: list[Entry]) -> None:
    posted = [entry_at(seed, 40 + day).id for day in range(2 * len(seed) + 7)]
    for first in range(len(posted) - len(seed) + 1):
        window = posted[first : first + len(seed)]
        assert sorted(window) == sorted(entry.id for entry in seed)


def test_rotation_of_a_small_corpus(tmp_path: Path) -> None:
    corpus = load_corpus(
        write(tmp_path, "".join(f"## e{n}\nchapter: c\n\n> p\n\nq\n\n" for n in range(3)))
    )
    posted = [entry_at(corpus, position).id for position in range(2, 9)]
    assert posted == ["e2", "e0", "e1", "e2", "e0", "e1", "e2"]


def test_rotation_of_an_empty_corpus_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        entry_at([], 0)


# The command line -----------------------------------------------------------------------------


def run_cli(*args: str) -> Result:
    from bot.cli.main import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_corpus_list_json_prints_every_seed_entry(seed: list[Entry]) -> None:
    result = run_cli("corpus", "list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    keys = ("id", "chapter", "passage", "counterpoint")
    assert [{key: row[key] for key in keys} for row in rows] == [
        {key: getattr(entry, key) for key in keys} for entry in seed
    ]


def test_corpus_list_json_reads_another_corpus(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    result = run_cli("corpus", "list", "--corpus", str(path), "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [
        {key: row[key] for key in ("id", "chapter", "passage", "counterpoint")} for row in rows
    ] == [{"id": "a-1", "chapter": "one", "passage": "passage", "counterpoint": "counter"}]


def test_corpus_list_is_readable_without_json(seed: list[Entry]) -> None:
    result = run_cli("corpus", "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"[{seed[0].id}] {seed[0].chapter}"
    for entry in seed:
        assert f"[{entry.id}] {entry.chapter}" in result.stdout


def test_corpus_check_of_the_seed_prints_one_summary_line(seed: list[Entry]) -> None:
    result = run_cli("corpus", "check", str(SEED))
    assert result.exit_code == 0
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{SEED}: {len(seed)} entries")
    assert line.endswith("OK")


@pytest.mark.parametrize(
    ("content", "expected"),
    [pytest.param(BROKEN[n][1], BROKEN[n][2], id=BROKEN[n][0]) for n in (0, 5, 7, 8, 9, 22)],
)
def test_corpus_check_of_a_broken_file_exits_1_with_file_line_messages(
    tmp_path: Path, content: str | bytes, expected: list[tuple[int, str]]
) -> None:
    path = write(tmp_path, content)
    result = run_cli("corpus", "check", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    printed = result.stderr.splitlines()
    assert printed[: len(expected)] == [f"{path}:{line}: {message}" for line, message in expected]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("# Lecturas\nlanguage: ES\n", "es"),
        ("# Readings\nsource: notes\n", None),
        ("# Readings\n", None),
    ],
)
def test_the_header_says_the_corpus_language(tmp_path, header, expected):
    path = tmp_path / "corpus.md"
    body = "## one\nchapter: c\nlanguage: de\n\n> A passage.\n\nA counterpoint.\n"
    path.write_text(header + "\n" + body, encoding="utf-8")
    assert corpus_language(path) == expected


def test_the_bundled_corpus_is_english():
    assert corpus_language() == "en"
