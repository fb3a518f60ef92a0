"""``python -m bot check``: one line per thing an operator should know, and whether to act."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.archive.inspection import Finding, archive_findings, read_active_chats
from bot.archive.rows import Chat
from bot.core.config import Config
from bot.core.corpus import CorpusError, default_corpus_path, load_corpus
from bot.core.schedule import describe_wait, next_run
from bot.core.text import PostKind
from bot.handlers.telegram_status import telegram_findings
from bot.i18n import translator

# Below this the archive may stop growing mid-day: SQLite needs room for its WAL and checkpoints.
LOW_DISK_BYTES = 200 * 1024 * 1024


async def run_checks(config: Config, now: datetime) -> list[Finding]:
    """Return the findings on the corpus, the archive, the disk, each chat and Telegram."""
    findings = [corpus_finding(config.corpus_path), disk_finding(config.db_path)]
    archive = archive_findings(config.db_path)
    findings += archive
    chats = read_active_chats(config.db_path) if all(f.ok for f in archive) else []
    if chats:
        findings.append(clock_finding(now, sandboxed=config.sandboxed))
    findings += [schedule_finding(chat, now) for chat in chats]
    if config.token:
        findings += await telegram_findings(config.token, config.base_url, chats)
    else:
        findings.append(Finding(True, "token: unset, the bot runs against its local sandbox"))
    return findings


def corpus_finding(path: Path | None) -> Finding:
    """Return whether the corpus loads, and how many passages it holds."""
    where = path or default_corpus_path()
    try:
        entries = load_corpus(path)
    except CorpusError:
        return Finding(
            False, f"corpus {where}: has errors; `python -m bot corpus check` lists them"
        )
    except OSError as error:
        return Finding(False, f"corpus {where}: cannot be read ({error.strerror})")
    return Finding(True, f"corpus {where}: {len(entries)} passages")


def disk_finding(db_path: Path) -> Finding:
    """Return the free space where the archive lives (or would be made)."""
    folder = next(p for p in [db_path.parent, *db_path.parent.parents] if p.exists())
    free = shutil.disk_usage(folder).free
    text = f"disk: {free / 1024**3:.1f} GB free at {folder}"
    if free < LOW_DISK_BYTES:
        return Finding(False, f"{text}; the archive needs room to grow, free some space")
    return Finding(True, text)


def clock_finding(now: datetime, *, sandboxed: bool) -> Finding:
    """Return the clock the chats' times are read by: the real one, whatever a web chat did."""
    text = f"clock: times as of {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC, the real clock"
    if sandboxed:
        # The web chat's buttons move only the running bot's clock, which is in no file.
        text += "; a web chat's moved clock is not seen here"
    return Finding(True, text)


def schedule_finding(chat: Chat, now: datetime) -> Finding:
    """Return the chat's time zone and when its next passage goes out."""
    name = f"chat {chat['id']} ({chat['title'] or chat['type']})"
    if chat["paused"]:
        return Finding(True, f"{name}: paused, no posts until an admin sends /resume")
    return Finding(True, f"{name}: next passage {describe_next(chat, 'passage', now)}")


def describe_next(chat: Chat, kind: PostKind | str, now: datetime) -> str:
    """Return e.g. 'Mon 24 Nov 09:00 Europe/Berlin (in 3 h 12 min)' for the chat's next slot."""
    when = next_run(chat, kind, now)
    local = translator().short_datetime(when.astimezone(ZoneInfo(chat["timezone"])))
    return f"{local} {chat['timezone']} (in {describe_wait(when - now)})"
