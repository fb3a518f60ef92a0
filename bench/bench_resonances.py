"""How well resonances find real shared concerns, on the labelled set of curiosities.

Reads each labelled set of tests/data/resonances (theme, language, text; "-" marks a loner):
the development sets curiosities.tsv, heldout.tsv, unseen.tsv, fresh.tsv, fresh2.tsv, fresh3.tsv
and fresh4.tsv, on which the rule was chosen. Each was written before a pass changed the rule and
measured at its start, then its wrong lines chose the next rules (docs/resonances.md gives each
set's honest figure): a pass that changes the rule again writes a new set first and adds it as
FRESH, read only at its start and its end. Builds one day's themes from all of a set against
the bundled corpus, and prints for each way of keying and judging words:

  recall     theme recall: theme pairs found / all pairs of people labelled with the same theme
  precision  correct pairs / all pairs printed on a resonance line
  loners     people labelled as sharing nothing who were named in a resonance

and, above them, how many labelled pairs share a key at all: the most recall any rule that
judges shared keys could reach on the set.

The bot's own way is the first line, then the same by language (pairs of two people writing
in it); the others are what it was chosen against: one stem per word instead of two, other
thresholds of surprise, other weights of the group's reading, no words of asking. Run:
python bench/bench_resonances.py (a few seconds: each language's word families are counted
once), or name the sets to read: python bench/bench_resonances.py curiosities.tsv heldout.tsv.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core import themes
from bot.core.corpus import load_corpus
from bot.core.themes import MANY_LENIENCY, PAIR_BELOW, SURPRISE, Voice, Word, find_themes
from bot.words import Lexicon, build_lexicon
from bot.words.frequency import family_zipf, zipf
from bot.words.language import stems
from bot.words.lexicon import (
    ASKING_WORDS,
    ECHO,
    FAMILY_BELOW,
    PROMPT_WORDS,
    Keyed,
    _without_plural,
    keyed_word,
)

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "resonances"
LONER = "-"
DEVELOPMENT = (
    "curiosities.tsv",
    "heldout.tsv",
    "unseen.tsv",
    "fresh.tsv",
    "fresh2.tsv",
    "fresh3.tsv",
    "fresh4.tsv",
)
FRESH: tuple[str, ...] = ()  # a set never used to choose a rule, a threshold or a word


@dataclass(frozen=True)
class Curiosity:
    """One labelled line: the theme a reader gave it, its language, and its text."""

    theme: str
    language: str
    text: str


@dataclass(frozen=True)
class Rule:
    """How keys are judged: bot.core.themes.find_themes's rules, the bot's by default."""

    surprise: float = SURPRISE
    pair_below: float = PAIR_BELOW
    explain_away: bool = True
    many_leniency: float = MANY_LENIENCY  # bot.core.themes.MANY_LENIENCY, set while measuring


@dataclass(frozen=True)
class Figures:
    """What one run found, over the whole set or over one language's part of it."""

    recall: float
    precision: float
    loners_named: int
    pairs_found: int
    pairs_labelled: int
    lines: int
    by_language: dict[str, Figures] = field(default_factory=dict)


def labelled_set(name: str = "curiosities.tsv") -> list[Curiosity]:
    """Return every curiosity of a labelled set, in file order."""
    text = (LABELLED / name).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return [Curiosity(theme, language, words) for theme, language, words in rows]


