"""Every shipped catalog translates every message the code can say, with the same placeholders
and tags, and its committed .mo is what its .po compiles to."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALES

BOT = Path(__file__).resolve().parents[2] / "bot"
# The keywords the code marks messages with (the README's `pybabel extract` uses the same).
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
SHIPPED = sorted(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?([a-z]+)")
# A message id (a tuple for a plural) and its context (None for most).
MessageKey = tuple[str | tuple[str, ...], str | None]


def extracted() -> set[MessageKey]:
    """Return every message the code marks, as Babel extracts them."""
    found = extract_from_dir(str(BOT), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {(message, context) for _, _, message, _, context in found}


def catalog(language: str) -> Catalog:
    with open(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=language)


MESSAGES = extracted()


def test_the_code_marks_its_messages() -> None:
    wanted = {("Curious today", None), (("{n} reply", "{n} replies"), None)}
    assert wanted | {("others", "after with")} <= MESSAGES


def test_every_language_has_a_catalog_and_every_catalog_a_language() -> None:
    folders = sorted(p.name for p in LOCALES.iterdir() if p.is_dir())
    assert folders == SHIPPED


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated_and_nothing_else(language: str) -> None:
    translations = {(m.id, m.context): m for m in catalog(language) if m.id}
    missing = [m for m in MESSAGES if not _translated(translations.get(m))]
    fuzzy = [key for key, m in translations.items() if m.fuzzy]
    stale = [m for m in translations if m not in MESSAGES]
    assert (missing, fuzzy, stale) == ([], [], [])


def _translated(message: object) -> bool:
    strings = getattr(message, "string", None)
    forms = strings if isinstance(strings, tuple) else (strings,)
    return bool(forms) and all(forms)


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders_and_the_tags(language: str) -> None:
    wrong = []
    for message in catalog(language):
        if not message.id:
            continue
        original = message.id[-1] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wrong += [(original, form) for form in forms if _shape(form) != _shape(original)]
    assert wrong == []


def _shape(text: str) -> tuple[set[str], Counter[str]]:
    """Return a message's placeholders (a plural form may leave out {n}) and its tags."""
    return set(PLACEHOLDER.findall(text)) - {"n"}, Counter(TAG.findall(text))


@pytest.mark.parametrize("language", SHIPPED)
def test_the_committed_mo_is_the_compiled_po(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog(language))
    committed = (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert committed == compiled.getvalue(), "run the README's pybabel compile"
