"""The async archive: every call runs on one worker thread, and the event loop stays free."""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.archive import Archive, Store, worker
from bot.archive.backups import BackupError, held_exclusively, lock_path
from bot.archive.chats import UnknownChatError
from bot.archive.planner import collection_paused
from bot.archive.replies import store_said
from bot.archive.store import WRITER_CHECKPOINT_PAGES
from bot.core.updates import Author, Incoming, Said
from tests.archive.support import CHAT, make_message, with_thread

NOW = 1_710_000_000


@pytest.fixture
async def archive(tmp_path: Path) -> AsyncIterator[Archive]:
    opened = Archive(tmp_path / "archive.db")
    await opened.start()
    yield opened
    await opened.close()


async def test_calls_return_what_the_store_returns(archive: Archive) -> None:
    await archive.run(Store.register_chat, -1, type="group", title="Circle", now=NOW)
    chat = await archive.run(Store.get_chat, -1)
    claimed = await archive.run(Store.claim_post, -1, "2024-03-10", "passage", now=NOW)
    assert (chat["title"], claimed, await archive.run(Store.get_chat, -2)) == (
        "Circle",
        True,
        None,
    )


async def test_every_call_runs_on_the_same_worker_thread(archive: Archive) -> None:
    def thread_of(_: Store) -> int:
        return threading.get_ident()

    idents = await asyncio.gather(*(archive.run(thread_of) for _ in range(20)))
    assert (len(set(idents)), idents[0] != threading.get_ident()) == (1, True)


async def test_errors_raised_by_the_store_reach_the_caller(archive: Archive) -> None:
    with pytest.raises(UnknownChatError):
        await archive.run(Store.update_chat, 404, timezone="UTC")
    with pytest.raises(ValueError, match="unknown chat settings: colour"):
        await archive.run(Store.update_chat, 404, colour="red")
    with pytest.raises(AttributeError, match="no_such_method"):
        await archive.no_such_method()  # type: ignore[attr-defined]


async def test_calls_run_in_the_order_they_were_made(archive: Archive) -> None:
    await archive.run(Store.register_chat, -1, type="group", now=NOW)
    positions = await asyncio.gather(*(archive.run(Store.advance_corpus, -1) for _ in range(50)))
    assert positions == list(range(50))


async def test_the_loop_keeps_running_while_the_worker_is_busy(archive: Archive) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(_: Store) -> str:
        started.set()
        release.wait(timeout=30)
        return "done"

    task = asyncio.create_task(archive.run(slow))
    deadline = asyncio.get_running_loop().time() + 10
    while not started.is_set():  # poll until the worker holds the slow call
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.001)
    ticks = 0
    for _ in range(10):  # the loop runs other coroutines meanwhile
        await asyncio.sleep(0)
        ticks += 1
    release.set()
    assert (ticks, await task) == (10, "done")


async def test_calls_before_start_or_after_close_are_refused(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.db")
    refused = r"^the archive is not open: await Archive\.start\(\) first$"
    with pytest.raises(RuntimeError, match=refused):
        await archive.run(Store.get_chat, -1)
    await archive.start()
    await archive.close()
    with pytest.raises(RuntimeError, match=refused):
        await archive.run(Store.get_chat, -1)
    with pytest.raises(RuntimeError, match=refused):
        await archive.read(Store.get_chat, -1)
    await archive.close()  # closing twice is harmless


async def test_a_long_read_does_not_hold_up_a_write(archive: Archive) -> None:
    await archive.run(Store.register_chat, -1, type="group", title="Circle", now=NOW)
    release, started = threading.Event(), threading.Event()

    def slow_read(reading: Store) -> str | None:
        started.set()
        release.wait(timeout=30)
        chat = reading.get_chat(-1)
        return None if chat is None else chat["title"]

    reading = asyncio.create_task(archive.read(slow_read))
    deadline = asyncio.get_running_loop().time() + 10
    while not started.is_set():  # poll until the reader holds the slow call
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.001)
    # The writer answers while the reader is still busy; the reader then sees what it wrote.
    renamed = await archive.run(Store.update_chat, -1, title="Ring")
    release.set()
    assert (renamed["title"], await reading) == ("Ring", "Ring")


