"""The labelled curiosities: resonances find real shared concerns and never name a loner.

The figures are counted by bench/bench_resonances.py, which prints them for every way of
keying words that was measured; these tests hold the bot's own way to the goals.
"""

import pytest

from bench.bench_resonances import LONER, labelled_set, measure
from bot.core.corpus import load_corpus
from bot.words import lexicon_for
from bot.words.frequency import detect_language
from bot.words.tokens import words

LEXICON = lexicon_for(tuple(load_corpus()))


def test_the_labelled_set_is_hard_enough_to_mean_something():
    curiosities = labelled_set()
    themes: dict[str, int] = {}
    for c in curiosities:
        themes[c.theme] = themes.get(c.theme, 0) + 1
    loners = themes.pop(LONER)
    assert len(curiosities) >= 80
    assert len({c.language for c in curiosities}) >= 4
    assert len(themes) >= 12 and all(2 <= size <= 5 for size in themes.values())
    assert loners >= 15


def test_the_labelled_set_meets_its_goals():
    figures = measure(LEXICON, labelled_set())
    assert figures.loners_named == 0
    assert figures.precision >= 0.95
    assert figures.recall >= 0.85


def test_curiosities_never_used_to_choose_the_rule_name_no_loner_and_no_wrong_pair():
    # Recall is lower on these (themes such as "land trust" share no word a lexicon can
    # see), but a wrong resonance is worse than none.
    figures = measure(LEXICON, labelled_set("heldout.tsv"))
    assert (figures.loners_named, figures.precision) == (0, 1.0)
    assert figures.recall >= 0.6


@pytest.mark.parametrize("name", ["curiosities.tsv", "heldout.tsv"])
def test_every_curiosity_of_the_labelled_sets_is_read_in_its_own_language(name):
    from_set = [(c.language, c.text) for c in labelled_set(name)]
    assert [(detect_language(words(text)), text) for _, text in from_set] == from_set
