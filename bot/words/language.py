"""The languages resonances understand, and the Snowball stems of their words."""

from __future__ import annotations

import threading

import Stemmer

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
