"""Theme detection: light stemming, stop words, and the groups found in real sentences."""

import pytest

from bot.core.themes import Theme, Voice, find_themes, join_names, stem, tokens


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("commons", "common"),
        ("common", "common"),
        ("communities", "commun"),
        ("community", "commun"),
        ("communal", "commun"),
        ("reciprocity", "reciproc"),
        ("reciprocal", "reciproc"),
        ("reciprocally", "reciproc"),
        ("sharing", "shar"),
        ("shared", "shar"),
        ("share", "shar"),
        ("shares", "shar"),
        ("running", "run"),
        ("falling", "fall"),
        ("passing", "pass"),
        ("studied", "study"),
        ("studies", "study"),
        ("boxes", "box"),
        ("churches", "church"),
        ("gifts", "gift"),
        ("economies", "economy"),
        ("politics", "politic"),
        ("political", "politic"),
        ("people's", "peopl"),
        ("status", "status"),
        ("thesis", "thesis"),
        ("class", "class"),
        ("local", "local"),
        ("locally", "local"),
        ("city", "city"),
        ("bus", "bus"),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm curious about the commons!", ["commons"]),
        ("How do GIFT economies work?", ["gift", "economies", "work"]),
        ("Why is trust so hard, online?", ["trust", "hard", "online"]),
        ("The commons’ rules, 2019 edition", ["commons", "rules", "edition"]),
        ("AI and me, ok", []),
        ("", []),
        ("Peer-to-peer production", ["peer", "peer", "production"]),
        ("Ostrom's design principles", ["ostrom's", "design", "principles"]),
        ("Café coopératif à Montréal", ["café", "coopératif", "montréal"]),
    ],
)
def test_tokens_drop_stop_words_short_words_and_digits(text, expected):
    assert tokens(text) == expected


# Real curiosities, as members wrote them; the groups a person would draw are known.
CURIOSITIES = [
    ("Ana", "How does reciprocity work when nobody keeps accounts?"),
    ("Bo", "Is reciprocal care possible between strangers?"),
    ("Cy", "What would a commons-based economy look like in my town?"),
    ("Di", "Can open source communities pay their maintainers fairly?"),
    ("Eve", "Whether the commons can survive without a state"),
    ("Fay", "How do maintainers avoid burnout?"),
    ("Gus", "Why do we trust strangers online?"),
    ("Hal", "I wonder what you all think about this, really"),
]


def test_find_themes_groups_people_who_wonder_about_the_same_thing():
    voices = [Voice(name, text) for name, text in CURIOSITIES]
    assert find_themes(voices) == [
        Theme(words=("reciprocity",), people=("Ana", "Bo"), voices=(0, 1)),
        Theme(words=("strangers",), people=("Bo", "Gus"), voices=(1, 6)),
        Theme(words=("commons",), people=("Cy", "Eve"), voices=(2, 4)),
        Theme(words=("maintainers",), people=("Di", "Fay"), voices=(3, 5)),
    ]


def test_three_people_share_one_theme_and_two_of_them_another():
    voices = [
        Voice("Ana", "Reciprocity in care work"),
        Voice("Bo", "care and reciprocity between neighbours"),
        Voice("Cy", "Is reciprocity the same as a gift?"),
    ]
    assert find_themes(voices) == [
        Theme(words=("reciprocity",), people=("Ana", "Bo", "Cy"), voices=(0, 1, 2)),
        Theme(words=("care",), people=("Ana", "Bo"), voices=(0, 1)),
    ]


def test_words_shared_by_the_same_people_make_one_theme_named_by_the_most_used():
    voices = [
        Voice("Ana", "Gift economies and gifts in general"),
        Voice("Bo", "the gift economy"),
    ]
    assert find_themes(voices) == [
        Theme(words=("gift", "economies"), people=("Ana", "Bo"), voices=(0, 1)),
    ]


def test_one_person_repeating_a_word_is_not_a_theme():
    voices = [Voice("Ana", "reciprocity"), Voice("Ana", "more reciprocity"), Voice("Bo", "trust")]
    assert find_themes(voices) == []


def test_thread_messages_join_a_theme_but_never_start_one():
    voices = [
        Voice("Ana", "How does reciprocity scale?"),
        Voice("Bo", "Reciprocity needs trust", wondering=False),
        Voice("Cy", "trust is slow", wondering=False),
    ]
    assert find_themes(voices) == [
        Theme(words=("reciprocity",), people=("Ana", "Bo"), voices=(0, 1)),
    ]


def test_themes_are_deterministic_and_in_order_of_first_appearance():
    voices = [Voice(name, text) for name, text in reversed(CURIOSITIES)]
    first = find_themes(voices)
    assert [t.words for t in first] == [
        ("strangers",),
        ("maintainers",),
        ("commons",),
        ("reciprocal",),  # a tie between forms goes to the one seen first
    ]
    assert find_themes(voices) == first


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["Ana"], "Ana"),
        (["Ana", "Bo"], "Ana and Bo"),
        (["Ana", "Bo", "Cy"], "Ana, Bo and Cy"),
        (["Ana", "Bo", "Cy", "Di"], "Ana, Bo, Cy and Di"),
    ],
)
def test_join_names(names, expected):
    assert join_names(names) == expected
