"""The README stays true: every setting documented, the two commands, CI runs the test command."""

import re
from pathlib import Path

from bot.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


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
    top = README.split("## Contents")[0]
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


def test_readme_describes_the_corpus_format():
    assert "CORPUS-FORMAT" not in README
    assert "## The corpus" in README


def test_the_readme_layout_names_every_package_of_bot() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\nbot/\n", 1)[1].split("```", 1)[0]
    packages = sorted(p.parent.name for p in (ROOT / "bot").glob("*/__init__.py"))
    listed = sorted(line.split()[0].rstrip("/") for line in block.splitlines() if "/ " in line)
    assert [p for p in packages if p not in listed] == []
