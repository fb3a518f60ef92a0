"""A Translator: a language's messages, plurals and dates, and which language a tag means."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.i18n import language_for, translator

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "Tuesday 24 November", "Tue 24 Nov"),
        ("de", "Dienstag, 24. November", "Di., 24. Nov."),
        ("es", "martes, 24 de noviembre", "mar, 24 nov"),
        ("fr", "mardi 24 novembre", "mar. 24 nov."),
        ("pt", "terça-feira, 24 de novembro", "ter., 24 de nov."),
        ("ru", "вторник, 24 ноября", "вт, 24 нояб."),
    ],
)
def test_dates_are_written_as_the_language_writes_them(language, long, short):
    t = translator(language)
    assert (t.long_date(TUESDAY), t.short_date(TUESDAY)) == (long, short)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 ответ"), (3, "3 ответа"), (5, "5 ответов"), (11, "11 ответов"), (21, "21 ответ")],
)
def test_russian_plurals_take_all_three_forms(n, expected):
    assert translator("ru").ngettext("{n} reply", "{n} replies", n) == expected


def test_named_placeholders_are_filled_where_the_translation_puts_them():
    t = translator("es")
    when = t.short_datetime(datetime(2026, 11, 24, 9, 0))
    assert t._("{kind}: next {when}", kind="Pasaje", when=when) == (
        "Pasaje: el próximo, mar, 24 nov 9:00"
    )


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("de", "de"),
        ("pt-BR", "pt"),
        ("fr_CA", "fr"),
        ("RU", "ru"),
        ("it", "it"),
        ("nl", "en"),
        (None, "en"),
    ],
)
def test_a_telegram_language_tag_picks_a_shipped_language(tag, language):
    assert language_for(tag) == language


def test_an_unknown_code_gets_english():
    assert translator("xx")._("Curious today") == "Curious today"
    assert translator("xx").language == "en"
