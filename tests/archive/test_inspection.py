"""The archive looked at before use and by ``python -m bot check``, without writing a byte."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from bot.archive import Store
from bot.archive.inspection import (
    Finding,
    UnusableArchive,
    archive_findings,
    archive_owner,
    check_archive,
    newer_steps,
    read_active_chats,
    read_only,
)

NOW = 1_710_000_000


def an_archive(path: Path) -> Path:
    store = Store.open(path)
    store.register_chat(-3, type="group", title="Third", now=NOW)
    store.register_chat(-1, type="supergroup", title="First", is_forum=True, now=NOW)
    store.register_chat(-2, type="group", title="Gone", now=NOW)
    store.set_active(-2, False)
    store.close()
    return path


def broken_page(path: Path) -> bytes:
    """The archive with its chats table's root page made into something that is no b-tree."""
    with sqlite3.connect(path) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'chats'").fetchone()
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    broken = bytearray(path.read_bytes())
    broken[(root - 1) * page_size] = 0x07
    path.write_bytes(bytes(broken))
    return bytes(broken)


def orphaned_pages(path: Path) -> bytes:
    """The archive with an index forgotten by the schema: its pages are used by nothing."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE padding (x)")
        db.executemany("INSERT INTO padding VALUES (?)", [(str(n) * 50,) for n in range(2000)])
        db.execute("CREATE INDEX padding_x ON padding (x)")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute("DELETE FROM sqlite_master WHERE name = 'padding_x'")
    db.close()
    return path.read_bytes()


def from_the_future(path: Path, *names: str) -> None:
    with sqlite3.connect(path) as db:
        for name in names:
            db.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                " VALUES ('commons', ?, '2031-01-01')",
                (name,),
            )
    db.close()


def refusal(path: Path) -> str:
    with pytest.raises(UnusableArchive) as caught:
        check_archive(path)
    return str(caught.value)


def test_no_file_or_an_empty_one_is_where_the_archive_will_be_made(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    check_archive(tmp_path / "none.db")
    check_archive(empty)
    check_archive(an_archive(tmp_path / "commons.db"))
    assert (empty.read_bytes(), (tmp_path / "none.db").exists()) == (b"", False)


def test_a_file_that_is_not_sqlite_is_refused_with_sqlites_reason_on_one_line(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my reading notes\n" * 300)
    assert refusal(notes) == "is not a SQLite database (file is not a database)"
    assert notes.read_text() == "my reading notes\n" * 300


def test_an_archive_failing_quick_check_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = an_archive(tmp_path / "commons.db")
    before = broken_page(path)
    reason = refusal(path)
    assert reason.startswith("fails SQLite's quick_check (") and "\n" not in reason
    assert reason != "fails SQLite's quick_check (no answer)"
    assert path.read_bytes() == before


def test_an_archive_a_newer_version_migrated_names_the_last_unknown_step(tmp_path: Path) -> None:
    path = an_archive(tmp_path / "commons.db")
    from_the_future(path, "m900_first_new", "m901_second_new")
    assert refusal(path) == (
        "was migrated by a newer version of the bot (schema step m901_second_new); "
        "run that version, or restore a backup made for this one"
    )
    with read_only(path) as db:
        assert newer_steps(db) == ["m900_first_new", "m901_second_new"]


def test_this_versions_own_archive_has_no_newer_steps(tmp_path: Path) -> None:
    with read_only(an_archive(tmp_path / "commons.db")) as db:
        assert newer_steps(db) == []


def test_findings_say_what_an_operator_needs_to_know(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    sound = an_archive(tmp_path / "commons.db")
    notes = tmp_path / "notes.txt"
    notes.write_text("not an archive\n" * 300)
    assert archive_findings(missing) == [
        Finding(True, f"archive: none yet at {missing} (made at the first start)")
    ]
    assert archive_findings(sound) == [Finding(True, f"archive {sound}: integrity_check ok")]
    assert archive_findings(notes) == [
        Finding(False, f"archive {notes}: not a SQLite database (file is not a database)")
    ]


def test_sqlites_verdict_on_a_damaged_archive_is_given_on_one_line(tmp_path: Path) -> None:
    path = an_archive(tmp_path / "commons.db")
    before = orphaned_pages(path)
    page = r"Page \d+ is never used"
    assert re.fullmatch(rf"fails SQLite's quick_check \(\*\*\* in database main \*\*\* {page}\)",
                        refusal(path))  # fmt: skip
    [finding] = archive_findings(path)
    assert finding.ok is False
    assert re.fullmatch(
        rf"archive {re.escape(str(path))}: integrity_check failed: "
        rf"\*\*\* in database main \*\*\*( {page}){{5}}",
        finding.text,
    )
    assert path.read_bytes() == before


def test_a_file_sqlite_cannot_read_at_all_is_a_finding_that_needs_action(tmp_path: Path) -> None:
    path = an_archive(tmp_path / "commons.db")
    broken_page(path)
    assert archive_findings(path) == [
        Finding(False, f"archive {path}: not a SQLite database (database disk image is malformed)")
    ]


def test_active_chats_are_read_in_order_with_their_flags(tmp_path: Path) -> None:
    path = an_archive(tmp_path / "commons.db")
    before = path.read_bytes()
    chats = read_active_chats(path)
    assert [(c["id"], c["title"], c["is_forum"], c["paused"], c["active"]) for c in chats] == [
        (-3, "Third", False, False, True),
        (-1, "First", True, False, True),
    ]
    assert path.read_bytes() == before


def test_no_archive_or_one_without_chats_has_no_active_chats(tmp_path: Path) -> None:
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).close()
    with sqlite3.connect(bare) as db:
        db.execute("CREATE TABLE notes (x)")
    db.close()
    assert (read_active_chats(tmp_path / "none.db"), read_active_chats(bare)) == ([], [])
    assert not (tmp_path / "none.db").exists()


def test_nothing_done_through_a_read_only_archive_changes_the_file(tmp_path: Path) -> None:
    path = an_archive(tmp_path / "commons.db")
    with read_only(path) as db, pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM chats")
    assert [c["id"] for c in read_active_chats(path)] == [-3, -1]


def test_whose_archive_a_file_is_read_without_writing_a_byte(tmp_path: Path) -> None:
    path = tmp_path / "commons.db"
    assert archive_owner(path) == (None, 0)  # no file yet
    path.write_bytes(b"")
    assert archive_owner(path) == (None, 0)  # an empty file: the archive is made there
    store = Store.open(path)
    store.register_chat(-1, type="group", now=0)
    store.register_chat(-2, type="group", now=0)
    store.close()
    assert archive_owner(path) == (None, 2)  # two chats, no bot recorded yet
    store = Store.open(path)
    assert (store.claim_owner(987), store.claim_owner(654)) == (987, 987)  # the first stays
    store.close()
    before = path.read_bytes()
    assert archive_owner(path) == (987, 2)
    assert path.read_bytes() == before


def test_an_archive_from_before_owners_names_no_bot(tmp_path: Path) -> None:
    path = tmp_path / "commons.db"
    store = Store.open(path)
    store.register_chat(-1, type="group", now=0)
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE archive_info")
    db.close()
    assert archive_owner(path) == (None, 1)
