"""The small things a newcomer meets first: language names as each language writes them, and
``python -m bot check`` saying which clock its times are read by."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel import Locale

from bot.archive import operations
from bot.archive.store import Store
from bot.cli.check import clock_finding, run_checks
from bot.core.config import Config
from bot.i18n import LANGUAGES, language_list, translator

NOW = datetime(2030, 6, 3, 10, 0, tzinfo=UTC)
MOVED_CLOCK = "; a web chat's moved clock is not seen here"


def test_setlang_lists_each_language_by_its_own_name() -> None:
    assert language_list() == (
        "de (Deutsch), en (English), es (español), fr (français), it (italiano), "
        "pt (português), ru (русский)"
    )


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_a_language_is_named_as_it_writes_its_own_name(code: str) -> None:
    assert translator(code).language_name == Locale.parse(code).get_display_name(code)


async def test_check_says_its_times_are_the_real_clocks(tmp_path: Path) -> None:
    db = tmp_path / "commons.db"
    store = Store.open(db)
    try:
        operations.ensure_chat(
            store,
            -1001,
            now=int(NOW.timestamp()),
            type="supergroup",
            title="Readers",
            username=None,
            is_forum=False,
        )
    finally:
        store.close()
    findings = await run_checks(Config(db_path=db), NOW)
    texts = [finding.text for finding in findings]
    clock = texts.index(f"clock: times as of 2030-06-03 10:00 UTC, the real clock{MOVED_CLOCK}")
    assert texts[clock + 1].startswith("chat -1001 (Readers): next passage Tue 4 Jun 09:00 UTC")


def test_with_a_token_there_is_no_web_chat_to_mention() -> None:
    finding = clock_finding(NOW, sandboxed=False)
    assert (finding.ok, finding.text) == (
        True,
        "clock: times as of 2030-06-03 10:00 UTC, the real clock",
    )
