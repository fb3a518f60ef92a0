"""Hypothesis' JSON export: quotes to passages, annotations to counterpoints."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.core.importers import import_source, parse_source
from bot.i18n import translator
from tests.core.importers.support import (
    FIXTURES,
    HEX8,
    error_of,
    ids_and_pairs,
    imported,
    write,
)

EN = translator("en")


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


# Hypothesis: odd files


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
