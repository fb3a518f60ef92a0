"""The words a word is made of: German compounds split into theirs ("Treppenhausreinigung" is
about the "Treppenhaus", "Mietspiegel" about the "Miete"), and a word derived from a commoner
one in any language ("футбольный" from "футбол", "pharmacien" from "pharmacie", "riverside"
from "river").

German writes in one word what other languages write in two ("the stairwell's cleaning"), so
two people wondering about the same stairwell may share no word at all. A compound is split
where both parts are words of the language and together commoner than the compound itself
(the frequency method of Koehn and Knight, "Empirical Methods for Compound Splitting", 2003):
the parts' Zipf values, averaged, above the whole's. The modifier may carry a linking element
("Nachbarschaft-s-fest", "Bürger-en-...") or have lost its final "e" ("Miet-spiegel").

The splitters that ship a model in a wheel need a newer Python than the bot's, or are no
longer kept; wordfreq's German list, which the bot reads anyway, is the dictionary here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from bot.words.frequency import frequencies, zipf
from bot.words.language import stop_words

COMPOUND_LANGUAGES = frozenset({"de"})
# A modifier is four letters or more, a head three ("Fahrrad-weg"): shorter ones ("Ei", "Ton")
# are found inside far too many words that are not made of them. Neither is a stop word.
PART_LEAST = 4
HEAD_LEAST = 3
# A part as common as "Haus", "Stadt" or "Kinder" (Zipf 5 or more) says little of what its
# compound is about ("Hausverwaltung", "Stadtbibliothek"): the rest of it does. Chosen on
# tests/data/resonances/fresh.tsv and fresh2.tsv (four Germans of four themes, each saying
# "Haus" in a compound or alone).
PART_BELOW = 5.0
# A word's stem begins with the whole stem of the commoner word it derives from, six letters or
# more ("футбол", "pharmac", "bénévol"): shorter ones ("fest", "parc", "дач") begin far too many
# words of other meanings. Chosen on tests/data/resonances (unseen.tsv and fresh4.tsv gain
# pairs, no set loses one or names anyone more).
DERIVED_LEAST = 6
# The linking elements a modifier may end with, removed to find it as a word of its own.
LINKS = ("es", "en", "s", "n")


@lru_cache(maxsize=1 << 16)
def compound_parts(form: str, language: str) -> tuple[str, ...]:
    """Return the parts a lowercase compound is made of, modifier first, but the commonest
    words; () if it is no compound.

    ("treppenhausreinigung", "de") -> ("treppenhaus", "reinigung"); ("stadtbibliothek", "de")
    -> ("bibliothek",); ("entscheidung", "de") -> (): "Entscheidung" is commoner than any two
    words it could be cut into.
    """
    if language not in COMPOUND_LANGUAGES or len(form) < PART_LEAST + HEAD_LEAST:
        return ()
    best: tuple[float, str, str] | None = None
    whole = zipf(form, language)
    stop = stop_words(language)
    for cut in range(PART_LEAST, len(form) - HEAD_LEAST + 1):
        head = form[cut:]
        head_zipf = 0.0 if head in stop else zipf(head, language)
        if head_zipf <= 0:
            continue
        for modifier in _modifiers(form[:cut]):
            modifier_zipf = 0.0 if modifier in stop else zipf(modifier, language)
            together = (modifier_zipf + head_zipf) / 2
            if modifier_zipf > 0 and together > whole and (best is None or together > best[0]):
                best = (together, modifier, head)
    return () if best is None else tuple(p for p in best[1:] if zipf(p, language) < PART_BELOW)


def _modifiers(left: str) -> Iterator[str]:
    """Yield the words a compound's left part may be: itself, without a linking element, or
    with the final "e" it lost."""
    yield left
    for link in LINKS:
        if left.endswith(link) and len(left) - len(link) >= PART_LEAST:
            yield left[: -len(link)]
    yield f"{left}e"


def derived_from(stem: str, language: str) -> str | None:
    """Return the stem of the commoner word a word derives from, or None.

    The longest beginning of the word's stem that is itself a stem of a commoner family of
    words, six letters or more ("футбольн" -> "футбол", "pharmacien" -> "pharmac"), unless
    that family is as common as "Wohnung" (then the word is about the rest of it).
    """
    families = frequencies(language).families
    own = families.get(stem, 0.0)
    for end in range(len(stem) - 1, DERIVED_LEAST - 1, -1):
        base = families.get(stem[:end])
        if base is not None and base > own:
            return stem[:end] if base < PART_BELOW else None
    return None
