"""The README and docs/ stay true: every setting documented, the two commands, CI runs the test
command, every command a page names still runs (the README's with the venv's Python, as written
after its two set-up commands), every link leads somewhere."""

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.compose.passage import render_passage_post
from bot.core.config import SETTINGS
from bot.core.corpus import default_corpus_path, load_corpus
from bot.i18n import translator
from bot.sandbox.markup import parse_html

EN = translator("en")
ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The README's set-up commands make .venv; every command after them runs the bot with its Python.
VENV_BOT = re.compile(r"\.venv/bin/python -m bot ((?:[a-z][a-z-]* ?)+)")
# "python -m bot" with some other Python in front: outside the venv it has no Babel, no click.
BARE_BOT = re.compile(r"(?<!\.venv/bin/)\bpython3? -m bot\b")


def settings_table() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| `([A-Z_]+)` \| (.+?) \| (.+?) \|$", README, re.MULTILINE)
    return {name: (default, meaning) for name, default, meaning in rows}


def test_every_setting_is_documented_with_its_default_and_help():
    table = settings_table()
    assert set(table) == {s.env for s in SETTINGS.values()}
    for setting in SETTINGS.values():
        default, meaning = table[setting.env]
        expected_default = f"`{setting.default}`" if setting.default else "(unset)"
        assert (default, meaning) == (expected_default, setting.help)


def test_readme_top_shows_exactly_two_commands():
    top = README.split("\n## ")[0]
    blocks = re.findall(r"```sh\n(.+?)\n```", top, re.DOTALL)
    assert len(blocks) == 2
    run, test = blocks
    assert "python -m bot run" in run
    assert "python -m pytest" in test


def test_ci_runs_the_readme_test_command():
    test_command = re.findall(r"```sh\n(.+?)\n```", README, re.DOTALL)[1]
    runner = test_command.split("&&")[-1].strip().replace(".venv/bin/", "")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert runner in ci


def test_the_corpus_format_is_described_in_docs():
    corpus = (ROOT / "docs" / "corpus.md").read_text(encoding="utf-8")
    assert "CORPUS-FORMAT" not in corpus
    assert corpus.startswith("# The corpus\n")
    assert "(docs/corpus.md)" in README


def test_the_readme_is_a_front_door():
    assert len(README.splitlines()) <= 200
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", README))
    assert linked == {f"docs/{page.name}" for page in PAGES[1:]}


def commands_named(text: str) -> set[tuple[str, ...]]:
    """Return each ``python -m bot`` command path a page names, e.g. ('corpus', 'check')."""
    return {
        command_path(words) for words in re.findall(r"python -m bot ((?:[a-z][a-z-]* ?)+)", text)
    }


def command_path(words: str) -> tuple[str, ...]:
    """Return the command path the words after ``python -m bot`` start with (() if none)."""
    path: list[str] = []
    group: click.Command = cli
    for word in words.split():
        if not isinstance(group, click.Group) or word not in group.commands:
            break
        group = group.commands[word]
        path.append(word)
    return tuple(path)


def readme_commands() -> list[tuple[str, ...]]:
    """Return each command path the README writes as ``.venv/bin/python -m bot <cmd> ...``."""
    return sorted({command_path(words) for words in VENV_BOT.findall(README)})


def offline_env() -> dict[str, str]:
    """Return this environment without the bot's settings: no token, so nothing goes online."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COMMONS_", "TELEGRAM_"))}


def run_bot(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` with the venv's Python, as the README writes it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_readme_runs_the_bot_with_the_venvs_python_only() -> None:
    # The settings table is config.py's help text, which names the command without running it.
    lines = [line for line in README.splitlines() if not line.startswith("| `")]
    assert [line for line in lines if BARE_BOT.search(line)] == []
    assert len(readme_commands()) >= 8


@pytest.mark.parametrize("page", PAGES[1:], ids=lambda p: p.name)
def test_every_bot_command_to_paste_in_docs_uses_the_venv(page: Path) -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", page.read_text(encoding="utf-8"), re.DOTALL)
    # Inside the Docker image the bot is installed for the image's own Python.
    lines = [line for block in blocks for line in block.splitlines() if "docker" not in line]
    assert [line for line in lines if BARE_BOT.search(line)] == []


@pytest.mark.parametrize("path", readme_commands(), ids=" ".join)
def test_every_readme_command_runs_with_the_venvs_python(path: tuple[str, ...]) -> None:
    result = run_bot(*path, "--help")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Usage: python -m bot {' '.join(path)}".rstrip())


def test_the_readme_corpus_check_runs_as_written() -> None:
    line = next(line for line in README.splitlines() if "python -m bot corpus check" in line)
    words = line.split("#")[0].split()
    assert words[:3] == [".venv/bin/python", "-m", "bot"]
    corpus = str(default_corpus_path())
    result = run_bot(*(corpus if word == "FILE" else word for word in words[3:]))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip().endswith(", OK")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_bot_command_a_page_names_runs(page: Path) -> None:
    commands = commands_named(page.read_text(encoding="utf-8"))
    assert () not in commands  # a word after "python -m bot" that is no command
    for path in commands:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert (path, result.exit_code) == (path, 0), result.output


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_script_and_file_a_page_names_is_there(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    named = set(re.findall(r"python (bench/[\w/]+\.py)", text))
    named |= set(re.findall(r"`((?:\.ci|bot|tests|bench|seeds)/[\w./-]+)`", text))
    named |= {link.split("#")[0] for link in re.findall(r"\]\(([\w./-]+(?:#[\w-]+)?)\)", text)}
    base = page.parent
    missing = [
        name
        for name in sorted(named)
        if "<" not in name
        and "artifacts" not in name  # made by the browser test, not kept in the repository
        and not (base / name).exists()
        and not (ROOT / name).exists()
    ]
    assert missing == []


def test_the_readme_layout_names_every_package_of_bot() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\nbot/\n", 1)[1].split("```", 1)[0]
    packages = sorted(p.parent.name for p in (ROOT / "bot").glob("*/__init__.py"))
    listed = sorted(line.split()[0].rstrip("/") for line in block.splitlines() if "/ " in line)
    assert [p for p in packages if p not in listed] == []


def test_the_readme_sample_post_is_what_the_bot_posts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("A morning post looks like this:\n\n", 1)[1].split("\n\n`", 1)[0]
    shown = [line.removeprefix(">").strip().removeprefix("┃ ") for line in sample.splitlines()]
    entry = next(e for e in load_corpus() if e.id == "ch1-06")
    text, entities = parse_html(render_passage_post(EN, entry, local_date=date(2026, 11, 24)))
    # (The sample has no emoji, so UTF-16 offsets are string offsets here.)
    spans = {
        kind: [
            text[e["offset"] : e["offset"] + e["length"]] for e in entities if e["type"] == kind
        ]
        for kind in ("bold", "italic")
    }
    readme_text = " ".join(shown).replace("**", "").replace("*", "")
    assert readme_text.split() == text.split()
    assert re.findall(r"\*\*(.+?)\*\*", sample) == spans["bold"]
    assert re.findall(r"(?<!\*)\*([^*]+)\*(?!\*)", sample) == spans["italic"]
