"""Schema upgrades: an archive made by an older version opens and upgrades without losing a row."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.archive.schema import MIGRATIONS, SCHEMA_VERSION
from bot.archive.store import Store

FIXTURE = Path(__file__).parent.parent / "fixtures" / "archive-v1.db"
TABLES = ("chats", "posts", "users", "messages", "curiosities")


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def applied(store: Store) -> list[str]:
    return [m.name for m in MIGRATIONS.applied(store.db)]


def test_a_version_one_archive_upgrades_in_place_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    shutil.copy(FIXTURE, path)
    before = counts(path)
    store = Store.open(path)
    assert applied(store) == [
        "m001_core",
        "m002_sender_chats",
        "m003_search",
        "m004_search_chat_token",
        "m005_personal_digests",
        "m006_inbox_and_copies",
        "m007_chat_language",
        "m008_archive_owner",
        "m009_private_chats",
        "m010_reactions_and_polls",
        "m011_suggestions",
        "m012_published_site",
        "m013_search_beside_the_writer",
        "m014_kept_words",
    ]
    assert (
        counts(path)
        == before
        == {
            "chats": 2,
            "posts": 3,
            "users": 3,
            "messages": 4,
            "curiosities": 2,
        }
    )
    chat = store.get_chat(-100)
    picked = (chat["timezone"], chat["post_time"], chat["corpus_position"], chat["quiet_day"])
    assert picked == ("Europe/Rome", "08:30", 3, "line")
    assert chat["language"] == "en"  # spoken to in English so far, whoever writes next
    thread = [
        (m["message_id"], m["author"], m["sender_chat_id"]) for m in store.thread_of(-100, 12)
    ]
    assert thread == [(11, "Ana", None), (12, "Bo", None), (13, "Ana", None)]
    # Each passage already sent is its own first copy, so replies to it keep finding it.
    copies = store.db.execute(
        "SELECT COUNT(*) FROM post_messages WHERE message_id = root_message_id AND how = 'post'"
    ).fetchone()[0]
    passages = store.db.execute(
        "SELECT COUNT(*) FROM posts WHERE kind = 'passage' AND message_id IS NOT NULL"
    ).fetchone()[0]
    assert (copies, passages) == (2, 2)
    # Old rows are searchable, and the new columns and tables take new rows.
    assert [r["text"] for r in store.search(-100, "caretakers")] == [
        "and caretakers need time",
        "commons need caretakers",
    ]
    assert [r["text"] for r in store.search(-100, "seed")] == ["seed libraries"]
    store.upsert_sender_chat(-100, title="Admins")
    message = {
        "chat_id": -100,
        "message_id": 15,
        "root_message_id": 10,
        "reply_to_message_id": 11,
        "user_id": None,
        "sender_chat_id": -100,
        "text": "from the admins",
        "date": 1709280700,
    }
    assert store.keep_messages([message]) == 1
    assert store.get_message(-100, 15)["author"] == "Admins"
    assert store.is_silenced(3) is True
    store.close()


def test_upgrading_twice_applies_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    shutil.copy(FIXTURE, path)
    Store.open(path).close()
    store = Store.open(path)
    assert (len(applied(store)), store.db.execute("PRAGMA user_version").fetchone()[0]) == (
        SCHEMA_VERSION,
        SCHEMA_VERSION,
    )
    store.close()


def test_each_step_upgrades_an_archive_stopped_before_it(tmp_path: Path) -> None:
    # Build version 1 with today's code, then walk it up one step at a time.
    path = tmp_path / "archive.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m002_sender_chats")
    db.execute("INSERT INTO chats (id, type, created_at) VALUES (1, 'private', 0)")
    MIGRATIONS.apply(db, stop_before="m003_search")
    db.execute(
        "INSERT INTO messages (chat_id, message_id, root_message_id, text, date) "
        "VALUES (1, 2, 1, 'stored before search existed', 0)"
    )
    db.close()
    store = Store.open(path)
    assert [r["message_id"] for r in store.search(1, "existed")] == [2]
    store.close()


@pytest.mark.parametrize("attempt", range(5))
def test_two_processes_opening_a_new_file_at_once_build_it_once(
    tmp_path: Path, attempt: int
) -> None:
    # A race: tried a few times, as switching the new file to WAL failed only now and then.
    path = tmp_path / "archive.db"
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def opener() -> None:
        barrier.wait(timeout=10)
        try:
            Store.open(path).close()
        except BaseException as error:  # collected, so the test reports it
            errors.append(error)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    store = Store.open(path)
    assert (errors, applied(store)) == (
        [],
        [
            "m001_core",
            "m002_sender_chats",
            "m003_search",
            "m004_search_chat_token",
            "m005_personal_digests",
            "m006_inbox_and_copies",
            "m007_chat_language",
            "m008_archive_owner",
            "m009_private_chats",
            "m010_reactions_and_polls",
            "m011_suggestions",
            "m012_published_site",
            "m013_search_beside_the_writer",
            "m014_kept_words",
        ],
    )
    store.close()


def test_words_indexed_before_the_chat_token_are_found_after_it(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m004_search_chat_token")
    for chat_id, text in ((-7, "group words"), (7, "private words")):
        db.execute("INSERT INTO chats (id, type, created_at) VALUES (?, 'group', 0)", (chat_id,))
        db.execute(
            "INSERT INTO messages (chat_id, message_id, root_message_id, text, date) "
            "VALUES (?, 2, 1, ?, 0)",
            (chat_id, text),
        )
    db.close()
    store = Store.open(path)
    found = [[r["text"] for r in store.search(c, "words")] for c in (-7, 7)]
    store.close()
    assert found == [["group words"], ["private words"]]


def test_private_chats_become_their_persons_own_and_groups_stay_as_they_were(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m009_private_chats")
    for chat_id, kind in ((-7, "supergroup"), (7, "private"), (8, "private")):
        db.execute("INSERT INTO chats (id, type, created_at) VALUES (?, ?, 100)", (chat_id, kind))
    # Person 7 once answered a passage in private; person 8 never did.
    db.execute(
        "INSERT INTO messages (chat_id, message_id, root_message_id, text, date) "
        "VALUES (7, 2, 1, 'a private thought', 0)"
    )
    db.close()
    store = Store.open(path)
    picked = {
        chat_id: (chat["passages"], chat["greeted_at"], chat["quiet_day"])
        for chat_id in (-7, 7, 8)
        if (chat := store.get_chat(chat_id)) is not None
    }
    store.close()
    assert picked == {
        -7: (True, None, "line"),
        7: (True, 100, "silent"),
        8: (False, 100, "silent"),
    }
