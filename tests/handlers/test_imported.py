"""A corpus imported from each reading tool's export, posted by the real bot in a sandbox group."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.importers import import_source
from bot.handlers import build_application
from bot.handlers.app import running
from tests.harness import make_world
from tests.telegram_html import telegram_problems

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "highlights"


@pytest.mark.parametrize(
    ("name", "first_words"),
    [
        ("kindle-pt.txt", "Os comuns nascem onde as pessoas combinam regras"),
        ("readwise.csv", "P2P can also be a mode to allocate resources"),
        ("hypothesis.json", "P2P can also be a mode to allocate resources"),
        ("obsidian.md", "P2P can also be a mode to allocate resources"),
    ],
)
async def test_the_bot_posts_the_first_imported_passage(sandbox, tmp_path, name, first_words):
    text, _ = import_source(FIXTURES / name)
    corpus = tmp_path / "imported.md"
    corpus.write_text(text, encoding="utf-8")
    world = await make_world(sandbox, tmp_path, ("Ana", "Bo"))
    app = build_application(replace(world.config, corpus_path=corpus), clock=world.clock)
    async with running(app, poll_timeout=1):
        world.app = app
        group = await world.group_with_passage()
        _, post = world.sent(group)
        await world.sandbox.wait_until_consumed(timeout=5)
    html = post["params"]["text"]
    assert first_words in post["message"]["text"]
    assert "Counterpoint" in post["message"]["text"]
    assert telegram_problems(html) == []
