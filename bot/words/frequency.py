"""How common words are in each language, from wordfreq's lists, and so which language it is.

Only wordfreq's "small" lists are read: every word at Zipf 3 or more (once in a million words),
some 25,000 to 60,000 per language. A rarer word counts as Zipf 0: rare is all that matters.
Each language is read once, on first use, into two tables: words, and word families (all the
words with one Snowball stem but the language's stop words, their frequencies summed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from wordfreq import available_languages, cB_to_freq, read_cBpack

from bot.words.language import LANGUAGES, stems, stop_words


@dataclass(frozen=True)
class Frequencies:
    """One language's words and word families, each with its Zipf frequency."""

    words: dict[str, float]
    families: dict[str, float]


def zipf(word: str, language: str) -> float:
    """Return how common a lowercase word is in language on the Zipf scale (0 if rare)."""
    return frequencies(language).words.get(word, 0.0)


def family_zipf(stem: str, language: str) -> float:
    """Return how common a stem's family of words is in language (0 if rare).

    An inflected language spreads a word over many forms, so "decidir" alone is rarer than
    "decide" in English; summed over its forms it is as common, and so as generic. A stop word
    that Snowball cuts to the same stem is another word and is not counted: Italian "bene"
    ("well") would make "beni" ("goods", as in "beni comuni") as common as itself, Spanish
    "como" would make "comida" so. Chosen on tests/data/resonances/unseen.tsv ("beni comuni").
    """
    return frequencies(language).families.get(stem, 0.0)


def detect_language(words: Sequence[str]) -> str | None:
    """Return the language in which the words are most common together, or None if no words.

    On curiosities this is as right as a character model and better on short ones
    ("open source maintainers" is English, not French): see bench/bench_resonances.py.
    """
    if not words:
        return None
    # Summed in C (map over the table's get): a busy day has thousands of curiosities.
    scores = [sum(map(frequencies(lang).words.get, words, repeat(0.0))) for lang in LANGUAGES]
    return LANGUAGES[scores.index(max(scores))]  # a tie goes to the first language


@lru_cache(maxsize=len(LANGUAGES))
def frequencies(language: str) -> Frequencies:
    """Return one language's tables, read from wordfreq's small list (once per language)."""
    words: dict[str, float] = {}
    families: dict[str, float] = {}
    stop = stop_words(language)  # each a family of its own (bot.words.lexicon.STOP_WORD)
    # Bin n of a cBpack holds the words of frequency -n centibels.
    for rank, words_in_bin in enumerate(read_cBpack(available_languages("small")[language])):
        frequency = cB_to_freq(-rank)
        for word in words_in_bin:
            words[word] = _zipf_of(frequency)
            if word in stop:
                continue
            for stem in stems(word, language):
                families[stem] = families.get(stem, 0.0) + frequency
    return Frequencies(words, {stem: _zipf_of(f) for stem, f in families.items()})


def _zipf_of(frequency: float) -> float:
    return math.log10(frequency) + 9