async def test_reads_see_every_write_made_before_them(archive: Archive) -> None:
    await archive.run(Store.register_chat, -1, type="group", now=NOW)
    await archive.run(Store.claim_post, -1, "2024-03-10", "passage", now=NOW)
    await archive.run(Store.record_passage_sent, -1, "2024-03-10", message_id=10, sent_at=NOW)
    for n in range(20):
        message: Incoming = {
            "chat_id": -1,
            "message_id": 11 + n,
            "root_message_id": 0,
            "reply_to_message_id": 10,
            "user_id": 5,
            "text": f"reply {n}",
            "date": NOW,
        }
        assert await archive.run(
            store_said, Said(message, Author(5, None, "Ana", None), False, None)
        )
        assert len(await archive.read(Store.thread_messages, -1, 10)) == n + 1


async def test_the_reader_refuses_writes(archive: Archive) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await archive.read(Store.register_chat, -1, type="group", now=NOW)
    assert await archive.run(Store.get_chat, -1) is None


async def test_an_in_memory_archive_reads_on_its_one_connection() -> None:
    memory = Archive(":memory:")
    await memory.start()
    await memory.run(Store.register_chat, -1, type="group", title="Circle", now=NOW)
    chat = await memory.read(Store.get_chat, -1)
    await memory.close()
    assert chat is not None and chat["title"] == "Circle"


def process_of(_: Store) -> int:
    return os.getpid()


async def test_digests_are_planned_in_a_process_of_their_own(archive: Archive) -> None:
    await archive.run(Store.register_chat, -1, type="group", title="Circle", now=NOW)
    planned_in = await archive.plan(process_of)
    # The planner reads what the writer committed, and cannot write itself.
    chat = await archive.plan(Store.get_chat, -1)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await archive.plan(Store.set_active, -1, False)
    assert (planned_in != os.getpid(), chat and chat["title"]) == (True, "Circle")


async def test_many_first_digests_at_once_share_one_planning_process(archive: Archive) -> None:
    # Ten thousand chats with the default digest time all ask for a plan in the same minute:
    # the first asks must not each start a process of their own.
    planned_in = await asyncio.gather(*(archive.plan(process_of) for _ in range(8)))
    assert len(set(planned_in)) == 1 and planned_in[0] != os.getpid()


def test_the_collector_is_paused_only_while_planning() -> None:
    with collection_paused():
        inside = gc.isenabled()
    with pytest.raises(ValueError), collection_paused():
        raise ValueError("a failed plan")
    assert (inside, gc.isenabled()) == (False, True)


@pytest.mark.slow
async def test_the_log_is_copied_into_the_file_beside_the_writer_not_in_its_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "CHECKPOINT_EVERY_SECONDS", 0.0)
    path = tmp_path / "archive.db"
    archive = Archive(path)
    await archive.start()
    try:
        await archive.run(with_thread)
        for batch in range(40):
            said = [
                make_message(batch * 100 + n, text=f"{batch} {n} " + "commons " * 250)
                for n in range(50)
            ]
            await archive.run(Store.keep_messages, said)  # type: ignore[arg-type]
            await asyncio.sleep(0.05)  # replies come and go; the log is copied in between
        autocheckpoint = await archive.run(
            lambda s: s.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        )
        log_size = os.path.getsize(f"{path}-wal")
    finally:
        await archive.close()
    # The writer's commits leave the log to the checkpoints beside them (unless they fall far
    # behind), yet the log does not hold all that was written (9 MB of it with no checkpoints;
    # 1 to 3 MB with them, by how busy the machine is).
    assert autocheckpoint == WRITER_CHECKPOINT_PAGES
    assert path.stat().st_size > 4_000_000 and log_size < 5_000_000


