"""The languages resonances understand, the Snowball stems of their words, and their stop words."""

from __future__ import annotations

import threading
from functools import lru_cache

import Stemmer
from stop_words import get_stop_words

# Every language here has a Snowball stemmer (PyStemmer) and a frequency list (wordfreq).
# English first: a tie goes to the language of the book.
SNOWBALL = {
    "en": "english",
    "es": "spanish",
    "de": "german",
    "fr": "french",
    "pt": "portuguese",
    "it": "italian",
    "ru": "russian",
}
LANGUAGES = tuple(SNOWBALL)

_local = threading.local()  # a Snowball stemmer must not be shared between threads


def stems(form: str, language: str) -> tuple[str, ...]:
    """Return a lowercase word's Snowball stem, then the stem of that if it differs.

    Snowball is not idempotent: it cuts "asambleas" to "asambl" but "asamblea" to "asamble",
    and "asamble" to "asambl" again. Either stem shared is a match.
    """
    stemmer = _stemmer(language)
    stem = stemmer.stemWord(form)
    again = stemmer.stemWord(stem)
    return (stem,) if again == stem else (stem, again)


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmers: dict[str, Stemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(SNOWBALL[language])
    return stemmers[language]


# Stop words cut by an apostrophe ("quest'anno", "jusqu'à"), which the lists hold whole only.
ELIDED_STOP_WORDS = {
    "it": "quest quell coll tutt",
    "fr": "lorsqu jusqu puisqu quoiqu presqu",
}


@lru_cache(maxsize=len(LANGUAGES))
def stop_words(language: str) -> frozenset[str]:
    """Return the words a language says anything with ("tanto", "quindi", "because").

    From the stop-words package's list for the language (a few hundred words each, shipped in
    its wheel), in lowercase as written, accents and all ("más"), and the same words cut by an
    apostrophe (Italian "quest'", French "jusqu'").
    """
    listed = (word.lower() for word in get_stop_words(language))
    return frozenset((*listed, *ELIDED_STOP_WORDS.get(language, "").split()))
