"""Words as keys: each word keyed by its Snowball stems, with how common it is in the group.

Every word is kept but the commonest families (Zipf 6 or more: "what", "people"), the
language's stop words ("tanto", "quindi") and the words of asking or of being curious ("why",
"decide", "curious"), which any curiosity could share. Each key carries how common the form
written is in its language (wordfreq) with the group's own reading added in (its words' share
of the corpus, at weight ECHO), so that ``bot.core.themes`` can judge how surprising it is that
so many share it. Keys carry their language, so words match within one language; a word that
reads the same in two languages ("Wikipedia", "Ostrom") also gets a key of its own, through
which curiosities in different languages may meet.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain

from bot.core.corpus import Entry
from bot.core.themes import ANY_LANGUAGE, WORDS_PER_CURIOSITY, Word
from bot.words.compounds import compound_parts, derived_from
from bot.words.frequency import detect_language, family_zipf, zipf
from bot.words.language import stems, stop_words
from bot.words.tokens import kept_words, word_pairs, words

# A family at Zipf 6 or more (about once in 1,000 words, all its forms together) is how
# anything is said, not what about: "what", "people" (6.3), "make", "wie", "como". Rarer
# families are judged by how surprising it is that so many share them (bot.core.themes):
# "city" (5.7) joins three of a dozen curiosities, "fair" (5.1) does not join two.
FAMILY_BELOW = 6.0
# A language's stop words (the stop-words package's list) count as the commonest family of all.
STOP_WORD = 9.0
# Two words side by side are a phrase of their own ("keeping score", "land trust", "open
# source") when neither is among the commonest families ("what", "make", "people", and "time"
# too), and one is no commoner than "land" or "source" ("entscheiden Menschen" is no phrase).
PAIR_BELOW = 6.0
PAIR_RARER_BELOW = 5.4
# The group's reading makes its own words common in the group: a word's frequency there, at
# this weight, is added to its frequency in the language ("commons" and "peer" fill the bundled
# manifesto, so two people saying them is no surprise). Chosen on tests/data/resonances.
ECHO = 0.1
ECHOED_WORDS_KEPT = 1 << 16
# Snowball cuts no ending from a short word that starts with a vowel in Spanish, Portuguese and
# Italian ("orto", "orti"; "obra", "obras"): such a word also gets the key it would have without
# its ending ("ort"), when what is left has three letters or more ("ola" and "olas" stay
# apart). Chosen on tests/data/resonances/curiosities.tsv ("orti condivisi", "orto condiviso").
LEFT_WHOLE_ENDINGS = {
    "es": ("as", "os", "es", "a", "o", "e"),
    "pt": ("as", "os", "es", "a", "o", "e"),
    "it": ("a", "o", "e", "i"),
}
LEFT_WHOLE_REST = 3
# Plurals Snowball leaves their ending on: English "buses" ("buse", not "bus"), "boxes",
# French "vélos", "lavabos" (no "s" is cut after an "o" or a "u"). Such a word also gets the
# key of its singular, when wordfreq knows the singular. Chosen on
# tests/data/resonances/fresh.tsv (its "bus" and "vélo" themes; no other set changes).
PLURALS_LEFT = {
    "en": (("ses", 2), ("xes", 2), ("zes", 2), ("ches", 2), ("shes", 2)),
    "fr": (("os", 1), ("us", 1)),
}
# Snowball's second stem of a word is kept when it is four letters or more: a shorter one has
# cut into another word (Italian "solari" -> "solar" -> "sol", which met "soli", "alone").
# Chosen on tests/data/resonances/fresh.tsv ("pannelli solari" beside "da soli").
SECOND_STEM_LEAST = 4
# A key the group's past curiosities said on this many days or more is one of its habits (see
# Lexicon.with_history): three days of four weeks is a habit, once or twice a coincidence.
HABIT_DAYS = 3
# The history a digest hears: the curiosities of the four weeks before its day, the first 20 of
# each busy day (as telling as all of them, at a fraction of the cost).
HISTORY_DAYS = 28
HISTORY_PER_DAY = 20
HABIT_SHARE_MOST = 0.9  # a habit every past curiosity shared is still only very common
# How people say they are curious, in each language: every curiosity could share these. The
# bot asks what they are curious about "today", and many answers begin with it ("heute:",
# "aujourd'hui je me demande", "hoje fiquei pensando"): English's, Spanish's and Russian's stop
# words hold it, the others' lists miss it (found on tests/data/resonances/fresh3.tsv).
PROMPT_WORDS = {
    "en": "curious curiosity wonder question today",
    "es": "curioso curiosidad preguntar pregunta hoy",
    "de": "neugierig neugier fragen frage heute",
    "fr": "curieux curiosité demander question aujourd hui",
    "pt": "curioso curiosidade perguntar pergunta hoje",
    "it": "curioso curiosità chiedere domanda oggi",
    "ru": "любопытный любопытство интересно вопрос сегодня",
}
# How any question is asked: its question words and the verbs it turns on. A curiosity says
# them far more often than text at large (wordfreq's background), so three of a dozen sharing
# "decide" or "feel" is the way questions are written, not a shared concern.
ASKING_WORDS = {
    "en": "why how who when where whether decide feel think want know need matter happen mean",
    "es": "por qué cómo quién cuándo dónde decidir sentir pensar querer saber necesitar importar"
    " funcionar",
    "de": "warum wie wer wann wo ob entscheiden fühlen denken wollen wissen brauchen"
    " funktionieren",
    "fr": "pourquoi comment qui quand où décider sentir penser vouloir savoir falloir fonctionner",
    "pt": "porque como quem quando onde decidir sentir pensar querer saber precisar funcionar",
    "it": "perché come chi quando dove decidere sentire pensare volere sapere bisognare"
    " funzionare",
    "ru": "почему как кто когда где решать решить чувствовать думать хотеть знать нужно работать",
}
# How people talk in a group chat, whatever it is about, and that no stop-word list holds: the
# words for someone and something ("jemand", "alguien", "quelqu'un", "кто-нибудь"), for people
# and things and ideas ("Leute", "gente", "truc"), the adverbs of saying ("actually",
# "eigentlich", "vraiment", "davvero", "вообще") and of doing things together ("insieme"),
# German's "wo-" questions ("woran", "worüber"), the verb of doing ("hacer", "faire": "¿qué
# hacéis?"), and the forms of could, would, should and want, of feeling like and of looking for
# ("pourrait", "hätte Lust", "cherche") and the year ("quest'anno", "cette année") that
# English's stop words hold ("could", "looking", "year") and the other languages' lists miss.
# Each class was found among the wrong lines of the development sets
# (tests/data/resonances/fresh.tsv: "eigentlich", "woran", "quelqu", "hacéis"; unseen.tsv:
# "insieme" once three people may meet more easily, see bot.core.themes.MANY_LENIENCY;
# fresh2.tsv: "pourrait", "cherche", "hätte Lust"; fresh3.tsv: "anno"), each joining people
# who shared nothing else, and filled in for every language.
SAYING_WORDS = {
    "en": "honestly genuinely idea guys lol",
    "es": "alguien realmente hacer gente cosa idea quizás jaja juntos"
    " podría podrías podríamos podrían debería deberíamos quiero quieres queremos buscar"
    " busca buscando año años",
    "de": "eigentlich wirklich ehrlich jemand irgendwer irgendwie irgendwas woran worüber wofür"
    " wozu womit vielleicht überhaupt idee leute zusammen"
    " hätte hätten hättest lust suchen sucht suche jahr jahre jahren",
    "fr": "quelqu quelque quelques vraiment franchement genre truc faire gens idée ensemble"
    " pourrait pourrais pourrions pourriez pourraient peux voudrait voudrais veux devrait"
    " devrions chercher cherche cherchons année années",
    "pt": "alguém algum realmente fazer gente coisa ideia talvez juntos"
    " poderia poderíamos poderiam deveria deveríamos quero queremos procurar procura"
    " procurando vontade ano anos",
    "it": "qualcosa davvero idea magari tipo insieme"
    " potrebbe potremmo potrei può dovrebbe dovremmo vorrei vorremmo voglio cercare cerca"
    " cerchiamo voglia anno anni",
    "ru": "нибудь вообще правда реально делать вещь идея ребята вместе"
    " могли мог могла должен должны хочется хочу ищет ищу ищем искать",
}

# The words of sharing in each language, with the word of the group's reading they stand for.
# A group reading about the commons says "common", "share" and "community" in all its
# curiosities: the reading (in English here) makes them common in English, and these carry its
# weight to the same words in the other languages, which it never spells. Without them, a few
# people who each wrote "comuni" or "condivisi" about different things (the commune's gardens,
# the commons, shared bicycles) were one line. Their weight is the reading's own: a reading that
# never says "common" makes "comune" no commoner. Chosen on tests/data/resonances/unseen.tsv
# (Italian "comuni", "condivisi", Russian "общим": 7 of its 8 wrong pairs); dictionary forms,
# keyed by their stems, and none whose stem cuts into another word (German "teilen" and "Teil",
# Russian "делиться" and "дело" are left out).
SHARING_WORDS = {
    "common": {
        "es": "común procomún",
        "de": "gemeinsam allmende gemeingut",
        "fr": "commun",
        "pt": "comum comuns",
        "it": "comune",
        "ru": "общий совместный",
    },
    "share": {
        "es": "compartir compartido",
        "de": "geteilt",
        "fr": "partager",
        "pt": "compartilhar partilhar",
        "it": "condividere condiviso",
        "ru": "",
    },
    "community": {
        "es": "comunidad comunitario",
        "de": "gemeinschaft gemeinschaftlich",
        "fr": "communauté communautaire",
        "pt": "comunidade comunitário",
        "it": "comunità comunitario",
        "ru": "сообщество община",
    },
}

Keyed = tuple[float, tuple[Word, ...]]
Keyer = Callable[[str, str], Keyed]


@lru_cache(maxsize=1 << 17)
def keyed_word(form: str, language: str) -> Keyed:
    """Return how common a word's family is, and the word keyed in its language and in any.

    Each key carries how common the written form itself is. A second stem whose family is
    common, or that is short, has cut into another word ("monnaie" to "monnai" to "mon",
    "solari" to "solar" to "sol"), and is left out.
    """
    stem, *again = stems(form, language)
    found = [stem, *(s for s in again if _whole(s, language))]
    if stem == form:
        found.extend(_without_ending(form, language))
    found.extend(_without_plural(form, stem, language))
    frequency = zipf(form, language)
    keys = [Word(f"{language}:{_unaccented(s)}", form, frequency) for s in found]
    keys.append(Word(f"{ANY_LANGUAGE}:{_unaccented(form)}", form, frequency))
    # A word derived from a commoner one is also about it ("футбольный", "футбол").
    base = derived_from(stem, language)
    if base is not None and all(k.key != f"{language}:{_unaccented(base)}" for k in keys):
        keys.append(Word(f"{language}:{_unaccented(base)}", form, frequency))
    # A compound is also about the words it is made of, each as common as itself.
    for part in compound_parts(form, language):
        key = f"{language}:{_unaccented(stems(part, language)[0])}"
        if all(k.key != key for k in keys):
            keys.append(Word(key, part, zipf(part, language)))
    # A stop word says how, not what about ("tanto", "so much"), however rare its family.
    family = STOP_WORD if form in stop_words(language) else family_zipf(stem, language)
    return family, tuple(keys)


def _whole(stem: str, language: str) -> bool:
    """Return whether a second stem is still the word's own, not another word's."""
    return len(stem) >= SECOND_STEM_LEAST and family_zipf(stem, language) < FAMILY_BELOW


def _without_ending(form: str, language: str) -> tuple[str, ...]:
    """Return a word Snowball left whole without its ending ("orti" -> "ort"), if it has one."""
    for ending in LEFT_WHOLE_ENDINGS.get(language, ()):
        if form.endswith(ending):
            rest = form[: -len(ending)]
            return (rest,) if len(rest) >= LEFT_WHOLE_REST else ()
    return ()


def _without_plural(form: str, stem: str, language: str) -> tuple[str, ...]:
    """Return the stem of a plural Snowball left its ending on ("buses" -> "bus")."""
    for ending, cut in PLURALS_LEFT.get(language, ()):
        if form.endswith(ending):
            single = form[:-cut]
            found = stems(single, language)[0] if zipf(single, language) > 0 else stem
            return () if found == stem else (found,)
    return ()


@lru_cache(maxsize=1)
def prompt_keys() -> frozenset[str]:
    """Return the stems of the words people use to say they are curious, or to ask anything.

    Their own stems are enough (they are written as dictionary forms), and cheap: no word list
    needs reading for them.
    """
    return frozenset(
        f"{language}:{_unaccented(stem)}"
        for words_of in (PROMPT_WORDS, ASKING_WORDS, SAYING_WORDS)
        for language, text in words_of.items()
        for form in text.split()
        for stem in stems(form, language)
    )


@lru_cache(maxsize=1)
def sharing_keys() -> dict[str, tuple[str, ...]]:
    """Return the key of each word of sharing in another language, with the keys of the
    English words of the reading it stands for ("it:condivis" -> "en:share"; "it:comun", the
    stem of "comune" and "comunità", -> "en:common" and "en:communiti")."""
    found: dict[str, tuple[str, ...]] = {}
    for english, languages in SHARING_WORDS.items():
        stands_for = f"en:{stems(english, 'en')[0]}"
        for language, text in languages.items():
            for stem in {s for form in text.split() for s in stems(form, language)}:
                key = f"{language}:{_unaccented(stem)}"
                found[key] = (*found.get(key, ()), stands_for)
    return found


def phrase_word(
    key: Keyer, pair: tuple[str, str], language: str, background: frozenset[str] = frozenset()
) -> Word | None:
    """Return two words side by side as one, or None if they make no phrase of their own.

    Neither may be background ("based peer" is the book's "peer" again). wordfreq counts no
    phrases, so a phrase is taken as ten times rarer than its rarer word (Zipf one less): a
    rough estimate, and a cautious one: most pairs of words are rarer still together.
    """
    (first_family, first), (second_family, second) = (key(form, language) for form in pair)
    families = sorted((first_family, second_family))
    if families[1] >= PAIR_BELOW or families[0] >= PAIR_RARER_BELOW:
        return None
    if background.intersection(w.key for w in (*first, *second)):
        return None
    stem = second[0].key.split(":", 1)[1]
    zipf = min(first[0].zipf, second[0].zipf) - 1
    return Word(f"{first[0].key} {stem}", " ".join(pair), zipf)


@dataclass(frozen=True)
class Lexicon:
    """The background keys of one group's reading, and how to key a text against them."""

    background: frozenset[str] = field(default_factory=prompt_keys)
    key: Keyer = keyed_word
    family_below: float = FAMILY_BELOW
    echoes: Mapping[str, float] = field(default_factory=dict)  # a key -> its share of the reading
    echo: float = ECHO
    habits: Mapping[str, float] = field(default_factory=dict)  # a key -> its share of the past
    _echoed_words: dict[Word, Word] = field(default_factory=dict, compare=False, repr=False)

    def with_history(self, said: Iterable[tuple[str, str]]) -> Lexicon:
        """Return this lexicon hearing the group's own past curiosities too: (local date, text).

        A key said on HABIT_DAYS days or more of them is a habit of the group, at least as
        common as the share of its past curiosities that said it: a building's group says
        "Haus" every week, and three of today's saying it is no surprise. A key said on fewer
        days keeps its language's and the reading's commonness: someone who asked about
        "kombucha" yesterday does not make two asking today a coincidence.
        """
        keys_of = [(day, {w.key for w in self.curiosity_words(text)}) for day, text in said]
        if not keys_of:
            return self  # and its cache of words, kept across digests
        curiosities: Counter[str] = Counter()
        days: dict[str, set[str]] = {}
        for day, keys in keys_of:
            curiosities.update(keys)
            for key in keys:
                days.setdefault(key, set()).add(day)
        habits = {
            key: count / len(keys_of)
            for key, count in curiosities.items()
            if len(days[key]) >= HABIT_DAYS
        }
        return replace(self, habits=habits, _echoed_words={})

    def curiosity_words(self, text: str) -> tuple[Word, ...]:
        """Return the words and phrases of a curiosity, keyed in its own language, each as
        common as the language and the group's reading make it."""
        found = words(text)
        language = detect_language(found)
        if language is None:
            return ()
        keyed = (self.key(form, language) for form in found)
        single = (
            word
            for family, keys in keyed
            if family < self.family_below and not self.background.intersection(k.key for k in keys)
            for word in keys
        )
        pairs = (
            phrase_word(self.key, pair, language, self.background) for pair in word_pairs(text)
        )
        kept = (*single, *(w for w in pairs if w is not None and w.key not in self.background))
        return tuple(map(self._echoed, kept)) if self.echoes or self.habits else kept

    def _echoed(self, word: Word) -> Word:
        """Return word as common as the language and the group's reading make it together."""
        echoed = self._echoed_words.get(word)  # a day's curiosities repeat their words
        if echoed is None:
            echo = self.echoes.get(word.key)
            # "condivisi" as common as the reading makes "shared" (if it ever says it)
            elsewhere = (self.echoes.get(k, 0.0) for k in sharing_keys().get(word.key, ()))
            shared = max(elsewhere, default=0.0)
            if shared > (echo or 0.0):
                echo = shared
            habit = self.habits.get(word.key)
            if echo is None and habit is None:
                echoed = word
            else:
                frequency = (10 ** (word.zipf - 9) if word.zipf > 0 else 0.0) + self.echo * (
                    echo or 0.0
                )
                if habit is not None:  # the word's frequency at which a curiosity says it so often
                    share = min(habit, HABIT_SHARE_MOST)
                    frequency = max(
                        frequency, -math.expm1(math.log1p(-share) / WORDS_PER_CURIOSITY)
                    )
                echoed = Word(word.key, word.form, math.log10(frequency) + 9)
            if len(self._echoed_words) >= ECHOED_WORDS_KEPT:
                self._echoed_words.clear()  # a long-lived bot meets new words every day
            self._echoed_words[word] = echoed
        return echoed

    def message_words(
        self, text: str, keys: Collection[str], languages: Collection[str]
    ) -> tuple[Word, ...]:
        """Return a thread message's words that match keys, keyed in each of languages.

        A message only joins themes that curiosities started (whose keys and languages these
        are), so it needs no language or filter of its own: a cached lookup per word.
        """
        if not keys:
            return ()  # nobody wondered about anything today: no word of it can join a theme
        forms = set(words(text))
        return tuple(
            w for f in forms for lang in languages for w in self.key(f, lang)[1] if w.key in keys
        )

    def messages_words(
        self, texts: Iterable[str], keys: Collection[str], languages: Collection[str]
    ) -> list[tuple[Word, ...]]:
        """Return message_words of each text: the same words (in any order), found faster."""
        return self.kept_words_matching(map(kept_words, texts), keys, languages)

    def kept_words_matching(
        self, kept: Iterable[str], keys: Collection[str], languages: Collection[str]
    ) -> list[tuple[Word, ...]]:
        """Return message_words of each message, from the words the archive keeps beside it
        (``bot.words.tokens.kept_words``) instead of its text."""
        if not keys:
            return [() for _ in kept]
        return _Matcher(self.key, keys, languages).words_of(kept)

    def keys_written(
        self,
        kept: Iterable[str],
        keys: Collection[str],
        languages: Collection[str],
        first: int = 0,
    ) -> dict[str, list[int]]:
        """Return each of keys some message's kept words hold, with the messages holding it,
        numbered in order from first: what ``bot.core.themes.find_themes`` needs of them.

        The same as kept_words_matching's keys, gathered by key rather than by message: a busy
        day's thousands of messages then cost a set intersection each.
        """
        return _Matcher(self.key, keys, languages).keys_of(kept, first) if keys else {}


class _Matcher:
    """One day's thread messages matched against its curiosities' keys.

    A busy day has a hundred thousand messages but far fewer distinct words, and most match no
    key: each distinct word is keyed once, and a message meets its matching words in one set
    intersection.
    """

    def __init__(self, key: Keyer, keys: Collection[str], languages: Collection[str]) -> None:
        self.key, self.keys, self.languages = key, keys, languages
        self.matching: set[str] = set()  # the words with a keyed word that matches
        self.matches: dict[str, tuple[Word, ...]] = {}  # a word -> its keyed words that match

    def words_of(self, kept: Iterable[str]) -> list[tuple[Word, ...]]:
        """Return the keyed words that match of each message, from its kept words."""
        matched = self.matches.__getitem__
        return [tuple(chain.from_iterable(map(matched, h))) if h else () for h in self._hits(kept)]

    def keys_of(self, kept: Iterable[str], first: int) -> dict[str, list[int]]:
        """Return each key the messages' kept words hold, with the numbers of those messages."""
        hits = self._hits(kept)  # every distinct word is keyed by now: matching is complete
        numbers_of: dict[str, list[int]] = {form: [] for form in self.matching}
        for number, forms in enumerate(hits, first):
            for form in forms:  # a message has a handful of matching words, most none
                numbers_of[form].append(number)
        forms_of: dict[str, dict[str, None]] = {}  # a key -> its forms ("*:x" once a language)
        for form, matches in self.matches.items():
            for word in matches:
                forms_of.setdefault(word.key, {})[form] = None
        # Most keys have one form, whose numbers are in order already; a message holding two
        # forms of one key ("commons", "common") counts once.
        return {
            key: numbers_of[next(iter(forms))]
            if len(forms) == 1
            else sorted(set().union(*map(numbers_of.__getitem__, forms)))
            for key, forms in forms_of.items()
        }

    def _hits(self, kept: Iterable[str]) -> Iterator[set[str]]:
        """Return each message's words that match some key (keying each distinct word once)."""
        # Each step in C (split, set operations, map): there are thousands of messages.
        found = list(map(str.split, kept))
        for form in set().union(*found):
            self._key(form)
        return map(self.matching.intersection, found)

    def _key(self, form: str) -> None:
        """Key a word in every language, keeping the keyed words that match."""
        matches = tuple(
            w for lang in self.languages for w in self.key(form, lang)[1] if w.key in self.keys
        )
        if matches:
            self.matches[form] = matches
            self.matching.add(form)


def languages_of(keys: Iterable[str]) -> set[str]:
    """Return the languages of keys (a key in any language names none)."""
    return {key.split(":", 1)[0] for key in keys} - {ANY_LANGUAGE}


def _unaccented(word: str) -> str:
    """Return word without accents, so "recíproco" and "reciproco" share a key."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=8)
def lexicon_for(corpus: tuple[Entry, ...]) -> Lexicon:
    """Return the lexicon of a group reading corpus: its frequent words and the prompt words."""
    return build_lexicon([f"{entry.passage}\n{entry.counterpoint}" for entry in corpus])


def build_lexicon(
    texts: Sequence[str],
    key: Keyer = keyed_word,
    family_below: float = FAMILY_BELOW,
    echo: float = ECHO,
) -> Lexicon:
    """Return a lexicon that hears the group's reading (texts) in its words, at weight echo,
    and skips the prompt and asking words."""
    return Lexicon(prompt_keys(), key, family_below, reading_frequencies(texts, key), echo)


def reading_frequencies(texts: Sequence[str], key: Keyer = keyed_word) -> dict[str, float]:
    """Return each key of texts (words and phrases) with its share of their words."""
    counts: Counter[str] = Counter()
    total = 0
    for text in texts:
        found = words(text)
        language = detect_language(found)
        if language is not None:
            total += len(found)
            phrases = (phrase_word(key, pair, language) for pair in word_pairs(text))
            counts.update(word.key for form in found for word in key(form, language)[1])
            counts.update(phrase.key for phrase in phrases if phrase is not None)
    return {k: count / total for k, count in counts.items()}
