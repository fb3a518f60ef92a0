"""Whether two passages say nearly the same: their specific words, compared by stem.

A suggestion that repeats a line of the book, or one already waiting in the queue, shares most
of its specific words with it (the same Snowball stems in the same language), whatever their
endings, case or punctuation; two passages about different things share few or none. The
book's background (a word at least one in two hundred of the book's words are) and common
words never count, so two texts are not close because both speak of "the commons".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.corpus import Entry
from bot.words.lexicon import ANY_LANGUAGE, Lexicon, lexicon_for

# Close: at least this many specific stems shared, making at least this share of the shorter
# text's own. A line of the book pasted whole shares all of its stems with its passage.
MIN_SHARED = 2
MIN_SHARE = 0.6
# The book's own vocabulary ("peer", "commons", "production": each over 8 in a thousand of its
# words) says nothing about two passages being alike; its specific words ("reciprocity", 4 in
# a thousand) do.
BACKGROUND_SHARE = 0.005


@dataclass(frozen=True)
class Closeness:
    """A text close to another: its label (a passage id, a suggestion's), and how close."""

    label: str
    share: float
    shared: int


def specific_stems(lexicon: Lexicon, text: str) -> frozenset[str]:
    """Return the keys of the text's specific words in its own language (no phrases, nothing
    of the book's background)."""
    shares = lexicon.echoes
    return frozenset(
        word.key
        for word in lexicon.curiosity_words(text)
        if " " not in word.key
        and not word.key.startswith(f"{ANY_LANGUAGE}:")
        and shares.get(word.key, 0.0) < BACKGROUND_SHARE
    )


def closest(
    lexicon: Lexicon, text: str, candidates: Iterable[tuple[str, str]]
) -> Closeness | None:
    """Return the candidate (label, text) closest to text if it is close enough, else None."""
    own = specific_stems(lexicon, text)
    if len(own) < MIN_SHARED:
        return None
    found = [_closeness(own, label, specific_stems(lexicon, other)) for label, other in candidates]
    close = [c for c in found if c is not None]
    return max(close, key=lambda c: (c.share, c.shared), default=None)


def closest_among(
    lexicon: Lexicon, text: str, keyed: Sequence[tuple[str, frozenset[str]]]
) -> Closeness | None:
    """As ``closest``, against candidates whose stems are known already (a whole book)."""
    own = specific_stems(lexicon, text)
    if len(own) < MIN_SHARED:
        return None
    close = [c for label, stems in keyed if (c := _closeness(own, label, stems)) is not None]
    return max(close, key=lambda c: (c.share, c.shared), default=None)


def _closeness(own: frozenset[str], label: str, other: frozenset[str]) -> Closeness | None:
    shared = len(own & other)
    if shared < MIN_SHARED or not other:
        return None
    share = shared / min(len(own), len(other))
    return Closeness(label, share, shared) if share >= MIN_SHARE else None


@lru_cache(maxsize=4)
def book_stems(corpus: tuple[Entry, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """Return each entry's id and the specific stems of its passage and counterpoint."""
    lexicon = lexicon_for(corpus)
    return tuple(
        (entry.id, specific_stems(lexicon, f"{entry.passage}\n{entry.counterpoint}"))
        for entry in corpus
    )


def close_to(
    text: str, corpus: tuple[Entry, ...], open_ones: Sequence[tuple[str, str]]
) -> Closeness | None:
    """Return the passage of the book, or open suggestion (label, text), closest to text."""
    lexicon = lexicon_for(corpus)
    found = [closest_among(lexicon, text, book_stems(corpus)), closest(lexicon, text, open_ones)]
    close = [c for c in found if c is not None]
    return max(close, key=lambda c: (c.share, c.shared), default=None)
