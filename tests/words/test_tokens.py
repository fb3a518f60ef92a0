"""Words as a person reads them: markup, links, mentions, commands and numbers are never words."""

import html
import random

import pytest

from bot.words.tokens import _MARKUP, kept_words, readable_text, word_pairs, words


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


# Varied text for the shortcuts below: markup of every kind, near-markup ("x < y", "a/b",
# "e.g."), accents, German, Russian, Greek (whose final sigma lowercases by its neighbours)
# and every kind of whitespace.
PIECES = [
    "Reciprocity", "reciprocal,", "happy", "happiness?", "Häuser", "Haus.", "Straße", "größer",
    "общество", "Общины!", "ёлки", "ΟΔΟΣ", "ΣΟΦΟΣ.", "ὈΔΌΣ’Σ", "l'entraide", "peer-to-peer",
    "x<y", "<", ">", "<b>bold</b>", '<a href="https://e.org/x">link</a>', "&lt;img&gt;", "&amp;",
    "&", "&#10;", "a/b", "/curious", "@ana", "ana@example.org", "www.example.org", "WWW.Foo",
    "example.com", "e.g.", "Example.COM/seeds", "i.e", "2024", "p2p", "İstanbul", "ﬁnance",
    "🌱", "_x_",
]  # fmt: skip
SPACES = [" ", "  ", "\n", "\t", "\u00a0", "\u2028", "\u3000", " \n "]


def varied_texts(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(PIECES) + rng.choice(SPACES) for _ in range(rng.randint(0, 12)))
        for _ in range(count)
    ]


@pytest.mark.parametrize("text", varied_texts(400))
def test_the_quick_look_for_markup_never_misses_any(text):
    assert readable_text(text) == _MARKUP.sub(" ", html.unescape(text))


def test_the_kept_words_are_each_word_once_in_the_order_first_used():
    said = "Seeds, SEEDS and more seeds: who keeps the <b>seeds</b>? https://seeds.org/more"
    assert kept_words(said) == "seeds and more who keeps the"


@pytest.mark.parametrize("text", varied_texts(400, seed=4))
def test_the_kept_words_hold_every_word_of_the_text_and_no_other(text):
    kept = kept_words(text).split()
    assert (sorted(kept), len(kept)) == (sorted(set(words(text))), len(set(kept)))
