"""The core never imports Telegram: it can be read and tested without a network."""

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
CORE = sorted(
    p
    for p in BOT.glob("*.py")
    if p.name not in {"__main__.py", "runner.py", "webchat.py", "demo.py"}
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", CORE, ids=lambda p: p.name)
def test_core_module_does_not_import_telegram(module):
    telegram = {
        m
        for m in imported_modules(module)
        if m.split(".")[0] in {"telegram", "bot"}
        and (
            m.startswith("telegram") or m.startswith("bot.handlers") or m.startswith("bot.sandbox")
        )
    }
    assert telegram == set()


def test_core_is_not_empty():
    names = {p.name for p in CORE}
    assert {
        "corpus.py",
        "store.py",
        "threads.py",
        "digest.py",
        "schedule.py",
        "config.py",
    } <= names
