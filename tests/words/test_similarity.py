"""Closeness of passages by their specific stems: a line of the book, a rewording of a queued
suggestion, and texts about other things, in English and in Spanish."""

from __future__ import annotations

import pytest

from bot.core.corpus import default_corpus_path, load_corpus
from bot.words import lexicon_for
from bot.words.similarity import Closeness, close_to, closest, specific_stems

BOOK = tuple(load_corpus(default_corpus_path()))
LEXICON = lexicon_for(BOOK)
ALLOCATE = (
    "P2P can also be a mode to allocate resources that do not involve any specific "
    "reciprocity between individuals but only between the individuals and the collective "
    "resource."
)
GARDENS_ES = "Los jardines comunitarios enseñan a los vecinos a cuidar la tierra juntos."


def test_a_line_of_the_book_is_close_to_its_passage():
    found = close_to(ALLOCATE, BOOK, [])
    # Every specific stem of the line is its passage's: allocate, collective, individual...
    assert found is not None and (found.label, found.share) == ("ch1-06", 1.0)
    assert found.shared >= 6


def test_other_endings_and_case_are_the_same_stems():
    reworded = "ALLOCATING a resource with reciprocities between collectives."
    assert specific_stems(LEXICON, reworded) >= specific_stems(LEXICON, "allocate reciprocity")


@pytest.mark.parametrize(
    ("text", "queued", "expected"),
    [
        (
            "Un jardín comunitario enseña a sus vecinos cómo cuidar de la tierra.",
            GARDENS_ES,
            Closeness("suggestion:1", 1.0, 6),
        ),
        ("La moneda local circula más rápido que el dinero de los bancos.", GARDENS_ES, None),
        (
            "Shared sheds lend ladders and drills to the whole street.",
            "The street's shared shed lends a ladder, a drill and a saw.",
            Closeness("suggestion:1", 1.0, 5),
        ),
        (
            "Bees pollinate orchards while farmers sleep under August stars.",
            "The street's shared shed lends a ladder, a drill and a saw.",
            None,
        ),
    ],
)
def test_a_suggestion_close_to_a_queued_one_and_one_that_is_not(text, queued, expected):
    assert close_to(text, BOOK, [("suggestion:1", queued)]) == expected


def test_the_books_background_words_make_nothing_close():
    # "peer", "commons" and "production" fill the book: sharing them says nothing.
    text = "Commons-based peer production of commons by peers."
    assert closest(LEXICON, text, [("x", "Peer production builds a commons.")]) is None
