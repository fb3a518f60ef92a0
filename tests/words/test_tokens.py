"""Words as a person reads them: markup, links, mentions, commands and numbers are never words."""

import pytest

from bot.words.tokens import word_pairs, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How does reciprocity work?", ["how", "does", "reciprocity", "work"]),
        (
            '<b>Seeds</b> <img src="x.png"> and <a href="https://e.org/commons">x</a>',
            ["seeds", "and"],
        ),
        ("&lt;img src=x&gt; seeds", ["seeds"]),
        ("read https://example.com/reciprocity-and-seeds today", ["read", "today"]),
        ("see www.example.org/enclosure or example.com/seeds", ["see"]),
        ("ask @maintainers_club or mail ana@example.org", ["ask", "mail"]),
        ("/curious@commons_bot what is sortition", ["what", "sortition"]),
        ("2024 or 2025, p2p, covid19", ["covid"]),
        ("l'entraide, dell'orto, Ostrom's", ["entraide", "dell", "orto", "ostrom"]),
        ("Peer-to-peer, AI, ok", ["peer", "peer"]),
        ("Почему взаимопомощь исчезает?", ["почему", "взаимопомощь", "исчезает"]),
        ("", []),
    ],
)
def test_words_are_lowercase_letters_only_with_markup_gone(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How does a group share without keeping score?", [
            ("how", "does"), ("group", "share"), ("share", "without"), ("without", "keeping"),
            ("keeping", "score"),
        ]),
        ("land of trust", []),
        ("a land trust. Trust, land", [("land", "trust")]),
        ('<a href="https://e.org">land</a> trust', [("land", "trust")]),
    ],
)  # fmt: skip
def test_word_pairs_stand_side_by_side_within_a_phrase(text, expected):
    assert word_pairs(text) == expected
