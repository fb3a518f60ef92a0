"""Resonances on days as members write them: everyday words shared by many, rare words shared by
two, and nobody named for sharing only the way questions are asked.

Each day is a dozen curiosities through the real digest builder, against the bundled corpus.
"""

import pytest

from bot.core.corpus import load_corpus
from tests.compose.test_digest import make_curiosity, resonances

# Curiosities that share only common words: "people", "decide", "feel", "fair", "keep", "work".
LONERS = [
    "What do people really want from their neighbours?",
    "How do you decide when to stop?",
    "Why does everything feel faster now?",
    "I keep thinking about trust.",
    "What would a fair day of work look like?",
    "Is it ever right to say no to a friend?",
    "What makes a group feel safe?",
    "Who decides what matters most?",
    "How do people decide what feels fair?",
    "Can a hobby become a job without losing its joy?",
]
NAMES = ["Ana", "Bo", "Cy", "Di", "Eve", "Fay", "Gil", "Hal", "Ida", "Jo", "Kai", "Lu"]


def day(*themed: str) -> list[str]:
    """Return the lines of the Resonances of a dozen curiosities: themed first, then loners."""
    return lines_of([*themed, *LONERS][:12])


def lines_of(said: list[str]) -> list[str]:
    """Return the lines of the Resonances of a day's curiosities, each by another member."""
    curiosities = [make_curiosity(n, NAMES[n], text) for n, text in enumerate(said)]
    return resonances(curiosities, load_corpus())


def test_three_of_a_dozen_wondering_about_their_city_resonate():
    assert day(
        "How could a city listen to every voice each day?",
        "Could our city kitchen become a commons?",
        "What would a city that listens to curiosity feel like?",
    ) == ["Ana, Bo and Cy are all wondering about city."]


@pytest.mark.parametrize(
    ("texts", "word"),
    [
        (
            (
                "What would school look like without measuring anyone?",
                "Why do we insist on measuring value at all?",
                "Who decides how value is measured in a commons?",
            ),
            "measuring",
        ),
        (
            (
                "Can care survive being measured?",
                "What does measurement do to a volunteer's joy?",
                "Why do schools keep measuring children?",
            ),
            "measured",
        ),
    ],
    ids=["measuring-value", "measuring-care"],
)
def test_three_wondering_about_measuring_resonate_though_the_book_measures_too(texts, word):
    assert day(*texts) == [f"Ana, Bo and Cy are all wondering about {word}."]


def test_two_asking_the_same_thing_in_other_words_resonate_on_what_they_share():
    assert day(
        "Who repairs shared infrastructure?",
        "Who fixes shared infrastructure when it breaks?",
    ) == ["Ana and Bo are both wondering about shared infrastructure."]


def test_a_loner_sharing_only_the_everyday_word_of_a_phrase_stays_alone():
    # The fourth of the loners keeps thinking about trust: "trust" alone joins nobody.
    assert day(
        "How do community land trusts keep housing affordable?",
        "Who sits on the board of a land trust?",
        "Can a land trust work in a rural village?",
    ) == ["Ana, Bo and Cy are all wondering about land trust."]


def test_an_everyday_word_two_of_a_dozen_share_is_no_resonance():
    assert day("Could a city ever be quiet?", "Which city has the best parks?") == []


def test_a_day_of_loners_sharing_only_how_questions_are_asked_has_no_resonance():
    assert day() == []


# An Italian day: loners sharing only "persone", "tempo", "importante", "decidere".
ITALIAN_LONERS = [
    "Perché le persone hanno sempre fretta?",
    "Cosa rende bella una giornata?",
    "Chi decide cosa è importante?",
    "Perché il tempo vola così?",
    "Vale la pena pensare al futuro?",
    "Perché le persone vogliono sempre di più?",
]


