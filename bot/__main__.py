"""Command line: ``python -m bot`` (or ``commons-bot``).

Each command is a thin layer over a library function, so what the CLI does can also be done from
Python, and the library's errors become short messages and exit codes here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, date, datetime
from pathlib import Path

import click

from bot.config import Config, ConfigError, heartbeat_path
from bot.core.corpus import CorpusError, default_corpus_path, load_corpus


@click.group()
@click.version_option(package_name="commons-bot")
def cli() -> None:
    """Commons Bot: one passage of the Commons Manifesto a day, its counterpoint, the talk."""


@cli.command()
@click.option("--token", envvar="TELEGRAM_BOT_TOKEN", help="Bot token; unset runs the sandbox.")
@click.option("--base-url", envvar="TELEGRAM_BASE_URL", help="Bot API base URL.")
@click.option("--db", "db_path", envvar="COMMONS_DB", type=click.Path(path_type=Path))
@click.option("--corpus", "corpus_path", envvar="COMMONS_CORPUS", type=click.Path(path_type=Path))
@click.option("--webhook-url", envvar="COMMONS_WEBHOOK_URL", help="Run a webhook, not polling.")
@click.option("--listen", envvar="COMMONS_LISTEN", help="Address to bind the webhook/web chat.")
@click.option("--port", envvar="COMMONS_PORT", type=int, help="Webhook port.")
@click.option("--webhook-secret", envvar="COMMONS_WEBHOOK_SECRET", help="Webhook secret token.")
@click.option("--web-port", envvar="COMMONS_WEB_PORT", type=int, help="Local web chat port.")
def run(**options: object) -> None:
    """Run the bot: Telegram with a token, the local sandbox and web chat without one."""
    config = _config(**options)
    _setup_logging(config)
    _check_corpus(config)
    from bot.runner import TokenRejected, run_bot

    try:
        run_bot(config)
    except TokenRejected as error:
        raise click.ClickException(f"{error}: check TELEGRAM_BOT_TOKEN.") from None


@cli.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path), help="Archive (default temp).")
@click.option("--days", default=7, show_default=True, help="Days of the compressed week.")
def demo(db_path: Path | None, days: int) -> None:
    """Play a scripted day and week in a sandbox group and print the transcript."""
    from bot.demo import run_demo

    code = asyncio.run(run_demo(db_path=db_path, days=days, echo=click.echo))
    raise SystemExit(code)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=int)
def sandbox(host: str, port: int) -> None:
    """Run the loopback Bot API sandbox on its own, for any bot to talk to."""
    from bot.sandbox import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(host=host, port=port, echo=click.echo))


@cli.group()
def corpus() -> None:
    """List or check a corpus file (passages and their counterpoints)."""


@corpus.command("list")
@click.option("--corpus", "path", type=click.Path(path_type=Path), help="Corpus file.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def corpus_list(path: Path | None, as_json: bool) -> None:
    """Print every entry of the corpus, in posting order."""
    entries = _load_or_exit(path)
    if as_json:
        rows = [
            {
                "id": e.id,
                "chapter": e.chapter,
                "passage": e.passage,
                "counterpoint": e.counterpoint,
            }
            for e in entries
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for entry in entries:
        click.echo(f"[{entry.id}] {entry.chapter}")
        click.echo(_indent(entry.passage, "  > "))
        click.echo(_indent(entry.counterpoint, "    "))
        click.echo()


@corpus.command("check")
@click.argument("path", type=click.Path(path_type=Path))
def corpus_check(path: Path) -> None:
    """Validate a corpus file: exit 0 with a summary, or 1 with file:line errors."""
    entries = _load_or_exit(path)
    chapters = len({e.chapter for e in entries})
    click.echo(f"{path}: {len(entries)} entries in {chapters} chapters, OK")


@cli.command()
@click.option("--db", "db_path", required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--chat", "chat_id", required=True, type=int, help="Chat id.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Local date (default today)."
)
@click.option("--weekly", is_flag=True, help="The week ending on that date.")
@click.option("--html", "as_html", is_flag=True, help="Print Telegram HTML, not plain text.")
@click.option("--corpus", "corpus_path", type=click.Path(path_type=Path), help="Corpus file.")
def digest(
    db_path: Path,
    chat_id: int,
    day: datetime | None,
    weekly: bool,
    as_html: bool,
    corpus_path: Path | None,
) -> None:
    """Preview a chat's daily (or weekly) digest as its members would read it."""
    from bot.archive import Store
    from bot.archive.operations import preview_digest

    entries = _load_or_exit(corpus_path)
    store = Store.open(db_path)
    chat = store.get_chat(chat_id)
    if chat is None:
        raise click.ClickException(f"no chat {chat_id} in {db_path}")
    local_day = day.date() if day else _today(chat["timezone"])
    click.echo(preview_digest(store, chat, local_day, entries, weekly=weekly, html=as_html))


@cli.command()
@click.option("--db", "db_path", required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--chat", "chat_id", required=True, type=int, help="Chat id.")
def export(db_path: Path, chat_id: int) -> None:
    """Print one chat's archive as JSON (what /export sends to its admins)."""
    from bot.archive import Store

    store = Store.open(db_path)
    if store.get_chat(chat_id) is None:
        raise click.ClickException(f"no chat {chat_id} in {db_path}")
    click.echo(json.dumps(store.export_chat(chat_id), ensure_ascii=False, indent=2))


@cli.command()
@click.option(
    "--db",
    "db_path",
    envvar="COMMONS_DB",
    default="./data/commons.db",
    type=click.Path(path_type=Path),
)
@click.option("--max-age", default=180, show_default=True, help="Seconds a heartbeat stays fresh.")
def health(db_path: Path, max_age: int) -> None:
    """Exit 0 if the running bot's schedule sweep ran recently (for container health checks)."""
    beat = heartbeat_path(db_path)
    if not beat.exists():
        raise click.ClickException(f"no heartbeat at {beat}: is the bot running?")
    age = time.time() - beat.stat().st_mtime
    if age > max_age:
        raise click.ClickException(f"heartbeat is {age:.0f} s old (limit {max_age} s)")
    click.echo(f"ok: heartbeat {age:.0f} s old")


def _config(**options: object) -> Config:
    try:
        return Config.from_env(None, **options)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _check_corpus(config: Config) -> None:
    # Refuse to start with a broken corpus rather than post half of it.
    _load_or_exit(config.corpus_path)


def _load_or_exit(path: Path | None) -> list:
    try:
        return load_corpus(path)
    except CorpusError as error:
        click.echo(str(error), err=True)
        where = path or default_corpus_path()
        click.echo(f"{where}: the corpus has errors; fix them and try again.", err=True)
        raise SystemExit(1) from None
    except FileNotFoundError as error:
        raise click.ClickException(f"corpus file not found: {error.filename}") from None
    except OSError as error:
        message = f"cannot read the corpus {error.filename}: {error.strerror}"
        raise click.ClickException(message) from None


def _setup_logging(config: Config) -> None:
    from bot.logs import configure_logging

    configure_logging(config.log_level, secrets=[config.token] if config.token else [])


def _today(timezone: str) -> date:
    from bot.core.schedule import local_date

    return local_date(datetime.now(UTC), timezone)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else prefix.rstrip() for line in text.splitlines())


if __name__ == "__main__":
    cli()
