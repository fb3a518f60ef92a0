"""Grouping people by the keys they share: whole themes, few lines, nobody named by accident.

Voices here carry hand-made keys, so each rule of the grouping is seen on its own; how text
becomes keys is tested in tests/words.
"""

import pytest

from bot.core.themes import (
    MANY_LENIENCY,
    SURPRISE,
    Theme,
    Voice,
    Word,
    binomial_tail,
    find_themes,
    join_names,
    resonant_keys,
)

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


def test_an_everyday_word_of_a_wider_group_joins_nobody_its_phrase_already_joins():
    # Three ask about a land trust, a fourth keeps thinking about trust: four of a dozen saying
    # "trust" is a surprise only because of the three; one more saying it is none.
    trust, land_trust = Word("en:trust", "trust", 5.2), Word("en:land trust", "land trust", 3.0)
    voices = [Voice(name, (trust, land_trust)) for name in ("Ana", "Bo", "Cy")]
    voices += [Voice("Di", (trust,))]
    voices += [voice(n, f"en:{n}") for n in ("Eve", "Fay", "Gil", "Hal", "Ida", "Jo", "Kai", "Lu")]
    assert [(t.words, t.people) for t in find_themes(voices)] == [
        (("land trust",), ("Ana", "Bo", "Cy")),
    ]


def test_a_word_spelt_alike_within_one_language_explains_nobody_away_from_its_family():
    # "maintainers" is rare and Ana and Bo wrote it; Cy wrote "maintain": one family, one theme.
    # Spelt alike, "maintainers" would join only English curiosities: it is no key of its own.
    maintainers = (
        Word("en:maintain", "maintainers", RARE),
        Word("*:maintainers", "maintainers", 0.0),
    )
    maintain = (Word("en:maintain", "maintain", 5.2), Word("*:maintain", "maintain", 5.2))
    voices = [Voice("Ana", maintainers), Voice("Bo", maintainers), Voice("Cy", maintain)]
    voices += [voice(n, f"en:{n}") for n in ("Di", "Eve", "Fay", "Gil", "Hal", "Ida")]
    assert [t.people for t in find_themes(voices)] == [("Ana", "Bo", "Cy")]


def a_day(*shared: tuple[int, float], curiosities: int = 12) -> list[Voice]:
    """Return a day of curiosities: for each (people, zipf), that many sharing one key that
    common; everyone else with a rare word of their own."""
    voices = []
    for number, (people, zipf) in enumerate(shared):
        key = f"en:shared{number}"
        voices += [Voice(f"{key}-{n}", (Word(key, key, zipf),)) for n in range(people)]
    alone = curiosities - len(voices)
    return voices + [voice(f"alone{n}", f"en:alone{n}") for n in range(alone)]


@pytest.mark.parametrize(
    ("people", "zipf", "themes"),
    [
        (2, RARE, 1),  # a rare word shared by two is a theme
        (2, 5.5, 0),  # an everyday word ("city") shared by two of a dozen is chance
        (3, 5.5, 1),  # shared by three of a dozen it is not
        (3, 6.5, 0),  # how anything is said ("what"), and the lexicon leaves such words out
        (2, 4.6, 1),  # as common as "survive" (4.5): two of a dozen are no chance
        (2, 4.9, 0),  # two are the weakest evidence: a word this common joins three or more
    ],
)
def test_a_key_connects_when_so_many_sharing_it_is_a_surprise(people, zipf, themes):
    assert len(find_themes(a_day((people, zipf)))) == themes


def test_three_sharing_an_everyday_word_among_many_are_judged_less_strictly_than_two():
    # Three of 24 saying "school" (5.7) is a surprise of 0.0027: below the 0.003 that three
    # people need, above the 0.001 that two would.
    assert [len(t.people) for t in find_themes(a_day((3, 5.7), curiosities=24))] == [3]
    assert find_themes(a_day((3, 5.7), curiosities=24), surprise=SURPRISE / MANY_LENIENCY) == []


def test_two_sharing_an_everyday_word_are_no_theme_however_few_the_days_curiosities():
    # Two of four Italian curiosities saying "fair" (5.1) would be a surprise by the odds alone.
    fair = Word("it:giust", "giusto", 5.1)
    voices = [
        Voice("Ana", (fair,)),
        Voice("Bo", (fair,)),
        voice("Cy", "it:x"),
        voice("Di", "it:y"),
    ]
    assert find_themes(voices) == []
    rarer = Word("it:condivis", "condivisi", 4.7)
    voices = [
        Voice("Ana", (rarer,)),
        Voice("Bo", (rarer,)),
        voice("Cy", "it:x"),
        voice("Di", "it:y"),
    ]
    assert [t.people for t in find_themes(voices)] == [("Ana", "Bo")]


def test_the_same_few_sharing_a_word_are_less_surprising_in_a_bigger_day():
    assert len(find_themes(a_day((3, 5.5), curiosities=12))) == 1
    assert find_themes(a_day((3, 5.5), curiosities=120)) == []


def test_a_key_of_one_language_is_judged_among_the_curiosities_of_that_language():
    # Three English curiosities of twelve share "city"; a hundred Spanish ones change nothing.
    spanish = [voice(f"es{n}", f"es:solo{n}") for n in range(100)]
    assert [len(t.people) for t in find_themes(a_day((3, 5.5)) + spanish)] == [3]


def test_the_binomial_tail_is_the_chance_of_at_least_so_many():
    assert binomial_tail(0, 5, 0.3) == 1.0
    assert binomial_tail(6, 5, 0.3) == 0.0
    assert binomial_tail(1, 3, 0.5) == pytest.approx(7 / 8)
    assert binomial_tail(2, 4, 0.1) == pytest.approx(1 - 0.9**4 - 4 * 0.1 * 0.9**3)
    assert 0 < binomial_tail(40, 1000, 1e-6) < 1e-160  # far in the tail, still above zero


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


def test_thread_messages_found_beforehand_by_key_join_themes_as_their_words_would():
    curiosities = [
        voice("Ana", "reciprocity", "seeds"),
        voice("Bo", "reciprocity"),
        voice("Cy", "seeds"),
        voice("Di", "seeds"),
    ]
    said = [("Eve", ["reciprocity"]), ("Fay", ["trust"]), ("Cy", ["reciprocity", "seeds"])]
    messages = [voice(who, *keys, wondering=False) for who, keys in said]
    written = {"reciprocity": [4, 6], "seeds": [6], "trust": [5]}
    unsaid = [Voice(who, (), False) for who, _ in said]
    assert find_themes(curiosities + unsaid, written=written) == find_themes(
        curiosities + messages
    )
    assert [t.people for t in find_themes(curiosities + unsaid, written=written)] == [
        ("Ana", "Bo", "Eve", "Cy"),
        ("Ana", "Cy", "Di"),
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


def test_thread_messages_need_matching_only_against_keys_surprising_enough():
    assert resonant_keys(a_day((3, 5.5))) == {"en:shared0"} | {f"en:alone{n}" for n in range(9)}
    assert "en:shared0" not in resonant_keys(a_day((2, 5.5)))


def test_a_word_spelt_alike_in_any_language_is_matched_once_when_its_people_are_the_same():
    def said(person: str, *keys: str) -> Voice:
        return Voice(person, tuple(Word(key, "care", RARE) for key in keys))

    voices = [said("Ana", "en:care", "*:care"), said("Bo", "en:care", "*:care")]
    assert resonant_keys(voices) == {"en:care"}
    voices.append(said("Cy", "es:care", "*:care"))  # "care" in Spanish: only the word meets
    assert resonant_keys(voices) == {"en:care", "*:care", "es:care"}
