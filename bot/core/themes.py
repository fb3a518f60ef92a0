"""Resonances: people in a chat who wonder about the same thing, found by the keys they share.

Pure and deterministic. Each voice arrives with its specific words already keyed (``bot.words``
turns text into keys); here people are grouped by shared keys, groups of the same people become
one theme, a smaller group that repeats a larger one's words folds into it, and only the
strongest few are kept. No ranking of people: themes come out in the order they first appeared.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

MAX_THEME_WORDS = 2
CURIOSITIES_PER_LINE = 3  # at most one theme per three curiosities keeps a digest readable
# A key connects people when the words they wrote for it are, on average, rarer than this on
# the Zipf scale (4.4: about once in 40,000 words). Everyday forms of a fairly common word
# ("survive", "library") do not; rarer forms of its family do ("maintainers", "measured").
SHARED_BELOW = 4.4


@dataclass(frozen=True)
class Word:
    """A specific word of a voice: the key it matches on, the form written, how common it is.

    zipf is the written form's frequency in its language on the Zipf scale (7 for "the", 3 for
    a word met once in a million, 0 for rarer still); lower is more specific.
    """

    key: str
    form: str
    zipf: float


_KEY = attrgetter("key")  # a Word's key


@dataclass(frozen=True)
class Voice:
    """One thing someone said, as its specific words: a curiosity or a thread message."""

    person: Hashable
    words: tuple[Word, ...]
    wondering: bool = True


@dataclass(frozen=True)
class Theme:
    """People who share words: the words' readable forms, the people, the voices carrying it."""

    words: tuple[str, ...]
    people: tuple[Hashable, ...]
    voices: tuple[int, ...]


@dataclass
class _Key:
    """What one key gathered while scanning: who wondered, voices, forms, commonness."""

    first: int
    seen: int  # when this key was first met, so ties keep reading order
    wonderers: dict[Hashable, float] = field(default_factory=dict)  # -> the form's Zipf
    voices: list[int] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)


@dataclass
class _Group:
    """Keys wondered about by exactly the same people: one candidate theme."""

    wonderers: frozenset[Hashable]
    keys: list[_Key]

    @property
    def order(self) -> tuple[int, int]:
        return min(k.first for k in self.keys), min(k.seen for k in self.keys)

    @property
    def forms(self) -> set[str]:
        return {form for k in self.keys for form in k.forms}

    @property
    def strength(self) -> tuple[int, float]:
        """More people first, then the rarer words: which themes a full digest keeps."""
        return len(self.wonderers), -min(_commonness(k) for k in self.keys)


def find_themes(
    voices: Sequence[Voice], *, min_people: int = 2, shared_below: float = SHARED_BELOW
) -> list[Theme]:
    """Return groups of at least min_people sharing a key that someone wondered about.

    Keys that only thread messages share are not themes: a resonance starts from a
    curiosity, and only a key whose written forms are rare enough (shared_below) connects.
    Keys wondered about by the same people form one theme, named by its most used words;
    whoever wrote about any of them in a thread joins it. At most one theme per three
    curiosities is kept, the widest and most specific first.
    """
    keys = _scan(voices)
    people = [voice.person for voice in voices]
    groups: dict[frozenset[Hashable], _Group] = {}
    for found in keys.values():
        if _commonness(found) < shared_below and _used_by(found, people, min_people):
            wonderers = frozenset(found.wonderers)
            groups.setdefault(wonderers, _Group(wonderers, [])).keys.append(found)
    merged = _merge_repeats(list(groups.values()))
    wondering = sum(1 for v in voices if v.wondering)
    kept = sorted(merged, key=lambda g: g.strength, reverse=True)
    kept = kept[: math.ceil(wondering / CURIOSITIES_PER_LINE)]
    return [_theme(group.keys, voices) for group in sorted(kept, key=lambda g: g.order)]


def _merge_repeats(groups: list[_Group]) -> list[_Group]:
    """Return groups with each one folded into a wider group of its people sharing a word.

    "Ana and Bo: wikipedia" says nothing that "Ana, Bo and Cy: wikipedia" does not.
    """
    widest_first = sorted(groups, key=lambda g: (-len(g.wonderers), g.order))
    kept: list[_Group] = []
    for group in widest_first:
        home = next(
            (k for k in kept if group.wonderers <= k.wonderers and group.forms & k.forms), None
        )
        if home is None:
            kept.append(group)
        else:
            home.keys.extend(group.keys)
    return kept


def _scan(voices: Sequence[Voice]) -> dict[str, _Key]:
    """Return every key a wondering voice used, with every voice (wondering or not) using it."""
    keys: dict[str, _Key] = {}
    # Curiosities first, so thread messages only ever extend keys somebody wondered about.
    for index, voice in enumerate(voices):
        if voice.wondering:
            _add_wondering(keys, index, voice)
    _add_writing(keys, voices)
    return keys


def _add_wondering(keys: dict[str, _Key], index: int, voice: Voice) -> None:
    """Record a curiosity's keys and the words it used for them."""
    carried: set[str] = set()
    for word in voice.words:
        found = keys.get(word.key)
        if found is None:
            found = keys[word.key] = _Key(first=index, seen=len(keys))
        found.forms[word.form] += 1
        # A person's rarest form counts for them: "maintainers", not a later "maintain".
        zipf = min(found.wonderers.get(voice.person, word.zipf), word.zipf)
        found.wonderers[voice.person] = zipf
        if word.key not in carried:
            carried.add(word.key)
            found.voices.append(index)
            found.first = min(found.first, index)


def _add_writing(keys: dict[str, _Key], voices: Sequence[Voice]) -> None:
    """Add the thread messages to the keys someone wondered about (their words name themes)."""
    # A busy day has far more messages than curiosities: a set intersection finds each one's
    # keys, and who wrote them is only looked at for the keys that need it (_used_by).
    wanted = keys.keys()
    writing: dict[str, list[int]] = {key: [] for key in wanted}
    for index, voice in enumerate(voices):
        if not voice.wondering:
            for key in wanted & set(map(_KEY, voice.words)):
                writing[key].append(index)
    for key, indices in writing.items():
        if indices:
            found = keys[key]
            found.voices.extend(indices)
            found.first = min(found.first, indices[0])


def _commonness(found: _Key) -> float:
    """Return how common the forms people wondered with are, on average over the people."""
    return sum(found.wonderers.values()) / len(found.wonderers)


def _used_by(found: _Key, people: Sequence[Hashable], least: int) -> bool:
    """Return whether at least least people used the key, wondering or writing."""
    met = set(found.wonderers)
    for index in found.voices:  # most keys have enough people after a few of their voices
        if len(met) >= least:
            break
        met.add(people[index])
    return len(met) >= least


def _theme(members: list[_Key], voices: Sequence[Voice]) -> Theme:
    """Return one theme from keys the same people wondered about, its most used words first."""
    members.sort(key=lambda k: (-len(k.voices), k.first, k.seen))
    words = tuple(dict.fromkeys(_readable(k.forms) for k in members))[:MAX_THEME_WORDS]
    carried = sorted({v for k in members for v in k.voices})
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
