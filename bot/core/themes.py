"""Resonances: people in a chat who wonder about the same thing, found by shared words.

Pure and deterministic: tokenise, lowercase, drop stop words, stem lightly, then group the
people who share a stem. No ranking: themes come out in the order they first appeared.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

MIN_WORD = 3  # shorter tokens ("ai", "ok") are too ambiguous to carry a theme
MAX_THEME_WORDS = 2
DERIVATIONAL = ("ly", "ity", "al")  # checked in turn, each stripped at most once

# English function words, plus the words people use to *say* they are curious, which would
# otherwise make everyone resonate with everyone ("I wonder how...").
_STOP_TEXT = """
    a about above across after again against all almost along already also although always am
    among an and another any anybody anyone anything anyway anywhere are aren't around as at
    away back be became because become becomes been before behind being below beside besides
    between beyond both but by can can't cannot could couldn't did didn't do does doesn't doing
    don't done down during each either else enough even ever every everybody everyone
    everything everywhere few for from further get gets getting give given go goes going gone
    got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's however i i'd i'll i'm i've if in instead into is isn't
    it it's its itself just keep kind least less let let's like likely lot lots made make makes
    making many may maybe me might mine more most much must mustn't my myself near need needs
    neither never nevertheless next no nobody none nor not nothing now nowhere of off often on
    once one only onto or other others otherwise ought our ours ourselves out over own per
    perhaps please put quite rather really said same say says see seem seemed seems shall
    shan't she she'd she'll she's should shouldn't since so some somebody someone something
    sometimes somewhat somewhere still such sure take than that that's the their theirs them
    themselves then there there's these they they'd they'll they're they've thing things this
    those though through thus to today together too toward towards under until up upon us use
    used using very via was wasn't way ways we we'd we'll we're we've well were weren't what
    what's whatever when when's whenever where where's whereas wherever whether which while who
    who's whoever whole whom whose why why's will with within without won't would wouldn't yes
    yet you you'd you'll you're you've your yours yourself yourselves
    curious curiosity wonder wondered wondering wonders question questions ask asking asked
    think thinking thought know knowing learn learning understand want wanted try trying
    interested interesting idea ideas bit actually especially day week tonight tomorrow
    yesterday people person anyone something stuff
    """
STOP_WORDS = frozenset(_STOP_TEXT.split())

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True)
class Voice:
    """One thing someone said: a curiosity (wondering=True) or a thread message."""

    person: Hashable
    text: str
    wondering: bool = True


@dataclass(frozen=True)
class Theme:
    """People who share a word: its readable forms, the people, and which voices carry it."""

    words: tuple[str, ...]
    people: tuple[Hashable, ...]
    voices: tuple[int, ...]


@dataclass
class _Stem:
    """What one stem gathered while scanning: people in order, voices, surface forms."""

    first: int
    seen: int  # when this stem was first met, so ties keep reading order
    people: dict[Hashable, None] = field(default_factory=dict)
    wonderers: dict[Hashable, None] = field(default_factory=dict)
    voices: list[int] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)


def tokens(text: str) -> list[str]:
    """Return the lowercase content words of text: no stop words, none shorter than 3."""
    found = _TOKEN.findall(text.lower().replace("’", "'"))
    return [t for t in found if len(t) >= MIN_WORD and t not in STOP_WORDS]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return a light stem of a lowercase word: plurals, -ing, -ed, -ly, -ity, -al, final e go."""
    word = _strip_possessive(word)
    word = _strip_plural(word)
    word, cut = _strip_verb_ending(word)
    # "reciprocally" -> "reciprocal" -> "reciproc", like "reciprocity" -> "reciproc".
    for suffix in DERIVATIONAL:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word, cut = word[: -len(suffix)], True
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    # "running" -> "runn" -> "run", but "falling" keeps its "ll" (as Porter does).
    if cut and len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    return word


def _strip_possessive(word: str) -> str:
    if word.endswith("'s"):
        return word[:-2]
    return word.rstrip("'")


def _strip_plural(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> tuple[str, bool]:
    """Return word without -ing/-ed (-ied becomes -y), and whether anything was cut."""
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y", True
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)], True
    return word, False


def find_themes(voices: Sequence[Voice], *, min_people: int = 2) -> list[Theme]:
    """Return groups of at least min_people sharing a stem that someone wondered about.

    Stems that only thread messages share are not themes: a resonance starts from a
    curiosity. Stems wondered about by the same people form one theme, named by its most
    used words; whoever wrote about any of them in a thread joins it.
    """
    stems = _scan(voices)
    groups: dict[frozenset[Hashable], list[_Stem]] = {}
    for found in stems.values():
        if len(found.people) >= min_people:
            groups.setdefault(frozenset(found.wonderers), []).append(found)
    # In order of first appearance: by voice, then by where in the text the word came.
    themes = [
        ((min(s.first for s in members), min(s.seen for s in members)), _theme(members, voices))
        for members in groups.values()
    ]
    return [theme for _, theme in sorted(themes, key=lambda pair: pair[0])]


def _scan(voices: Sequence[Voice]) -> dict[str, _Stem]:
    """Return every stem a wondering voice used, with everyone (wondering or not) who used it."""
    stems: dict[str, _Stem] = {}
    # Curiosities first, so thread messages only ever extend stems somebody wondered about.
    for index, voice in enumerate(voices):
        if voice.wondering:
            _add_wondering(stems, index, voice)
    for index, voice in enumerate(voices):
        if not voice.wondering:
            _add_writing(stems, index, voice)
    return stems


def _add_wondering(stems: dict[str, _Stem], index: int, voice: Voice) -> None:
    """Record a curiosity's stems and the words it used for them."""
    carried: set[str] = set()
    for word in tokens(voice.text):
        key = stem(word)
        found = stems.get(key)
        if found is None:
            found = stems[key] = _Stem(first=index, seen=len(stems))
        found.forms[word] += 1
        if key not in carried:
            carried.add(key)
            found.wonderers.setdefault(voice.person, None)
            _join(found, index, voice)


def _add_writing(stems: dict[str, _Stem], index: int, voice: Voice) -> None:
    """Add a thread message to the stems someone wondered about (their words name themes)."""
    # Set operations keep this cheap: a busy day has far more messages than curiosities.
    for key in {stem(word) for word in set(tokens(voice.text))} & stems.keys():
        _join(stems[key], index, voice)


def _join(found: _Stem, index: int, voice: Voice) -> None:
    found.people.setdefault(voice.person, None)
    found.voices.append(index)
    found.first = min(found.first, index)


def _theme(members: list[_Stem], voices: Sequence[Voice]) -> Theme:
    """Return one theme from stems the same people wondered about, its most used words first."""
    members.sort(key=lambda s: (-len(s.voices), s.first, s.seen))
    words = tuple(_readable(s.forms) for s in members[:MAX_THEME_WORDS])
    carried = sorted({v for s in members for v in s.voices})
    # People in the order they first spoke, not by how much they said.
    people = tuple(dict.fromkeys(voices[v].person for v in carried))
    return Theme(words=words, people=people, voices=tuple(carried))


def _readable(forms: Counter[str]) -> str:
    """Return the form curiosities used most; ties go to the one seen first."""
    return max(forms.items(), key=lambda item: item[1])[0]


def join_names(names: Sequence[str]) -> str:
    """Return 'Ana', 'Ana and Bo', or 'Ana, Bo and Cy'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
