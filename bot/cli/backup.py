"""``python -m bot backup`` and ``python -m bot restore``: one line each, exit 2 on failure.

The archive's own functions (``bot.archive.backups``) do the work; these commands read the
settings, say what happened in one line, and never leave a half file or a half restore.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.archive.backups import BackupError, make_backup, restore
from bot.core.config import Config, ConfigError

MEGABYTE = 1024 * 1024


class Failed(click.ClickException):
    """The backup or restore could not be done: one line, exit status 2, nothing changed."""

    exit_code = 2


@click.command()
@click.option(
    "--to",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Backup folder (default: COMMONS_BACKUP_DIR).",
)
def backup(folder: Path | None) -> None:
    """Back the archive (COMMONS_DB) up, consistently, while the bot runs."""
    config = _settings()
    target = folder or config.backup_dir
    if target is None:
        raise Failed("no backup folder: give --to DIR, or set COMMONS_BACKUP_DIR")
    try:
        made = make_backup(config.db_path, target, now=datetime.now(UTC))
    except (BackupError, OSError) as error:
        raise Failed(str(error)) from None
    click.echo(f"backup: {made.path} ({made.size / MEGABYTE:.1f} MB, {made.messages:,} messages)")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--db", "db_path", type=click.Path(path_type=Path), help="Archive (default: COMMONS_DB)."
)
def restore_command(file: Path, db_path: Path | None) -> None:
    """Replace the archive by a backup, once it is checked; the replaced one is kept."""
    target = db_path or _settings().db_path
    try:
        kept = restore(file, target, now=datetime.now(UTC))
    except (BackupError, OSError) as error:
        raise Failed(str(error)) from None
    where = f"the archive it replaced is kept as {kept}" if kept else "there was none before"
    click.echo(f"restored {file} to {target}; {where}")


def _settings() -> Config:
    try:
        return Config.from_env()
    except ConfigError as error:
        raise Failed(str(error)) from None
