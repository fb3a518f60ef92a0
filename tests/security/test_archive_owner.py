"""An archive knows which bot it belongs to: no other bot, and not the rehearsal sandbox, runs on
it. Each refusal is one line naming COMMONS_DB and the fix, exit status 2, the file unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.archive.inspection import archive_owner
from bot.archive.store import Store
from bot.core.config import ConfigError
from bot.handlers import build_application
from bot.handlers.app import running
from tests.processes import run_refused

REAL_BOT = 987_654_321
REAL_TOKEN = f"{REAL_BOT}:" + "R" * 35
OTHER_TOKEN = "111222333:" + "O" * 35


def an_archive(path: Path, owner: int | None) -> bytes:
    """Write an archive holding one group, owned by ``owner`` (None: from before owners)."""
    store = Store.open(path)
    store.register_chat(-100123, type="supergroup", title="Readers", now=0)
    if owner is not None:
        store.claim_owner(owner)
    store.close()
    if owner is None:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE archive_info")
            db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_archive_owner'")
        db.close()
    return path.read_bytes()


def assert_refused(tmp_path: Path, archive: bytes, *expected: str, **env: str) -> None:
    result = run_refused(tmp_path, **env)
    assert (result.returncode, result.stdout, result.stderr.count("\n")) == (2, "", 1)
    for text in ["COMMONS_DB=", *expected]:
        assert text in result.stderr, result.stderr
    assert (tmp_path / "commons.db").read_bytes() == archive


def test_the_sandbox_never_runs_on_a_real_bots_archive(tmp_path):
    archive = an_archive(tmp_path / "commons.db", REAL_BOT)
    assert_refused(tmp_path, archive, f"belongs to bot {REAL_BOT}", "never runs on a real")


def test_the_sandbox_never_runs_on_an_archive_of_chats_from_before_owners(tmp_path):
    archive = an_archive(tmp_path / "commons.db", None)
    assert_refused(tmp_path, archive, "holds 1 chats of a bot it does not name")


def test_another_bot_is_refused_an_archive_that_is_not_its_own(tmp_path):
    archive = an_archive(tmp_path / "commons.db", REAL_BOT)
    assert_refused(
        tmp_path, archive, f"belongs to bot {REAL_BOT}", "TELEGRAM_BOT_TOKEN is bot 111222333",
        TELEGRAM_BOT_TOKEN=OTHER_TOKEN,
    )  # fmt: skip


def test_a_real_bot_is_refused_the_sandboxs_rehearsal(tmp_path):
    archive = an_archive(tmp_path / "commons.db", 123456)  # the sandbox's own bot
    assert_refused(
        tmp_path, archive, "the local sandbox's rehearsal", TELEGRAM_BOT_TOKEN=REAL_TOKEN
    )


async def test_a_bot_records_itself_at_its_first_start_and_keeps_its_archive(world):
    async with world.running():
        pass
    async with world.running():  # the same bot again: welcome back
        pass
    assert archive_owner(world.db_path) == (123456, 0)


async def test_a_bot_built_on_another_bots_archive_stops_before_acting(world):
    an_archive(world.db_path, REAL_BOT)
    app = build_application(world.config, clock=world.clock)
    with pytest.raises(ConfigError, match=f"belongs to bot {REAL_BOT}, not to bot 123456"):
        async with running(app, poll_timeout=1):
            pass
    assert world.sandbox.calls_to("sendMessage") == []
