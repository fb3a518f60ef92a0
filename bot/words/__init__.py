"""Words in any language: markup-free tokens, their language, and how common each one is.

The one part of the bot that knows languages, with its own libraries: PyStemmer (Snowball
stems), wordfreq (how common a word is) and stop-words (the words a language says anything
with). Compose keys each curiosity and message here; ``bot.core.themes`` groups the people who
share keys.
"""

from bot.words.lexicon import (
    HISTORY_DAYS,
    HISTORY_PER_DAY,
    Lexicon,
    build_lexicon,
    languages_of,
    lexicon_for,
)

__all__ = [
    "HISTORY_DAYS",
    "HISTORY_PER_DAY",
    "Lexicon",
    "build_lexicon",
    "languages_of",
    "lexicon_for",
]
