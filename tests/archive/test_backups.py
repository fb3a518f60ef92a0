"""Backups: a consistent copy of the archive, checked before it gets its name, private, rotated;
and a restore that checks what it restores and keeps what it replaces."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.archive.backups import (
    BackupError,
    backups_in,
    forget_in_backups,
    held_shared,
    lock_path,
    make_backup,
    newest_backup_time,
    restore,
    rotate,
)
from bot.archive.store import Store
from bot.demo.week import run_demo
from tests.archive.support import CHAT, POST, make_message, with_thread

NOW = datetime(2030, 3, 5, 3, 30, tzinfo=UTC)


def rows_of_every_table(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted: what a backup must hold, all of it."""
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        return {t: sorted(db.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in tables}


async def test_a_backup_of_a_demo_week_holds_every_row_of_its_archive(tmp_path):
    source = tmp_path / "demo.db"
    assert await run_demo(db_path=source, echo=lambda *_: None) == 0
    made = make_backup(source, tmp_path / "backups", now=NOW)
    assert made.path == tmp_path / "backups" / "commons-20300305T033000Z.db"
    assert rows_of_every_table(made.path) == rows_of_every_table(source)
    assert made.messages == len(rows_of_every_table(source)["messages"]) > 10
    assert made.size == made.path.stat().st_size
    assert not (tmp_path / "backups" / (made.path.name + "-wal")).exists()


def test_a_backup_and_its_folder_are_private(tmp_path):
    store = Store.open(tmp_path / "commons.db")
    with_thread(store)
    store.close()
    made = make_backup(tmp_path / "commons.db", tmp_path / "backups", now=NOW)
    modes = (made.path.stat().st_mode & 0o777, made.path.parent.stat().st_mode & 0o777)
    assert modes == (0o600, 0o700)


def test_a_backup_taken_while_a_thousand_replies_a_second_are_stored_is_consistent(tmp_path):
    path = tmp_path / "commons.db"
    store = Store.open(path)
    with_thread(store)
    # Ballast, so that the copy takes long enough for replies to land while it runs.
    store.db.execute("CREATE TABLE ballast (data BLOB)")
    store.db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) "
        "INSERT INTO ballast SELECT randomblob(65536) FROM n"
    )
    stop, stored = threading.Event(), []

    def store_replies() -> None:
        writer = Store.open(path)
        number = 1000
        while not stop.is_set():
            batch = [make_message(number + n, text=f"reply {number + n}") for n in range(10)]
            writer.keep_messages(batch)
            stored.extend(m["message_id"] for m in batch)
            number += 10
            time.sleep(0.01)  # ten replies every 10 ms: a thousand a second
        writer.close()

    replying = threading.Thread(target=store_replies)
    replying.start()
    try:
        time.sleep(0.1)
        made = make_backup(path, tmp_path / "backups", now=NOW)
        time.sleep(0.1)
    finally:
        stop.set()
        replying.join()
    store.close()
    with sqlite3.connect(made.path) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        ids = [i for (i,) in db.execute("SELECT message_id FROM messages ORDER BY message_id")]
    # One snapshot: every reply stored before it, none after, none half.
    assert verdict == "ok"
    assert ids == stored[: len(ids)] and 0 < len(ids) < len(stored)
    assert made.messages == len(ids)


def test_rotation_keeps_exactly_the_newest_backups_and_clears_a_crashs_leftover(tmp_path):
    path = tmp_path / "commons.db"
    Store.open(path).close()
    folder = tmp_path / "backups"
    made = [make_backup(path, folder, now=NOW + timedelta(days=n)).path for n in range(5)]
    (folder / ".partial-commons-20300310T033000Z.db").write_bytes(b"half a file")
    (folder / "notes.txt").write_text("the operator's own file")
    deleted = rotate(folder, keep=3)
    assert backups_in(folder) == made[2:]
    assert sorted(p.name for p in deleted) == sorted(
        [made[0].name, made[1].name, ".partial-commons-20300310T033000Z.db"]
    )
    assert (folder / "notes.txt").exists()


def test_a_restore_keeps_the_archive_it_replaces_and_brings_the_backup_back(tmp_path):
    path = tmp_path / "commons.db"
    store = Store.open(path)
    with_thread(store)
    store.keep_messages([make_message(501, text="before the backup")])
    store.close()
    made = make_backup(path, tmp_path / "backups", now=NOW)
    store = Store.open(path)
    store.keep_messages([make_message(502, text="after the backup")])
    store.close()
    after = path.read_bytes()
    kept = restore(made.path, path, now=NOW + timedelta(hours=1))
    assert kept == tmp_path / "commons.db.before-restore-20300305T043000Z"
    assert kept.read_bytes() == after
    store = Store.open(path)
    texts = [m["text"] for m in store.thread_messages(CHAT, POST)]
    store.close()
    assert texts == ["before the backup"]
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"my reading notes, not an archive\n" * 100, "is not a SQLite database"),
        (None, "database disk image is malformed"),  # a real backup, cut short
    ],
)
def test_a_restore_of_a_broken_file_is_refused_and_touches_nothing(tmp_path, content, says):
    path = tmp_path / "commons.db"
    store = Store.open(path)
    with_thread(store)
    store.close()
    before = path.read_bytes()
    broken = tmp_path / "broken.db"
    if content is None:
        whole = make_backup(path, tmp_path / "backups", now=NOW).path.read_bytes()
        content = whole[: len(whole) // 2]
    broken.write_bytes(content)
    files = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(BackupError, match=says):
        restore(broken, path, now=NOW)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_a_restore_over_an_archive_a_bot_has_open_is_refused(tmp_path):
    path = tmp_path / "commons.db"
    Store.open(path).close()
    made = make_backup(path, tmp_path / "backups", now=NOW)
    before = path.read_bytes()
    with held_shared(path), pytest.raises(BackupError, match="a running bot has this archive"):
        restore(made.path, path, now=NOW)
    assert path.read_bytes() == before


def test_the_newest_backups_time_is_read_from_its_name(tmp_path):
    path = tmp_path / "commons.db"
    Store.open(path).close()
    folder = tmp_path / "backups"
    assert newest_backup_time(folder) is None  # no folder yet
    for hours in (5, 1, 30):
        make_backup(path, folder, now=NOW + timedelta(hours=hours))
    (folder / "commons-notes.db").write_text("not a backup's name")
    assert newest_backup_time(folder) == NOW + timedelta(hours=30)


def test_forgetting_a_person_in_the_backups_leaves_each_whole_and_without_them(tmp_path):
    path = tmp_path / "commons.db"
    store = Store.open(path)
    with_thread(store)
    store.keep_messages([make_message(501, text="palimpsestic words of Ana")])
    store.keep_messages([make_message(502, user_id=2, text="Bo stays")])
    store.close()
    folder = tmp_path / "backups"
    made = [make_backup(path, folder, now=NOW + timedelta(days=n)).path for n in range(2)]
    assert forget_in_backups(folder, 1) == 2
    assert forget_in_backups(tmp_path / "none", 1) == 0
    for backup in made:
        assert backup.read_bytes().count(b"palimpsestic") == 0
        with sqlite3.connect(backup) as db:
            texts = [t for (t,) in db.execute("SELECT text FROM messages")]
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        assert (texts, mode, verdict) == (["Bo stays"], "delete", "ok")
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in made)


def test_the_lock_sits_beside_the_archive():
    assert lock_path(Path("/srv/data/commons.db")) == Path("/srv/data/commons.db.lock")
