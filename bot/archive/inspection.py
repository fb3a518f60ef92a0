"""The archive looked at without writing a byte to it: at start, and for ``python -m bot check``.

The bot refuses a file it cannot trust rather than migrate, repair or overwrite it: a file that
is not SQLite, one that fails ``PRAGMA quick_check``, or one a newer version has migrated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, cast

from sqlite_utils import Database

from bot.archive.base import as_bools
from bot.archive.chats import CHAT_FLAGS
from bot.archive.rows import Chat
from bot.archive.schema import MIGRATIONS


class UnusableArchive(Exception):
    """The archive file cannot be used as it is; the message says why, after the path."""


def check_archive(path: Path) -> None:
    """Raise UnusableArchive if the file at ``path`` is not an archive this version can open.

    A missing or empty file is fine: the bot creates the archive there.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    # Read-only, so a refused file stays exactly as it was.
    try:
        with read_only(path) as db:
            _check_open(db)
    except sqlite3.DatabaseError as error:
        reason = " ".join(str(error).split())
        raise UnusableArchive(f"is not a SQLite database ({reason})") from error


def _check_open(db: Database) -> None:
    verdict = _one_line(db.execute("PRAGMA quick_check(1)").fetchall())
    if verdict != "ok":
        raise UnusableArchive(f"fails SQLite's quick_check ({verdict})")
    newer = newer_steps(db)
    if newer:
        raise UnusableArchive(
            f"was migrated by a newer version of the bot (schema step {newer[-1]}); "
            "run that version, or restore a backup made for this one"
        )


def newer_steps(db: Database) -> list[str]:
    """Return the schema steps applied to ``db`` that this version does not know."""
    # pending() on an empty database lists every step this version has.
    known = {step.name for step in MIGRATIONS.pending(Database(memory=True))}
    return [step.name for step in MIGRATIONS.applied(db) if step.name not in known]


def _one_line(rows: list[tuple[object, ...]]) -> str:
    # SQLite's verdict can span rows and lines; an answer is one line.
    return "; ".join(" ".join(str(row[0]).split()) for row in rows) or "no answer"


class Finding(NamedTuple):
    """One line of ``python -m bot check``: what was found, and whether it needs action."""

    ok: bool
    text: str


class Owner(NamedTuple):
    """The bot an archive belongs to (None: not recorded yet) and how many chats it holds."""

    bot_id: int | None
    chats: int


def archive_owner(path: Path) -> Owner:
    """Return whose archive the file is, read without writing (nobody's if there is none)."""
    if not path.is_file() or path.stat().st_size == 0:
        return Owner(None, 0)
    with read_only(path) as db:
        chats = db["chats"].count if db["chats"].exists() else 0
        if not db["archive_info"].exists():
            return Owner(None, chats)
        row = next(db.query("SELECT value FROM archive_info WHERE key = 'bot_id'"), None)
        return Owner(int(row["value"]) if row else None, chats)


def archive_findings(path: Path) -> list[Finding]:
    """Return what an operator should know of the archive file: whether it is sound."""
    if not path.is_file():
        return [Finding(True, f"archive: none yet at {path} (made at the first start)")]
    try:
        with read_only(path) as db:
            verdict = _one_line(db.execute("PRAGMA integrity_check(5)").fetchall())
    except sqlite3.DatabaseError as error:
        return [Finding(False, f"archive {path}: not a SQLite database ({error})")]
    if verdict != "ok":
        return [Finding(False, f"archive {path}: integrity_check failed: {verdict}")]
    return [Finding(True, f"archive {path}: integrity_check ok")]


def read_active_chats(path: Path) -> list[Chat]:
    """Return the archive's active chats, read without writing (none if there is no archive)."""
    if not path.is_file():
        return []
    with read_only(path) as db:
        if not db["chats"].exists():
            return []
        rows = db.query("SELECT * FROM chats WHERE active ORDER BY id")
        return [cast(Chat, as_bools(row, *CHAT_FLAGS)) for row in rows]


@contextmanager
def read_only(path: Path) -> Iterator[Database]:
    """Yield the archive opened read-only; nothing done through it can change the file."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield Database(connection)
    finally:
        connection.close()
