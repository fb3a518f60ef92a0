"""Each curiosity's language, among the seven resonances understand."""

import pytest

from bot.words.frequency import detect_language
from bot.words.tokens import words


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How does reciprocity work when nobody keeps accounts?", "en"),
        ("¿Cómo funciona la reciprocidad entre vecinos?", "es"),
        ("Wie treffen Genossenschaften ihre Entscheidungen?", "de"),
        ("Pourquoi l'entraide disparaît-elle en ville ?", "fr"),
        ("O mutirão ainda existe nas cidades grandes?", "pt"),
        ("Chi cura gli orti condivisi del quartiere?", "it"),
        ("Как работает взаимопомощь в деревне?", "ru"),
    ],
)
def test_detects_the_language_of_a_curiosity(text, language):
    assert detect_language(words(text)) == language


@pytest.mark.parametrize("text", ["", "2024!", "🌱 ?"])
def test_text_without_letters_has_no_language(text):
    assert detect_language(words(text)) is None
