"""Words as keys: forms of one word meet; the words of asking never count; everyday words and
the group's reading carry how common they are, for the themes to judge."""

import random
from collections import Counter

import pytest

from bot.core.corpus import Entry, load_corpus
from bot.words import Lexicon, languages_of, lexicon_for
from bot.words.lexicon import keyed_word
from bot.words.tokens import kept_words

LEXICON = Lexicon()  # no corpus: only the words of being curious are background


def keys(text: str, lexicon: Lexicon = LEXICON) -> set[str]:
    """Return the keys in the curiosity's own language (not the any-language ones)."""
    return {w.key for w in lexicon.curiosity_words(text) if not w.key.startswith("*:")}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("measuring contributions", "what gets measured"),
        ("a measurement of work", "what gets measured"),
        ("reciprocity between strangers", "reciprocal help"),
        ("open source maintainers", "who maintain our libraries"),
        ("¿Cómo se organiza una asamblea vecinal?", "¿Quién modera las asambleas?"),
        ("¿Cómo funciona la reciprocidad?", "¿Un intercambio recíproco?"),
        (
            "Wie treffen Genossenschaften Entscheidungen?",
            "Sind genossenschaftliche Banken anders?",
        ),
        ("Как устроены жилищные кооперативы?", "Можно ли вступить в кооператив?"),
    ],
)
def test_forms_of_one_word_share_a_key(first, second):
    assert keys(first) & keys(second)


@pytest.mark.parametrize(
    "text",
    [
        "How do people decide what they feel, make and think?",
        "Who decides? I think people make it.",
        "¿Cómo decidir qué pensar?",
        "Wie entscheiden wir, was wir denken?",
        "Que faire ? Penser, sentir, décider ?",
        "Что люди думают?",
        "I am curious, I wonder, a question of curiosity",
        "¿Tengo curiosidad, me pregunto?",
    ],
)
def test_generic_words_and_the_words_of_being_curious_are_not_specific(text):
    assert keys(text) == set()


@pytest.mark.parametrize(
    ("text", "stop", "kept"),
    [
        ("¿Por qué la gente piensa tanto en el dinero?", "es:tant", "es:diner"),  # so much
        ("Perché quindi i vicini litigano?", "it:quind", "it:vicin"),  # so
        ("Why does everything feel faster now?", "en:everyth", "en:faster"),
    ],
)
def test_a_languages_stop_words_are_never_keys(text, stop, kept):
    found = keys(text)
    assert kept in found and not any(stop in key.split(" ")[0] for key in found)
    assert stop in keys(text, Lexicon(key=lambda form, lang: (0.0, keyed_word(form, lang)[1])))


def zipfs(text: str, lexicon: Lexicon = LEXICON) -> dict[str, float]:
    """Return how common each key of a curiosity is, in its own language."""
    return {w.key: w.zipf for w in lexicon.curiosity_words(text) if not w.key.startswith("*:")}


def test_everyday_words_are_keys_that_carry_how_common_they_are():
    found = zipfs("How could a city listen to every voice?")
    assert {"en:citi", "en:listen", "en:voic"} <= set(found)  # and phrases, "city listen"
    assert "en:could" not in found  # a family at Zipf 6 or more says how, not what about
    assert all(found[k] > 4.5 for k in ("en:citi", "en:listen", "en:voic"))
    assert zipfs("Is sortition fair?")["en:sortit"] < 3


def test_the_groups_reading_makes_its_words_more_common_in_the_group():
    often = [Entry(f"e{n}", "ch", f"The commons and sortition, {n}.", "so", n) for n in range(9)]
    lexicon = lexicon_for((*often, Entry("e9", "ch", "Once: reciprocity.", "yes", 9)))
    plain, read = zipfs("Is sortition the answer?"), zipfs("Is sortition the answer?", lexicon)
    assert read["en:sortit"] > plain["en:sortit"] + 3
    assert read["en:answer"] == plain["en:answer"]  # the reading never says it


