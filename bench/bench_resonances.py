"""How well resonances find real shared concerns, on the labelled set of curiosities.

Reads tests/data/resonances/curiosities.tsv (theme, language, text; "-" marks a loner), builds
one day's themes from all of it against the bundled corpus, and prints for each way of keying
and judging words:

  recall     theme pairs found / all pairs of people labelled with the same theme
  precision  correct pairs / all pairs printed on a resonance line
  loners     people labelled as sharing nothing who were named in a resonance

The bot's own way is the first line; the others are what it was chosen against: one stem per
word instead of two, other thresholds of commonness, no background. Run:
python bench/bench_resonances.py (a few seconds: each language's word families are counted
once).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.corpus import load_corpus
from bot.core.themes import SHARED_BELOW, Voice, Word, find_themes
from bot.words import Lexicon, build_lexicon
from bot.words.frequency import family_zipf, zipf
from bot.words.language import stems
from bot.words.lexicon import FAMILY_BELOW, Keyed, keyed_word

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "resonances"
LONER = "-"


@dataclass(frozen=True)
class Curiosity:
    """One labelled line: the theme a reader gave it, its language, and its text."""

    theme: str
    language: str
    text: str


@dataclass(frozen=True)
class Figures:
    """What one run found, over the whole set."""

    recall: float
    precision: float
    loners_named: int
    pairs_found: int
    pairs_labelled: int
    lines: int


def labelled_set(name: str = "curiosities.tsv") -> list[Curiosity]:
    """Return every curiosity of a labelled set, in file order."""
    text = (LABELLED / name).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return [Curiosity(theme, language, words) for theme, language, words in rows]


def measure(
    lexicon: Lexicon, curiosities: Sequence[Curiosity], shared_below: float = SHARED_BELOW
) -> Figures:
    """Return recall, precision and loners named when each curiosity is a different person."""
    voices = [Voice(n, lexicon.curiosity_words(c.text)) for n, c in enumerate(curiosities)]
    themes = find_themes(voices, shared_below=shared_below)
    people = [sorted(p for p in t.people if isinstance(p, int)) for t in themes]
    printed = {pair for named in people for pair in combinations(named, 2)}
    labelled = {
        (a, b)
        for a, b in combinations(range(len(curiosities)), 2)
        if curiosities[a].theme == curiosities[b].theme != LONER
    }
    loners = len({n for named in people for n in named if curiosities[n].theme == LONER})
    found = len(printed & labelled)
    return Figures(
        recall=found / len(labelled),
        precision=found / len(printed) if printed else 1.0,
        loners_named=loners,
        pairs_found=found,
        pairs_labelled=len(labelled),
        lines=len(themes),
    )


@lru_cache(maxsize=1 << 16)
def stem_keyed(form: str, language: str) -> Keyed:
    """Key a word by its first Snowball stem alone."""
    stem = stems(form, language)[0]
    keys = (Word(f"{language}:{stem}", form, zipf(form, language)),)
    return family_zipf(stem, language), (*keys, Word(f"*:{form}", form, keys[0].zipf))


@lru_cache(maxsize=1 << 16)
def word_zipf_keyed(form: str, language: str) -> Keyed:
    """Key as the bot does, but judge a word by its own frequency, not its family's."""
    _, keys = keyed_word(form, language)
    return zipf(form, language), keys


Candidate = tuple[Lexicon, float]
ANY_FORMS = 9.0  # no word is that common: the forms people wrote are not judged


def candidates(texts: Sequence[str]) -> dict[str, Candidate]:
    """Return each way of keying and judging words that was measured, by name."""
    rule = f"family < {FAMILY_BELOW}, forms < {SHARED_BELOW}"
    found: dict[str, Candidate] = {
        f"bot: stems, {rule}": (build_lexicon(texts), SHARED_BELOW),
        f"one stem per word, {rule}": (build_lexicon(texts, stem_keyed), SHARED_BELOW),
    }
    for family in (4.8, 5.0, 5.2):
        lexicon = build_lexicon(texts, keyed_word, family)
        found[f"stems, family < {family}, any forms"] = (lexicon, ANY_FORMS)
    for below in (4.5, 5.0):
        lexicon = build_lexicon(texts, word_zipf_keyed, below)
        found[f"stems, word < {below}, any forms"] = (lexicon, ANY_FORMS)
    found["bot, without the corpus background"] = (build_lexicon([]), SHARED_BELOW)
    return found


def main() -> None:
    """Print the figures of each candidate over each labelled set."""
    texts = [f"{e.passage}\n{e.counterpoint}" for e in load_corpus()]
    for name in sorted(p.name for p in LABELLED.glob("*.tsv")):
        curiosities = labelled_set(name)
        languages = len({c.language for c in curiosities})
        themes = len({c.theme for c in curiosities} - {LONER})
        loners = sum(1 for c in curiosities if c.theme == LONER)
        print(f"\n{name}: {len(curiosities)} curiosities, {languages} languages, "
              f"{themes} themes, {loners} loners")  # fmt: skip
        print(f"{'keys and rule':<50} {'recall':>7} {'precision':>9} {'loners':>7} {'lines':>6}")
        for label, (lexicon, shared_below) in candidates(texts).items():
            f = measure(lexicon, curiosities, shared_below)
            print(
                f"{label:<50} {f.recall:>7.2f} {f.precision:>9.2f} {f.loners_named:>7} "
                f"{f.lines:>6}   ({f.pairs_found}/{f.pairs_labelled} pairs)"
            )


if __name__ == "__main__":
    main()
