"""Words of a message as a person reads them: markup, links, mentions, commands and numbers go.

A message may hold HTML someone pasted, a link, an @mention or a /command; none of them is
something the person wonders about, so none may ever become a resonance word.
"""

from __future__ import annotations

import html
import re
from itertools import pairwise

MIN_LETTERS = 3  # shorter tokens ("ai", "ok", the "l" of "l'entraide") are too ambiguous
# How a message's words are read, as the archive keeps them (``kept_words``). Change it with
# anything that changes what ``words`` returns: the archive reads every message's words again.
WORDS_VERSION = 1

# Each alternative starts at a character that can only begin markup (or at the start of a
# token), so a plain message is scanned once: a busy day has a hundred thousand of them.
_MARKUP = re.compile(
    r"""
      <[^<>]*>                              # an HTML tag, with its attributes
    | (?<!\S)\S*(?:                         # a token that is a link or an e-mail address:
          ://                               #   https://example.org
        | www\.                             #   www.example.org
        | \.\w+/                            #   example.org/page
        | \.(?:com|org|net|io|dev|info|edu|gov|app)\b  # example.com
        | @[\w-]+\.                         #   ana@example.org
      )\S*
    | @\w+                                  # a mention
    | (?<!\w)/\w+(?:@\w+)?                  # a command, as /curious or /curious@bot
    """,
    re.VERBOSE | re.IGNORECASE,
)
# What the alternatives above need besides an @ or a /: a whole tag, or a dot of a web address
# ("www." or a known ending). Each starts with one character a search can skip to.
_TAG = re.compile(r"<[^<>]*>")
_ADDRESS_DOT = re.compile(
    r"\.(?:(?<=www\.)|(?:com|org|net|io|dev|info|edu|gov|app)\b)", re.IGNORECASE
)
# Punctuation that ends a phrase: two words either side of it are not a pair.
_PHRASE_END = re.compile(r"[.!?;:,()\[\]\"«»¿¡…—–\n]+")
# Letters only: digits split a token and apostrophes and hyphens end one, so "l'entraide" gives
# "entraide", "peer-to-peer" gives "peer" twice, and "2024" gives nothing.
_WORD = re.compile(r"[^\W\d_]+")
# The same runs of letters, only those of MIN_LETTERS or more (a shorter run never matches
# inside a longer one: the longer one matches whole from its first letter).
_LONG_WORD = re.compile(rf"[^\W\d_]{{{MIN_LETTERS},}}")


def readable_text(text: str) -> str:
    """Return text with entities decoded and markup, links, mentions and commands removed."""
    # Entities first, so "&lt;img&gt;" is removed as the tag it spells.
    text = html.unescape(text)
    # Most messages hold no markup at all: quick scans tell, and spare the full one.
    return _MARKUP.sub(" ", text) if _maybe_markup(text) else text


def _maybe_markup(text: str) -> bool:
    """Return whether _MARKUP could find anything in text (False only if it finds nothing)."""
    if "@" in text or "/" in text:
        return True
    if "<" in text and _TAG.search(text):
        return True
    return "." in text and _ADDRESS_DOT.search(text) is not None


def words(text: str) -> list[str]:
    """Return the lowercase words of text, in order, none shorter than MIN_LETTERS."""
    return _LONG_WORD.findall(readable_text(text).lower())


def kept_words(text: str) -> str:
    """Return the distinct words of text, space-separated in order of first use: what the
    archive keeps beside each message, so that no digest reads its text for words again."""
    return " ".join(dict.fromkeys(words(text)))


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
