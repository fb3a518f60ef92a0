"""Grouping people by the keys they share: whole themes, few lines, nobody named by accident.

Voices here carry hand-made keys, so each rule of the grouping is seen on its own; how text
becomes keys is tested in tests/words.
"""

import pytest

from bot.core.themes import Theme, Voice, Word, find_themes, join_names

RARE = 3.0  # as rare as "reciprocity"
COMMON = 4.8  # as common as "survive" or "library"


def voice(person: str, *keys: str, zipf: float = RARE, wondering: bool = True) -> Voice:
    """Return a voice whose words are the keys themselves, all of one commonness."""
    return Voice(person, tuple(Word(key, key, zipf) for key in keys), wondering)


def test_people_sharing_a_key_make_one_theme_in_order_of_first_appearance():
    voices = [
        voice("Ana", "reciprocity", "accounts"),
        voice("Bo", "strangers", "reciprocity"),
        voice("Cy", "maintainers"),
        voice("Di", "maintainers"),
        voice("Eve", "strangers"),
        voice("Fay", "burnout"),
        voice("Gus", "enclosure"),
        voice("Hal", "compost"),
        voice("Ida", "sortition"),
    ]
    assert find_themes(voices) == [
        Theme(words=("reciprocity",), people=("Ana", "Bo"), voices=(0, 1)),
        Theme(words=("strangers",), people=("Bo", "Eve"), voices=(1, 4)),
        Theme(words=("maintainers",), people=("Cy", "Di"), voices=(2, 3)),
    ]


def test_keys_shared_by_the_same_people_make_one_theme_named_by_the_most_used():
    voices = [
        Voice("Ana", (Word("k:gift", "gifts", RARE), Word("k:econ", "economies", RARE))),
        Voice("Bo", (Word("k:gift", "gift", RARE), Word("k:econ", "economy", RARE))),
        Voice("Cy", (Word("k:gift", "gifts", RARE),), wondering=False),
    ]
    assert find_themes(voices) == [
        Theme(words=("gifts", "economies"), people=("Ana", "Bo", "Cy"), voices=(0, 1, 2)),
    ]


def test_a_narrower_group_sharing_a_word_folds_into_the_wider_one():
    # Ana and Bo match in their language and, through the same word, Cy in another.
    english = (Word("en:wikipedia", "wikipedia", RARE), Word("*:wikipedia", "wikipedia", RARE))
    spanish = (Word("es:wikipedi", "wikipedia", RARE), Word("*:wikipedia", "wikipedia", RARE))
    voices = [Voice("Ana", english), Voice("Bo", english), Voice("Cy", spanish)]
    assert find_themes(voices) == [
        Theme(words=("wikipedia",), people=("Ana", "Bo", "Cy"), voices=(0, 1, 2)),
    ]


def test_a_narrower_group_with_other_words_stays_its_own_theme():
    voices = [
        voice("Ana", "sortition", "lottery"),
        voice("Bo", "sortition", "lottery"),
        voice("Cy", "sortition"),
        *(voice(name, name) for name in ("Di", "Eve", "Fay")),  # six curiosities: two lines
    ]
    assert [t.people for t in find_themes(voices)] == [("Ana", "Bo", "Cy"), ("Ana", "Bo")]


@pytest.mark.parametrize(
    ("zipfs", "themes"),
    [
        ((RARE, RARE), 1),
        ((COMMON, COMMON), 0),  # everyday words, however many share them
        ((2.4, COMMON), 1),  # "maintainers" and "maintain": rare on average
        ((4.3, 4.5), 0),  # just above the line on average
    ],
)
def test_a_key_connects_only_when_the_forms_people_wrote_are_rare_on_average(zipfs, themes):
    voices = [
        Voice(name, (Word("en:k", "k", z),)) for name, z in zip(("Ana", "Bo"), zipfs, strict=True)
    ]
    assert len(find_themes(voices)) == themes


def test_a_person_counts_with_their_rarest_form_of_a_key():
    maintain, maintainers = (
        Word("en:maintain", "maintain", COMMON),
        Word("en:maintain", "maintainers", 2.4),
    )
    voices = [Voice("Ana", (maintain, maintainers)), Voice("Bo", (maintainers,))]
    assert [t.people for t in find_themes(voices)] == [("Ana", "Bo")]


def test_at_most_one_theme_per_three_curiosities_keeping_the_widest_then_the_rarest():
    voices = [
        voice("Ana", "ostrom", "sortition"),
        Voice("Bo", (Word("ostrom", "ostrom", 2.0), Word("seeds", "seeds", 4.0))),
        voice("Cy", "sortition", "seeds"),
        voice("Di", "sortition"),
        voice("Eve", "seeds"),
        voice("Fay", "ostrom"),
    ]
    # Six curiosities: two lines. "sortition" has three people; "ostrom" is rarer than "seeds".
    themes = find_themes(voices)
    assert [(t.words, t.people) for t in themes] == [
        (("ostrom",), ("Ana", "Bo", "Fay")),
        (("sortition",), ("Ana", "Cy", "Di")),
    ]


def test_a_person_sharing_nothing_is_never_named():
    voices = [voice("Ana", "reciprocity"), voice("Bo", "reciprocity"), voice("Cy", "burnout")]
    assert [p for t in find_themes(voices) for p in t.people] == ["Ana", "Bo"]


def test_one_person_repeating_a_key_is_not_a_theme():
    voices = [voice("Ana", "reciprocity"), voice("Ana", "reciprocity"), voice("Bo", "trust")]
    assert find_themes(voices) == []


def test_thread_messages_join_a_theme_but_never_start_one():
    voices = [
        voice("Ana", "reciprocity"),
        voice("Bo", "reciprocity", "trust", wondering=False),
        voice("Cy", "trust", wondering=False),
    ]
    assert find_themes(voices) == [
        Theme(words=("reciprocity",), people=("Ana", "Bo"), voices=(0, 1)),
    ]


def test_themes_are_deterministic_and_in_order_of_first_appearance():
    voices = [voice("Ana", "k1"), voice("Cy", "k2"), voice("Bo", "k1"), voice("Di", "k2")]
    assert [t.people for t in find_themes(voices)] == [("Ana", "Bo"), ("Cy", "Di")]
    assert find_themes(voices) == find_themes(list(voices))


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
