"""The search index beside the writer: a stored reply is queued, an index step indexes it, and
no crash, edit or deletion leaves the index out of step with the rows it indexes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlite_utils import Database

from bot.archive import Store
from bot.archive.schema import MIGRATIONS
from tests.archive.support import (
    CHAT,
    NO_TRACE,
    NOW,
    bytes_on_disk,
    make_message,
    raw_count,
    seed_two_chats,
    traces_of,
    with_thread,
)

ROOT = Path(__file__).resolve().parent.parent.parent


def check_index_matches_rows(store: Store) -> None:
    """Raise unless each index holds exactly the words of its table's rows (FTS5 checks an
    external-content index against its table, row by row): nothing missing, nothing twice."""
    for table in ("messages", "curiosities"):
        store.db.execute(
            f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)"
        )


def test_a_reply_is_found_by_search_after_the_index_step_and_not_written_before(
    store: Store,
) -> None:
    with_thread(store)
    store.keep_messages([make_message(501, text="quokkas tend the garden")])
    # The reply's own write only queued it: the index holds nothing of it yet.
    assert (store.search(CHAT, "quokkas"), store.waiting_for_index()) == ([], 1)
    assert store.index_pending() == 0
    assert [r["message_id"] for r in store.search(CHAT, "quokkas")] == [501]
    assert store.waiting_for_index() == 0


def test_index_steps_take_a_batch_at_a_time_oldest_first(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(600 + n, text=f"word{n} walrus") for n in range(5)])
    assert store.index_pending(limit=2) == 3
    assert [r["text"] for r in store.search(CHAT, "walrus")] == ["word1 walrus", "word0 walrus"]
    assert store.index_pending(limit=2) == 1
    assert store.index_pending(limit=2) == 0
    assert len(store.search(CHAT, "walrus")) == 5
    check_index_matches_rows(store)


def test_an_edit_before_and_after_indexing_leaves_only_the_new_words(store: Store) -> None:
    with_thread(store)
    store.keep_messages([make_message(501, text="first draft"), make_message(502, text="early")])
    store.index_pending()
    store.keep_messages([make_message(503, text="unindexed draft")])
    store.edit_message(CHAT, 501, text="final words", edited_at=NOW + 900)  # indexed
    store.edit_message(CHAT, 503, text="final too", edited_at=NOW + 900)  # still queued
    store.index_pending()
    assert sorted(r["message_id"] for r in store.search(CHAT, "final")) == [501, 503]
    assert store.search(CHAT, "draft") == []
    check_index_matches_rows(store)


def test_forgetting_a_reply_not_yet_indexed_leaves_no_trace(store: Store, path: Path) -> None:
    seed_two_chats(store)  # indexed
    store.keep_messages([make_message(510, text="zanzibarian secrets")])  # still queued
    store.add_curiosity(
        CHAT, user_id=1, local_date="2024-03-10", text="zanzibarian?", message_id=511, now=NOW
    )
    assert store.waiting_for_index() == 2
    store.forget_user(1)
    assert store.waiting_for_index() == 0
    assert traces_of(store, "zanzibarian") == NO_TRACE
    assert traces_of(store, "xylophonic") == NO_TRACE
    assert bytes_on_disk(path, "zanzibar") == 0
    check_index_matches_rows(store)
    # Bo's words, indexed before, are still found.
    assert [r["author"] for r in store.search(CHAT, "commons")] == ["Bo"]


def test_retention_and_purge_take_queued_rows_out_of_the_queue(store: Store, path: Path) -> None:
    seed_two_chats(store)
    store.keep_messages([make_message(520, text="ephemeral quince", date=NOW - 400 * 86_400)])
    assert store.apply_retention(30, now=NOW) == 1
    store.keep_messages([make_message(521, text="purged quince")])
    store.purge_chat(CHAT)
    assert (store.waiting_for_index(), traces_of(store, "quince")) == (0, NO_TRACE)
    assert bytes_on_disk(path, "quince") == 0
    check_index_matches_rows(store)


CRASH_AFTER_STORING = """
import os, sys
from bot.archive import Store
from tests.archive.support import make_message, with_thread
store = Store.open(sys.argv[1])
with_thread(store)
store.keep_messages([make_message(700 + n, text=f"crashed kiwi {n}") for n in range(50)])
if sys.argv[2] == "mid-step":
    # The index step's first half, then the process dies before its transaction commits.
    store.db.execute("BEGIN")
    store._index_some("messages", 20)
os._exit(0)
"""


def crash(path: Path, when: str) -> None:
    subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_STORING, str(path), when], cwd=ROOT, check=True
    )


def test_a_crash_before_indexing_leaves_every_reply_queued_and_each_indexed_once(
    path: Path,
) -> None:
    for when in ("after-storing", "mid-step"):
        crashed = path.with_name(f"{when}.db")
        crash(crashed, when)
        store = Store.open(crashed)
        assert store.waiting_for_index() == 50
        while store.index_pending(limit=20):
            pass
        found = [r["message_id"] for r in store.search(CHAT, "crashed kiwi", limit=100)]
        assert sorted(found) == list(range(700, 750))
        assert raw_count(store, "SELECT count(*) FROM messages_fts") == 50
        check_index_matches_rows(store)
        store.close()


def test_an_archive_indexed_before_keeps_its_index_and_indexes_new_rows_later(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m013_search_beside_the_writer")
    db.execute("INSERT INTO chats (id, type, created_at) VALUES (-7, 'group', 0)")
    db.execute(
        "INSERT INTO messages (chat_id, message_id, root_message_id, text, date) "
        "VALUES (-7, 2, 1, 'indexed long ago', 0)"
    )
    db.close()
    store = Store.open(path)
    assert [r["message_id"] for r in store.search(-7, "long ago")] == [2]
    store.keep_messages([make_message(3, chat_id=-7, root_message_id=1, text="new and long")])
    store.index_pending()
    assert [r["message_id"] for r in store.search(-7, "long")] == [3, 2]
    settings = dict(store.db.execute("SELECT k, v FROM messages_fts_config").fetchall())
    assert (settings["automerge"], settings["crisismerge"]) == (0, 64)
    check_index_matches_rows(store)
    store.close()