def test_the_bundled_corpus_makes_commons_peer_and_production_common():
    lexicon = lexicon_for(tuple(load_corpus()))
    found = zipfs("Commons-based peer production on platforms?", lexicon)
    assert min(found[k] for k in ("en:common", "en:peer", "en:product")) > 5.5
    assert found["en:platform"] < 4.5


def test_a_word_spelled_alike_in_two_languages_meets_across_them():
    english = {w.key for w in LEXICON.curiosity_words("Why does Wikipedia still work?")}
    spanish = {
        w.key for w in LEXICON.curiosity_words("¿Quién decide qué se publica en Wikipedia?")
    }
    assert english & spanish == {"*:wikipedia"}


def test_a_thread_message_keeps_only_the_words_of_the_curiosities_in_their_languages():
    wanted = {"es:reciproc", "en:reciproc", "en:burnout"}
    said = "Reciprocity, la reciprocidad: sí. Burnout? Stewardship."
    message = {w.key for w in LEXICON.message_words(said, wanted, ["es", "en"])}
    assert message == wanted


def test_two_uncommon_words_side_by_side_are_a_phrase_of_their_own():
    first = {
        w.key for w in LEXICON.curiosity_words("How does a group share without keeping score?")
    }
    second = {w.key for w in LEXICON.curiosity_words("Is keeping score the opposite of sharing?")}
    assert "en:keep score" in first & second


@pytest.mark.parametrize("text", ["What makes people happy?", "What do people think?"])
def test_the_commonest_words_make_no_phrase(text):
    assert not any(" " in key for key in keys(text))


# Words in every language, many of them forms whose stem is no prefix of the word ("happy"
# is keyed "happi", "Häuser" "haus", "ёлки" "елк"), written as people write them, some
# run together with no space between.
FORMS = [
    "happy", "happiness", "Happier", "happily", "Häuser", "Haus", "häuslich", "Bäume", "Baum",
    "Mütter", "Mutter", "Straße", "Strasse", "größer", "groß", "общество", "общественный",
    "общин", "общины", "Сообщества", "ёлка", "ёлки", "reciprocité", "réciproque", "recíproco",
    "reciprocidad", "reciprocity", "enclosures", "enclosure", "maintainers", "maintaining",
    "maintained", "sortition", "lotteries", "lottery", "Wikipedia", "WIKIPEDIA", "Ostrom",
    "seeds", "seeding", "timebanks", "banks", "measuring", "measurement", "Über", "über",
    "naïve", "café", "CAFÉ", "asambleas", "asamblea", "vecinal", "Genossenschaften",
    "genossenschaftliche", "кооперативы", "кооператив", "ΟΔΟΣ", "the", "and", "people",
    "happy-go-lucky", "Häuser/Bäume", "seeds—enclosure", "l'enclosure", "reciprocity's",
    "общины,ёлки",
]  # fmt: skip
NOISE = ["<b>seeds</b>", "https://example.org/seeds", "@ana", "/curious", "&amp;", "x<y", "a/b"]


def test_messages_are_matched_in_bulk_exactly_as_one_by_one():
    rng = random.Random(5)
    # Keys of every other form, keyed in each language, as if curiosities had wondered.
    wanted = {
        word.key
        for form in FORMS[::2]
        for language in ("en", "de", "ru", "es", "fr")
        for word in keyed_word(form.lower(), language)[1]
    }
    languages = languages_of(wanted)
    texts = [
        rng.choice([" ", "\n", ", "]).join(
            rng.choice(FORMS) + rng.choice(["", ".", "?", "!"]) if rng.random() < 0.9
            else rng.choice(NOISE)
            for _ in range(rng.randint(0, 20))
        )
        for _ in range(300)
    ]  # fmt: skip
    bulk = LEXICON.messages_words(texts, wanted, languages)
    one_by_one = [LEXICON.message_words(text, wanted, languages) for text in texts]
    assert [Counter(words) for words in bulk] == [Counter(words) for words in one_by_one]
    assert sum(1 for words in one_by_one if words) > 200  # most messages match something
    # Gathered by key, from the words the archive keeps: the same messages, numbered from 7.
    by_key = LEXICON.keys_written(map(kept_words, texts), wanted, languages, first=7)
    expected: dict[str, list[int]] = {}
    for number, words in enumerate(one_by_one, 7):
        for key in dict.fromkeys(word.key for word in words):
            expected.setdefault(key, []).append(number)
    assert by_key == expected