def measure(lexicon: Lexicon, curiosities: Sequence[Curiosity], rule: Rule = Rule()) -> Figures:
    """Return recall, precision and loners named when each curiosity is a different person.

    The whole set is one day. Each language's figures count the pairs of two people writing in
    it; a pair across languages counts in the whole set's figures only.
    """
    voices = [Voice(n, lexicon.curiosity_words(c.text)) for n, c in enumerate(curiosities)]
    themes.MANY_LENIENCY = rule.many_leniency
    try:
        found = find_themes(
            voices,
            surprise=rule.surprise,
            pair_below=rule.pair_below,
            explain_away=rule.explain_away,
        )
    finally:
        themes.MANY_LENIENCY = MANY_LENIENCY
    people = [sorted(p for p in t.people if isinstance(p, int)) for t in found]
    printed = {pair for named in people for pair in combinations(named, 2)}
    labelled = {
        (a, b)
        for a, b in combinations(range(len(curiosities)), 2)
        if curiosities[a].theme == curiosities[b].theme != LONER
    }
    named = {n for group in people for n in group}
    whole = _figures(curiosities, printed, labelled, named, len(found))
    for language in dict.fromkeys(c.language for c in curiosities):
        mine = {n for n, c in enumerate(curiosities) if c.language == language}
        lines = sum(1 for group in people if mine.intersection(group))
        whole.by_language[language] = _figures(
            curiosities,
            {pair for pair in printed if mine.issuperset(pair)},
            {pair for pair in labelled if mine.issuperset(pair)},
            named & mine,
            lines,
        )
    return whole


def _figures(
    curiosities: Sequence[Curiosity],
    printed: set[tuple[int, int]],
    labelled: set[tuple[int, int]],
    named: set[int],
    lines: int,
) -> Figures:
    found = len(printed & labelled)
    return Figures(
        recall=found / len(labelled) if labelled else 1.0,
        precision=found / len(printed) if printed else 1.0,
        loners_named=sum(1 for n in named if curiosities[n].theme == LONER),
        pairs_found=found,
        pairs_labelled=len(labelled),
        lines=lines,
    )


@lru_cache(maxsize=1 << 16)
def stem_keyed(form: str, language: str) -> Keyed:
    """Key a word by its first Snowball stem alone."""
    stem = stems(form, language)[0]
    keys = (Word(f"{language}:{stem}", form, zipf(form, language)),)
    return family_zipf(stem, language), (*keys, Word(f"*:{form}", form, keys[0].zipf))


@lru_cache(maxsize=1 << 16)
def unstopped_keyed(form: str, language: str) -> Keyed:
    """Key a word as the bot does, but keep the language's stop words."""
    stem = stems(form, language)[0]
    return family_zipf(stem, language), keyed_word(form, language)[1]


@lru_cache(maxsize=1 << 16)
def short_stems_keyed(form: str, language: str) -> Keyed:
    """Key a word as the bot does, but keep a second stem however short ("solari" -> "sol")."""
    family, keys = keyed_word(form, language)
    short = [
        Word(f"{language}:{s}", form, keys[0].zipf)
        for s in stems(form, language)[1:]
        if family_zipf(s, language) < FAMILY_BELOW
        and f"{language}:{s}" not in {k.key for k in keys}
    ]
    return family, (*keys, *short)


@lru_cache(maxsize=1 << 16)
def plurals_whole_keyed(form: str, language: str) -> Keyed:
    """Key a word as the bot does, but without the singular of a plural Snowball left whole."""
    family, keys = keyed_word(form, language)
    singular = {
        f"{language}:{s}" for s in _without_plural(form, stems(form, language)[0], language)
    }
    return family, tuple(k for k in keys if k.key not in singular)


Candidate = tuple[Lexicon, Rule]


