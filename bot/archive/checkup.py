"""Whether an archive file can be opened by this version, found without writing a byte to it.

The bot refuses a file it cannot trust rather than migrate, repair or overwrite it: a file that
is not SQLite, one that fails ``PRAGMA quick_check``, or one a newer version has migrated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

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
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db = Database(connection)
        verdict = _quick_check(db)
        if verdict != "ok":
            raise UnusableArchive(f"fails SQLite's quick_check ({verdict})")
        newer = newer_steps(db)
        if newer:
            raise UnusableArchive(
                f"was migrated by a newer version of the bot (schema step {newer[-1]}); "
                "run that version, or restore a backup made for this one"
            )
    except sqlite3.DatabaseError as error:
        reason = " ".join(str(error).split())
        raise UnusableArchive(f"is not a SQLite database ({reason})") from error
    finally:
        connection.close()


def newer_steps(db: Database) -> list[str]:
    """Return the schema steps applied to ``db`` that this version does not know."""
    # pending() on an empty database lists every step this version has.
    known = {step.name for step in MIGRATIONS.pending(Database(memory=True))}
    return [step.name for step in MIGRATIONS.applied(db) if step.name not in known]


def _quick_check(db: Database) -> str:
    rows = db.execute("PRAGMA quick_check(1)").fetchall()
    # SQLite's verdict can span lines; the answer is one line.
    return " ".join(str(rows[0][0]).split()) if rows else "no answer"