async def test_an_in_memory_archive_passes_keywords_to_its_reads() -> None:
    memory = Archive(":memory:")
    await memory.start()
    await memory.run(Store.register_chat, CHAT, type="group", now=NOW)
    await memory.run(Store.claim_post, CHAT, "2024-03-10", "digest", now=NOW)
    found = await memory.read(Store.posts_between, CHAT, "2024-03-01", "2024-03-31", kind="digest")
    planned = await memory.plan(
        Store.posts_between, CHAT, "2024-03-01", "2024-03-31", kind="digest"
    )
    await memory.close()
    assert [p["kind"] for p in found] == [p["kind"] for p in planned] == ["digest"]


async def test_an_open_archive_holds_its_lock_shared_and_lets_it_go_when_closed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.db"
    first, second = Archive(path), Archive(path)
    await first.start()
    await second.start()  # two bots may share an archive: the lock is shared
    refused = "a running bot has this archive open"
    with pytest.raises(BackupError, match=refused), held_exclusively(path):
        pass
    await first.close()
    with pytest.raises(BackupError, match=refused), held_exclusively(path):
        pass
    await second.close()
    with held_exclusively(path):  # no bot left: a restore may take it
        pass
    assert lock_path(path).stat().st_mode & 0o777 == 0o600


async def test_an_in_memory_archive_takes_no_lock(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    memory = Archive(":memory:")
    await memory.start()
    await memory.close()
    assert list(tmp_path.iterdir()) == []


async def test_the_log_is_emptied_soon_after_a_write_and_again_after_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "TRUNCATE_AFTER_SECONDS", 0.05)
    path = tmp_path / "archive.db"
    log = path.with_name(path.name + "-wal")
    archive = Archive(path)
    await archive.start()
    try:
        sizes = []
        for chat_id in (-1, -2):
            await archive.run(Store.register_chat, chat_id, type="group", now=NOW)
            grown = log.stat().st_size
            sizes.append((grown > 0, await size_once_emptied(log)))
    finally:
        await archive.close()
    assert sizes == [(True, 0), (True, 0)]


async def test_a_reader_holding_the_log_only_delays_its_emptying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "TRUNCATE_AFTER_SECONDS", 0.05)
    path = tmp_path / "archive.db"
    log = path.with_name(path.name + "-wal")
    archive = Archive(path)
    await archive.start()
    reader = sqlite3.connect(path)
    try:
        await archive.run(Store.register_chat, -1, type="group", now=NOW)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM chats").fetchone()  # holds a snapshot
        await archive.run(Store.register_chat, -2, type="group", now=NOW)
        await asyncio.sleep(0.3)
        held = log.stat().st_size
        reader.execute("COMMIT")
        emptied = await size_once_emptied(log)
        stored = await archive.run(Store.get_chat, -2)
    finally:
        reader.close()
        await archive.close()
    assert (held > 0, emptied, stored is not None) == (True, 0, True)


async def size_once_emptied(log: Path, timeout: float = 5) -> int:
    """Return the log file's size once it is empty, or as it is at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while log.stat().st_size and loop.time() < deadline:
        await asyncio.sleep(0.01)
    return log.stat().st_size


async def test_each_connection_runs_on_a_thread_of_its_own_named_for_it(archive: Archive) -> None:
    def thread_name(_: Store) -> str:
        return threading.current_thread().name

    writes = await asyncio.gather(*(archive.run(thread_name) for _ in range(5)))
    reads = await asyncio.gather(*(archive.read(thread_name) for _ in range(20)))
    assert {name.rsplit("_", 1)[0] for name in writes} == {"commons-store"}
    assert {name.rsplit("_", 1)[0] for name in reads} == {"commons-read"}
    assert (len(set(writes)), len(set(reads))) == (1, 1)


async def test_an_archive_that_cannot_open_leaves_no_thread_and_stays_closed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    archive = Archive(folder)
    with pytest.raises(sqlite3.OperationalError):
        await archive.start()
    with pytest.raises(RuntimeError, match="the archive is not open"):
        await archive.run(Store.get_chat, -1)
    await archive.close()  # nothing to close: harmless
    deadline = asyncio.get_running_loop().time() + 5
    while left := [t.name for t in threading.enumerate() if t.name.startswith("commons-")]:
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.01)
    assert left == []
