"""Backups the archive makes of itself, and a restore that is proven before it replaces anything.

A backup is SQLite's online backup API on a read-only connection, every page in one step: one
snapshot of the archive, taken while the bot goes on writing (the file is in WAL mode). It is
written under a hidden temporary name in the backup folder, checked with ``PRAGMA
integrity_check``, made 0600 and synced, and only then renamed to its final name, so a crash
mid-backup never leaves a half file under a backup's name, nor where a good one was.

A running bot holds a shared lock on ``<archive>.lock``; a restore takes it exclusively, so it
never replaces an archive a bot has open. The archive it replaces is kept beside it.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from bot.archive.inspection import UnusableArchive, check_archive, read_only
from bot.archive.store import Store

NAME_FORMAT = "commons-%Y%m%dT%H%M%SZ.db"
NAME_PATTERN = re.compile(r"^commons-\d{8}T\d{6}Z\.db$")
PARTIAL_PREFIX = ".partial-"


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says what and how to fix it."""


@dataclass(frozen=True)
class Backup:
    """A finished backup: its file, its size in bytes, and how many messages it holds."""

    path: Path
    size: int
    messages: int


def make_backup(db_path: Path, folder: Path, *, now: datetime) -> Backup:
    """Copy the archive into ``folder`` (made 0700) as one consistent, checked file."""
    if not db_path.is_file():
        raise BackupError(f"COMMONS_DB={db_path}: there is no archive there to back up")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = folder / now.astimezone(UTC).strftime(NAME_FORMAT)
    partial = folder / f"{PARTIAL_PREFIX}{final.name}"
    try:
        _copy_snapshot(db_path, partial)
        messages = _check(partial)
        _sync(partial)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    _sync(folder)
    return Backup(final, final.stat().st_size, messages)


def _copy_snapshot(db_path: Path, target: Path) -> None:
    source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)  # made private before any byte is written into it
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # every page in one step: one snapshot, never restarted
        # A backup is one self-contained file: no log beside it to copy or to lose.
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
        source.close()


def _check(path: Path) -> int:
    """Return the messages a backup holds; raise BackupError if it is not sound."""
    try:
        check_archive(path)
        with read_only(path) as db:
            verdict = [row[0] for row in db.execute("PRAGMA integrity_check(5)").fetchall()]
            if verdict != ["ok"]:
                raise BackupError(f"{path}: the copy fails its integrity check: {verdict[0]}")
            return int(db.execute("SELECT count(*) FROM messages").fetchone()[0])
    except UnusableArchive as error:
        raise BackupError(f"{path}: the file {error}") from error
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: the file is not a sound archive ({error})") from error


def backups_in(folder: Path) -> list[Path]:
    """Return the folder's finished backups, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if NAME_PATTERN.match(p.name))


def newest_backup_time(folder: Path) -> datetime | None:
    """Return when the folder's newest backup was made (its name says), or None."""
    finished = backups_in(folder)
    if not finished:
        return None
    return datetime.strptime(finished[-1].name, NAME_FORMAT).replace(tzinfo=UTC)


def forget_in_backups(folder: Path, user_id: int) -> int:
    """Forget the person in every backup kept in ``folder`` as in the archive (their words,
    curiosities and name gone, bytes included); return how many backups were rewritten.

    A backup stays a whole, checked archive: it is rewritten in place by SQLite, under the
    same rules as the archive itself (secure delete, the search index scrubbed).
    """
    rewritten = 0
    for path in backups_in(folder):
        store = Store.open(path)
        try:
            store.forget_user(user_id)
            store.truncate_log()
            store.db.execute("PRAGMA journal_mode = DELETE")  # one file again, no log beside
        finally:
            store.close()
        rewritten += 1
    return rewritten


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups, and any partial file left by a crash;
    return what was deleted."""
    finished = backups_in(folder)
    old = finished[: max(0, len(finished) - keep)]
    partial = [p for p in folder.glob(f"{PARTIAL_PREFIX}*")] if folder.is_dir() else []
    for path in [*old, *partial]:
        path.unlink(missing_ok=True)
    return [*old, *partial]


def check_backup(path: Path) -> int:
    """Return how many messages a backup file holds; raise BackupError if it cannot be used."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    return _check(path)


def restore(backup: Path, db_path: Path, *, now: datetime) -> Path | None:
    """Replace the archive by a checked backup, atomically; return where the replaced archive
    was kept (``<archive>.before-restore-<time>``), or None if there was none.

    Raises BackupError, changing nothing, if the backup is not sound or a bot has the archive
    open.
    """
    check_backup(backup)
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with held_exclusively(db_path):
        kept = _keep_previous(db_path, now) if db_path.exists() else None
        partial = db_path.with_name(f"{PARTIAL_PREFIX}{db_path.name}")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, backup.open("rb") as source:
                shutil.copyfileobj(source, out)
                _flush(out)
            os.replace(partial, db_path)
        finally:
            partial.unlink(missing_ok=True)
        _sync(db_path.parent)
    return kept


def _keep_previous(db_path: Path, now: datetime) -> Path:
    """Fold the archive's log into it, then move it aside under a dated name."""
    with suppress(sqlite3.DatabaseError):
        connection = sqlite3.connect(db_path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    kept = db_path.with_name(
        f"{db_path.name}.before-restore-{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    )
    os.replace(db_path, kept)
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    return kept


def lock_path(db_path: Path) -> Path:
    """Return the lock file a running bot holds beside its archive."""
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def held_shared(db_path: Path) -> Iterator[None]:
    """Hold the archive's lock shared (a running bot; several may share an archive)."""
    with _locked(db_path, fcntl.LOCK_SH):
        yield


@contextmanager
def held_exclusively(db_path: Path) -> Iterator[None]:
    """Hold the archive's lock alone; raise BackupError at once if a bot holds it."""
    try:
        with _locked(db_path, fcntl.LOCK_EX | fcntl.LOCK_NB):
            yield
    except BlockingIOError:
        raise BackupError(
            f"COMMONS_DB={db_path}: a running bot has this archive open; stop it first"
        ) from None


@contextmanager
def _locked(db_path: Path, how: int) -> Iterator[None]:
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, how)
        yield
    finally:
        os.close(fd)  # closing releases the lock, as the process dying would


def _flush(out: IO[bytes]) -> None:
    out.flush()
    os.fsync(out.fileno())


def _sync(path: Path) -> None:
    """Put a file (or a folder's entries: a rename is durable only then) on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
