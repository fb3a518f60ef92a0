"""The bot's languages: gettext catalogs (managed with Babel) and dates in a chat's locale.

A ``Translator`` is handed to every function that writes for people, so the same code renders
a chat's messages in its own language with no global state. Messages are written in English
in the code; ``locales/<lang>/LC_MESSAGES/commons.po`` translates them, compiled to ``.mo``
files that ship in the wheel. Placeholders are named (``{name}``) so a translation can put them
in its own order; plurals go through ``ngettext``.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale
from babel.lists import format_list

from bot.core.text import N_
from bot.i18n import dates

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Translator",
    "language_for",
    "language_list",
    "translator",
    "translator_for",
]

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "commons"
DEFAULT_LANGUAGE = "en"
# Each shipped language, by its code, with its own name for itself, written as that language
# writes it mid-sentence (CLDR's): Spanish, French, Italian, Portuguese and Russian in lower
# case.
LANGUAGES: Mapping[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "es": "español",
    "fr": "français",
    "it": "italiano",
    "pt": "português",
    "ru": "русский",
}
# The locale that writes a language's dates: English dates stay British ("Tuesday 24 November").
DATE_LOCALES: Mapping[str, str] = {"en": "en_GB"}


@dataclass(frozen=True)
class Translator:
    """One language's messages and dates."""

    language: str
    catalog: gettext.NullTranslations
    locale: Locale

    def _(self, message: str, **params: Any) -> str:
        """Return the message in this language, its named placeholders filled."""
        text = self.catalog.gettext(message)
        return text.format(**params) if params else text

    def pgettext(self, context: str, message: str) -> str:
        """Return the message as it reads in that context (one English word, two German)."""
        return self.catalog.pgettext(context, message)

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        """Return the form of the message for the number n, its placeholders ({n} too) filled."""
        return self.catalog.ngettext(singular, plural, n).format(n=n, **params)

    @property
    def language_name(self) -> str:
        """Return the language's name for itself: 'Deutsch'."""
        return LANGUAGES[self.language]

    def join_names(self, names: Sequence[str]) -> str:
        """Return 'Ana, Bo and Cy' ('Ana, Bo und Cy')."""
        return format_list(list(names), locale=self.locale)

    def join_alternatives(self, words: Sequence[str]) -> str:
        """Return 'a or b' ('a oder b')."""
        return format_list(list(words), style="or", locale=self.locale)

    def long_date(self, day: date) -> str:
        """Return 'Tuesday 24 November'."""
        return dates.long_date(day, self.locale)

    def short_date(self, day: date) -> str:
        """Return 'Tue 24 Nov'."""
        return dates.short_date(day, self.locale)

    def short_weekday(self, day: date) -> str:
        """Return 'Tue'."""
        return dates.short_weekday(day, self.locale)

    def weekday(self, day_of_week: int) -> str:
        """Return 'Sunday' for 6."""
        return dates.weekday(day_of_week, self.locale)

    def short_datetime(self, moment: datetime) -> str:
        """Return 'Tue 24 Nov 09:00' for a local time."""
        return dates.short_datetime(moment, self.locale)

    def span(self, first: date, last: date) -> str:
        """Return '18 – 24 November'."""
        return dates.span(first, last, self.locale)


@functools.cache
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """Return the translator of a shipped language (English for any other code)."""
    code = language if language in LANGUAGES else DEFAULT_LANGUAGE
    catalog = gettext.translation(DOMAIN, LOCALES, languages=[code], fallback=True)
    return Translator(code, catalog, Locale.parse(DATE_LOCALES.get(code, code)))


def translator_for(chat: Mapping[str, Any]) -> Translator:
    """Return the translator of a chat's language."""
    return translator(chat.get("language") or DEFAULT_LANGUAGE)


def language_for(code: str | None) -> str:
    """Return the shipped language for an IETF tag ('pt-BR' -> 'pt'), English if none fits."""
    primary = (code or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def language_list() -> str:
    """Return 'de (Deutsch), en (English), …': the codes /setlang takes."""
    return ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
