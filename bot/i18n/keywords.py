"""The words people type after a command, in a chat's language as well as in English.

``/setweekly domingo 18:00`` in a Spanish chat is ``/setweekly sunday 18:00``: weekday names
come from Babel's CLDR data (wide and abbreviated, as dates are written and as they stand
alone), the other words (``on``, ``off``, ``line``, ``silent``, ``confirm``) from each
language's catalog. Command names stay English everywhere; the parsers keep reading English,
and the shell turns a chat's words into it first (``in_english``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence

from bot.i18n import Translator, translator

KEYWORD_CONTEXT = "command word"
ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def pgettext(context: str, message: str) -> str:
    """Mark a word for translation in its context; it is translated where a chat's
    Translator is at hand."""
    return message


# The English keywords commands take; each language's catalog gives its own word for each.
KEYWORDS = (
    pgettext("command word", "on"),
    pgettext("command word", "off"),
    pgettext("command word", "line"),
    pgettext("command word", "silent"),
    pgettext("command word", "confirm"),
)


def folded(word: str) -> str:
    """Return a word as it is compared: case-folded, without accents or a final period."""
    decomposed = unicodedata.normalize("NFD", word.strip().casefold().rstrip("."))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def keyword(t: Translator, english: str) -> str:
    """Return the chat's word for an English keyword ('on' -> 'an' in German)."""
    if english in ENGLISH_DAYS:
        return str(t.locale.days["format"]["wide"][ENGLISH_DAYS.index(english)]).lower()
    return t.pgettext(KEYWORD_CONTEXT, english)


@functools.cache
def _words(language: str) -> Mapping[str, str]:
    """Return each of a language's words, folded, with the English keyword it stands for."""
    t = translator(language)
    words: dict[str, str] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for index, name in t.locale.days[context][width].items():
                words.setdefault(folded(str(name)), ENGLISH_DAYS[index])
    for english in KEYWORDS:
        words[folded(t.pgettext(KEYWORD_CONTEXT, english))] = english
    return words


def in_english(t: Translator, args: Sequence[str]) -> list[str]:
    """Return a command's arguments with the chat's keywords and day names in English; any
    other word (a time, a zone, an English keyword) as it was."""
    words = _words(t.language)
    return [words.get(folded(arg), arg) for arg in args]