def candidates(texts: Sequence[str]) -> dict[str, Candidate]:
    """Return each way of keying and judging words that was measured, by name."""
    rule = f"surprise < {SURPRISE}, pairs < {PAIR_BELOW}, reading x{ECHO}"
    bot = build_lexicon(texts)
    found: dict[str, Candidate] = {
        f"bot: {rule}": (bot, Rule()),
        "one stem per word, as the bot": (build_lexicon(texts, stem_keyed), Rule()),
    }
    for surprise in (0.03, 0.01, 0.0003):
        found[f"surprise < {surprise}"] = (bot, Rule(surprise=surprise))
    for pair_below in (4.5, 5.5, 99.0):
        found[f"pairs < {pair_below}"] = (bot, Rule(pair_below=pair_below))
    found["three as strictly as two"] = (bot, Rule(many_leniency=1.0))
    for leniency in (7.0, 10.0):
        found[f"three or more x{leniency:g} as leniently"] = (bot, Rule(many_leniency=leniency))
    found["without the words of chat"] = (
        replace(bot, background=_keys_of(PROMPT_WORDS, ASKING_WORDS)),
        Rule(),
    )
    found["second stems however short"] = (build_lexicon(texts, short_stems_keyed), Rule())
    found["plurals left whole"] = (build_lexicon(texts, plurals_whole_keyed), Rule())
    found["no explaining away"] = (bot, Rule(explain_away=False))
    found["stop words kept"] = (build_lexicon(texts, unstopped_keyed), Rule())
    found["stop words kept, any pair, no explaining away"] = (
        build_lexicon(texts, unstopped_keyed),
        Rule(pair_below=99.0, explain_away=False),
    )
    for echo in (0.3, 1.0):
        found[f"the reading x{echo}"] = (build_lexicon(texts, echo=echo), Rule())
    found["families < 5.2"] = (build_lexicon(texts, family_below=5.2), Rule())
    found["without the reading"] = (build_lexicon([]), Rule())
    asking = replace(bot, background=_keys_of(PROMPT_WORDS))
    found["without the asking words (nor those of chat)"] = (asking, Rule())
    return found


def _keys_of(*lists: dict[str, str]) -> frozenset[str]:
    """Return the keys of the words of lists (the words of being curious, of asking...)."""
    return frozenset(
        f"{language}:{stem}"
        for words_of in lists
        for language, text in words_of.items()
        for form in text.split()
        for stem in stems(form, language)
    )


def main(names: Sequence[str] = ()) -> None:
    """Print the figures of each candidate over each labelled set named (all of them if none),
    then the bot's by language."""
    texts = [f"{e.passage}\n{e.counterpoint}" for e in load_corpus()]
    ways = candidates(texts)
    for name in names or (*DEVELOPMENT, *FRESH):
        curiosities = labelled_set(name)
        languages = len({c.language for c in curiosities})
        themes = len({c.theme for c in curiosities} - {LONER})
        loners = sum(1 for c in curiosities if c.theme == LONER)
        use = "development" if name in DEVELOPMENT else "never used to choose anything"
        print(f"\n{name} ({use}): {len(curiosities)} curiosities, {languages} languages, "
              f"{themes} themes, {loners} loners")  # fmt: skip
        print(_reach(next(iter(ways.values()))[0], curiosities))
        print(f"{'keys and rule':<50} {'recall':>7} {'precision':>9} {'loners':>7} {'lines':>6}")
        for number, (label, (lexicon, rule)) in enumerate(ways.items()):
            f = measure(lexicon, curiosities, rule)
            print(_row(label, f))
            for language, mine in f.by_language.items() if number == 0 else ():
                print(_row(f"  the bot, {language} alone", mine))


def _reach(lexicon: Lexicon, curiosities: Sequence[Curiosity]) -> str:
    """Return how many labelled pairs share a key at all: the most recall any rule judging
    shared keys could reach; the pairs saying the same thing in other words ("~") apart."""
    keys = [{w.key for w in lexicon.curiosity_words(c.text)} for c in curiosities]
    labelled = [
        (a, b)
        for a, b in combinations(range(len(curiosities)), 2)
        if curiosities[a].theme == curiosities[b].theme != LONER
    ]
    sharing = sum(1 for a, b in labelled if keys[a] & keys[b])
    other_words = sum(1 for a, _ in labelled if curiosities[a].theme.endswith("~"))
    return (
        f"pairs sharing a key: {sharing}/{len(labelled)} (at most {sharing / len(labelled):.2f} "
        f"recall); {other_words} pairs say the same thing in other words"
    )


def _row(label: str, f: Figures) -> str:
    return (
        f"{label:<50} {f.recall:>7.2f} {f.precision:>9.2f} {f.loners_named:>7} "
        f"{f.lines:>6}   ({f.pairs_found}/{f.pairs_labelled} pairs)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