def test_no_keys_match_no_message():
    assert LEXICON.messages_words(["happy seeds", ""], set(), set()) == [(), ()]
    assert LEXICON.keys_written(["happy seeds", ""], set(), set()) == {}


def test_the_words_of_sharing_are_as_common_in_every_language_as_the_reading_makes_them():
    lexicon = lexicon_for(tuple(load_corpus()))
    read = zipfs("Gli orti condivisi del comune?", lexicon)
    assert read["it:condivis"] > zipfs("Gli orti condivisi del comune?")["it:condivis"] + 1
    assert read["it:condivis"] > 5  # as "shared" is: two people never meet through it
    assert read["it:comun"] > 6  # "comune", "comuni", "comunità": "common" and "community"
    assert zipfs("Общие вещи?", lexicon)["ru:общ"] > 6
    assert read["it:orti"] == zipfs("Gli orti condivisi del comune?")["it:orti"]


def test_a_reading_that_never_shares_makes_the_words_of_sharing_no_commoner():
    plain = lexicon_for((Entry("e0", "ch", "Sortition and lotteries.", "so", 0),))
    assert "es:procomun" in keys("¿Quién cuida el procomún digital?", plain)  # rarer than Zipf 3
    assert (
        zipfs("Gli orti condivisi?", plain)["it:condivis"]
        == zipfs("Gli orti condivisi?")["it:condivis"]
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Chi cura gli orti del quartiere?", "Un orto può unire i vicini?"),
        ("¿Quién paga las obras del portal?", "¿Cuándo acaba la obra?"),
    ],
)
def test_short_words_snowball_leaves_whole_meet_without_their_ending(first, second):
    assert keys(first) & keys(second)


def test_a_stop_word_does_not_make_a_word_of_its_stem_common():
    # "bene" ("well") is a stop word; "beni" ("goods") is counted without it, and makes a phrase.
    assert keyed_word("bene", "it")[0] > 6 > keyed_word("beni", "it")[0]
    assert "it:ben comun" in keys("Un regolamento dei beni comuni?")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Und woran eigentlich? Dieser Müll!", {"de:mull"}),
        ("quelqu'un a vraiment un truc pour le vélo ?", {"fr:velo"}),
        ("¿qué hacéis con la luz? alguien tiene una idea", {"es:luz"}),
        ("qualcuno ha davvero qualcosa per la vendemmia insieme?", {"it:vendemm"}),
        ("кто-нибудь вообще чинит самовар вместе?", {"ru:самовар", "ru:чин"}),
        ("honestly guys, any idea about the bus?", {"en:bus"}),
    ],
)
def test_the_words_of_talking_in_a_group_chat_are_not_specific(text, kept):
    assert {key.split(" ")[0] for key in keys(text)} == kept


def test_a_second_stem_too_short_to_be_the_words_own_is_left_out():
    # "solari" -> "solar" -> "sol": "pannelli solari" and "da soli" ("alone") do not meet.
    assert "it:solar" in keys("pannelli solari sul tetto")
    assert not keys("pannelli solari sul tetto") & keys("non ce la facciamo da soli")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("If the buses ran all night", "the 42 bus skipped our stop"),
        ("un garage à vélos dans la cour", "mon vélo a été volé"),
    ],
)
def test_plurals_snowball_leaves_their_ending_on_meet_their_singular(first, second):
    assert keys(first) & keys(second)
