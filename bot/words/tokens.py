"""Words of a message as a person reads them: markup, links, mentions, commands and numbers go.

A message may hold HTML someone pasted, a link, an @mention or a /command; none of them is
something the person wonders about, so none may ever become a resonance word.
"""

from __future__ import annotations

import html
import re
from itertools import pairwise

MIN_LETTERS = 3  # shorter tokens ("ai", "ok", the "l" of "l'entraide") are too ambiguous

_MARKUP = re.compile(
    r"""
      <[^<>]*>                              # an HTML tag, with its attributes
    | (?:https?|ftp)://\S*                  # a URL
    | www\.\S*
    | \S+\.\S+/\S*                          # a bare link: example.org/page
    | \S+\.(?:com|org|net|io|dev|info|edu|gov|app)\b\S*
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+          # an e-mail address
    | @\w+                                  # a mention
    | (?<!\w)/\w+(?:@\w+)?                  # a command, as /curious or /curious@bot
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Punctuation that ends a phrase: two words either side of it are not a pair.
_PHRASE_END = re.compile(r"[.!?;:,()\[\]\"«»¿¡…—–\n]+")
# Letters only: digits split a token and apostrophes and hyphens end one, so "l'entraide" gives
# "entraide", "peer-to-peer" gives "peer" twice, and "2024" gives nothing.
_WORD = re.compile(r"[^\W\d_]+")


def readable_text(text: str) -> str:
    """Return text with entities decoded and markup, links, mentions and commands removed."""
    # Entities first, so "&lt;img&gt;" is removed as the tag it spells.
    return _MARKUP.sub(" ", html.unescape(text))


def words(text: str) -> list[str]:
    """Return the lowercase words of text, in order, none shorter than MIN_LETTERS."""
    found = _WORD.findall(readable_text(text).lower())
    return [word for word in found if len(word) >= MIN_LETTERS]


def word_pairs(text: str) -> list[tuple[str, str]]:
    """Return each two lowercase words that stand side by side within a phrase of text.

    Both must be at least MIN_LETTERS long, and nothing may stand between them: "land of
    trust" has no pair, "land trust" has one.
    """
    pairs = []
    for phrase in _PHRASE_END.split(readable_text(text).lower()):
        found = _WORD.findall(phrase)
        pairs += [
            (first, second)
            for first, second in pairwise(found)
            if len(first) >= MIN_LETTERS and len(second) >= MIN_LETTERS
        ]
    return pairs
