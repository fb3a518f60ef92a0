"""``python -m bot backup`` and ``restore`` as an operator runs them: one line each, exit 2 and
nothing changed when they cannot, and a backup killed half-way leaves no half file behind."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.archive.backups import backups_in, make_backup
from bot.archive.store import Store
from tests.archive.support import make_message, with_thread
from tests.processes import ROOT, start_bot, stop, wait_until_exists

NOW = datetime(2030, 3, 5, 3, 30, tzinfo=UTC)
SANDBOX_BOT = 123456


def bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` to its end with COMMONS_DB in tmp_path."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))}
    environ |= {"COMMONS_DB": str(tmp_path / "commons.db"), "PYTHONPATH": str(ROOT)} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=environ,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def an_archive(path: Path, replies: int = 3) -> None:
    store = Store.open(path)
    store.claim_owner(SANDBOX_BOT)  # a rehearsal's archive: the sandbox may run on it
    with_thread(store)
    store.keep_messages([make_message(600 + n) for n in range(replies)])
    store.close()


def test_a_backup_is_one_line_naming_its_file_size_and_messages(tmp_path):
    an_archive(tmp_path / "commons.db")
    result = bot(tmp_path, "backup", "--to", str(tmp_path / "backups"))
    [made] = backups_in(tmp_path / "backups")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"backup: {made} (")
    assert result.stdout.endswith(" MB, 3 messages)\n")


def test_a_backup_goes_to_commons_backup_dir_or_says_where_to_put_it(tmp_path):
    an_archive(tmp_path / "commons.db")
    nowhere = bot(tmp_path, "backup")
    there = bot(tmp_path, "backup", COMMONS_BACKUP_DIR=str(tmp_path / "nightly"))
    assert (nowhere.returncode, nowhere.stdout) == (2, "")
    assert nowhere.stderr == "Error: no backup folder: give --to DIR, or set COMMONS_BACKUP_DIR\n"
    assert (there.returncode, len(backups_in(tmp_path / "nightly"))) == (0, 1)


def test_a_restore_of_a_file_that_is_no_archive_is_one_line_and_changes_nothing(tmp_path):
    an_archive(tmp_path / "commons.db")
    before = (tmp_path / "commons.db").read_bytes()
    notes = tmp_path / "notes.db"
    notes.write_text("not an archive\n" * 100)
    result = bot(tmp_path, "restore", str(notes))
    assert (result.returncode, result.stdout, result.stderr.count("\n")) == (2, "", 1)
    assert "the file is not a SQLite database" in result.stderr
    assert (tmp_path / "commons.db").read_bytes() == before


def test_a_restore_keeps_the_archive_it_replaces(tmp_path):
    an_archive(tmp_path / "commons.db")
    made = make_backup(tmp_path / "commons.db", tmp_path / "backups", now=NOW)
    result = bot(tmp_path, "restore", str(made.path))
    [kept] = tmp_path.glob("commons.db.before-restore-*")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"restored {made.path} to {tmp_path / 'commons.db'}; the archive it replaced is kept "
        f"as {kept}\n"
    )


async def test_a_restore_over_the_archive_of_a_running_bot_is_refused(tmp_path):
    an_archive(tmp_path / "commons.db")
    made = make_backup(tmp_path / "commons.db", tmp_path / "backups", now=NOW)
    # No token: the sandbox, on a sandbox archive; its web chat on a port the system picks.
    process = await start_bot(tmp_path, COMMONS_WEB_PORT="0")
    try:
        await wait_until_exists(tmp_path / "commons.db.heartbeat")
        # The running bot writes its own file meanwhile (its search index, its checkpoints):
        # what must not change is which file the archive is, nor may a replaced one be kept.
        before = (tmp_path / "commons.db").stat().st_ino
        result = await asyncio.to_thread(bot, tmp_path, "restore", str(made.path))
        after = (tmp_path / "commons.db").stat().st_ino
    finally:
        await stop(process)
    assert (result.returncode, result.stdout) == (2, "")
    assert "a running bot has this archive open; stop it first" in result.stderr
    assert after == before
    assert not list(tmp_path.glob("commons.db.before-restore-*"))


async def test_a_backup_killed_half_way_leaves_the_others_and_no_half_file(tmp_path):
    path = tmp_path / "commons.db"
    an_archive(path)
    folder = tmp_path / "backups"
    earlier = make_backup(path, folder, now=NOW)
    kept = earlier.path.read_bytes()
    with sqlite3.connect(path) as db:  # ballast, so the copy takes a while
        db.execute("CREATE TABLE ballast (data BLOB)")
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
            "INSERT INTO ballast SELECT randomblob(65536) FROM n"
        )
    db.close()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))}
    environ |= {"COMMONS_DB": str(path), "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", "--to", str(folder), env=environ,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not any(folder.glob(".partial-*")) and process.returncode is None:
        assert loop.time() < deadline
        await asyncio.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    assert earlier.path.read_bytes() == kept
    for finished in backups_in(folder):  # a final name only ever holds a whole backup
        with sqlite3.connect(finished) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
