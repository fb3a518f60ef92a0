"""Words in any language: markup-free tokens, their language, and how common each one is.

The one part of the bot that knows languages, with its own libraries: simplemma (lemmas and
language detection), PyStemmer (Snowball stems) and wordfreq (how common a word is). Compose
keys each curiosity and message here; ``bot.core.themes`` groups the people who share keys.
"""

from bot.words.lexicon import Lexicon, build_lexicon, languages_of, lexicon_for

__all__ = ["Lexicon", "build_lexicon", "languages_of", "lexicon_for"]
