"""python -m bot site: one line per build, one line of refusal for a chat that did not publish,
and with --all a folder per published chat (and none left for a chat that stopped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.archive import Store
from bot.cli import cli
from tests.site.conftest import CHAT, OTHER, filled_archive_file


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return filled_archive_file(tmp_path / "commons.db")


def site(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["site", *args])
    return result.exit_code, result.output


def test_a_build_says_what_it_wrote_and_a_second_build_writes_nothing(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    first = site("--db", str(archive), "--chat", str(CHAT), "--out", str(out))
    second = site("--db", str(archive), "--chat", str(CHAT), "--out", str(out))
    assert first == (0, f"chat {CHAT}: {out}: 9 written, 0 unchanged, 0 removed\n")
    assert second == (0, f"chat {CHAT}: {out}: 0 written, 9 unchanged, 0 removed\n")


def test_a_chat_that_did_not_publish_gets_one_line_and_no_site(
    archive: Path, tmp_path: Path
) -> None:
    store = Store.open(archive)
    store.update_chat(CHAT, published=False)
    store.close()
    out = tmp_path / "site"
    code, output = site("--db", str(archive), "--chat", str(CHAT), "--out", str(out))
    assert (code, output) == (
        1,
        f"Error: chat {CHAT} has not published its archive: an admin sends /publish on there\n",
    )
    assert not out.exists()


def test_all_builds_each_published_chat_and_removes_one_that_stopped(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sites"
    code, _ = site("--db", str(archive), "--all", "--out", str(out))
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([str(CHAT), str(OTHER)])
    (out / "notes").mkdir()  # not a site of ours: left alone
    store = Store.open(archive)
    store.update_chat(OTHER, published=False)
    store.close()
    code, output = site("--db", str(archive), "--all", "--out", str(out))
    assert code == 0
    assert f"{out / str(OTHER)}: removed, its chat no longer publishes" in output
    assert sorted(p.name for p in out.iterdir()) == sorted([str(CHAT), "notes"])


def test_either_one_chat_or_all_is_asked_for(archive: Path, tmp_path: Path) -> None:
    code, output = site("--db", str(archive), "--out", str(tmp_path))
    assert code == 2 and "give --chat ID or --all" in output