def test_the_words_of_sharing_join_nobody_in_another_language_but_a_phrase_still_does():
    # The English reading says "common" and "shared" throughout: so are "comuni" and
    # "condivisi" in an Italian curiosity; only "beni comuni" is something two people share.
    said = [
        "Un regolamento dei beni comuni serve davvero?",
        "Come si scrive un patto per i beni comuni?",
        "Chi assegna gli orti urbani del comune?",
        "Chi aggiusta le cose comuni quando si rompono?",
        "Un forno condiviso in cortile avrebbe senso?",
        "Chi paga le biciclette condivise rubate?",
        *ITALIAN_LONERS,
    ]
    assert lines_of(said) == ["Ana and Bo are both wondering about beni comuni."]


@pytest.mark.parametrize(
    "said",
    [
        (
            "Est-ce qu'on pourrait racheter la boulangerie à plusieurs ?",
            "On pourrait trier les poubelles ensemble le samedi ?",
            "Qui pourrait porter les courses de la voisine du troisième ?",
            "L'école cherche des parents pour le potager.",
            "Mon AMAP cherche des gens pour la distribution du jeudi.",
        ),
        (
            "Wer hätte Lust auf einen Podcast über unser Viertel?",
            "Ein Hoffest im Sommer, wer hätte Lust?",
            "Ich suche jemanden, der mit mir Brot backt.",
            "Die Bibliothek sucht Vorleser für Kinder.",
        ),
        (
            "Le zanzare quest'anno sono arrivate già ad aprile?",
            "Il presepe vivente quest'anno si fa ancora nel borgo?",
            "Che cosa vi ha cambiato la vita quest'anno?",
            "Dove andate in vacanza quest'anno?",
        ),
    ],
    ids=["pourrait-cherche", "hätte-lust-suchen", "quest-anno"],
)
def test_could_would_feel_like_looking_for_and_this_year_join_nobody_in_any_language(said):
    # English's stop words hold "could", "looking" and "year"; the other languages' forms of
    # them, "pourrait", "hätte Lust", "cherche", "sucht", "quest'anno", are the way requests
    # are written too.
    assert lines_of(said) == []


# A German day: loners sharing only "Leute", "Zeit", "Leben", "heute".
GERMAN_LONERS = [
    "Warum haben die Leute heute so wenig Zeit?",
    "Was macht ein gutes Leben aus?",
    "Wie lernt man, Nein zu sagen?",
    "Warum vergeht die Zeit im Urlaub so schnell?",
    "Was würdet ihr heute anders machen als vor zehn Jahren?",
    "Kann man Glück lernen?",
]


def test_german_compounds_meet_the_words_they_are_made_of():
    said = [
        "Wer kümmert sich um das kaputte Licht im Treppenhaus?",
        "Treppenhausreinigung: gibt es bei euch einen Putzplan?",
        "Wo finde ich den Mietspiegel für unsere Stadt?",
        "Darf die Miete zweimal im Jahr steigen?",
        *GERMAN_LONERS,
    ]
    assert lines_of(said) == [
        "Ana and Bo are both wondering about treppenhaus.",
        "Cy and Di are both wondering about miete.",
    ]


def test_a_compound_s_commonest_part_joins_nobody():
    # "Haus" is in all four, and what each is about is something else.
    said = [
        "Wie trennt ihr bei euch im Haus den Müll?",
        "Sollen Kinder bei der Hausversammlung mitreden?",
        "Warum meldet sich die Hausverwaltung nie?",
        "Wer macht bei euch die Hausaufgaben mit den Kindern?",
        *GERMAN_LONERS,
    ]
    assert lines_of(said) == []


# A French day: loners sharing only "gens", "temps", "vie", "monde".
FRENCH_LONERS = [
    "Pourquoi les gens n'ont plus le temps de rien ?",
    "Qu'est-ce qui rend une vie réussie ?",
    "Le monde change trop vite, non ?",
    "Comment apprendre à dire non ?",
    "Faut-il toujours dire la vérité ?",
    "Qu'est-ce qu'un bon voisin ?",
]


def test_a_word_meets_the_commoner_word_it_derives_from():
    said = [
        "Mon pharmacien dit qu'il manque des médicaments, vous aussi ?",
        "La pharmacie de garde le dimanche, c'est laquelle ?",
        *FRENCH_LONERS,
    ]
    # Named, as every line is, by the form most of them wrote, the first one on a tie.
    assert lines_of(said) == ["Ana and Bo are both wondering about pharmacien."]
