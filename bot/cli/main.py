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

from bot.cli.backup import backup, restore_command
from bot.cli.browse import browse
from bot.cli.site import site
from bot.core.config import Config, ConfigError, heartbeat_path
from bot.core.corpus import CorpusError, default_corpus_path, load_corpus
from bot.core.importers import FORMATS, ImportProblem, import_source


class StartupRefused(click.ClickException):
    """A setting stops the bot from starting: one line naming it, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        from bot.cli.logs import RedactingFilter

        # A value quoted back (a URL, say) could hold a token; the line never shows one.
        super().__init__(RedactingFilter().redact(message))


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
@click.option("--port", envvar="COMMONS_PORT", help="Webhook port.")
@click.option("--webhook-secret", envvar="COMMONS_WEBHOOK_SECRET", help="Webhook secret token.")
@click.option("--web-port", envvar="COMMONS_WEB_PORT", help="Local web chat port.")
def run(**options: object) -> None:
    """Run the bot: Telegram with a token, the local sandbox and web chat without one."""
    config = _with_webhook_secret(_config(**options))
    _setup_logging(config)
    _check_corpus(config)
    from bot.cli.refusals import begin_archive_check

    # Begun before the bot's modules are imported, which it overlaps with.
    archive_checked = begin_archive_check(config.db_path)
    from bot.cli.runner import run_bot

    try:
        run_bot(config, archive_checked)
    except ConfigError as error:
        # The traceback is for whoever debugs the bot; the operator gets the one line.
        logging.getLogger("bot").debug("start-up refused", exc_info=True)
        raise StartupRefused(str(error)) from None


@cli.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path), help="Archive (default temp).")
@click.option("--days", default=7, show_default=True, help="Days of the compressed week.")
@click.option(
    "--corpus",
    "corpus_path",
    type=click.Path(path_type=Path),
    help="Corpus file (its 'language:' header is the language the bot speaks).",
)
def demo(db_path: Path | None, days: int, corpus_path: Path | None) -> None:
    """Play a scripted day and week in a sandbox group and print the transcript."""
    from bot.demo.week import run_demo

    code = asyncio.run(
        run_demo(db_path=db_path, days=days, echo=click.echo, corpus_path=corpus_path)
    )
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
    """List, check or import a corpus file (passages and their counterpoints)."""


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


@corpus.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--format", "format_name", type=click.Choice(list(FORMATS)), help="Default: from the name."
)
@click.option("--out", type=click.Path(path_type=Path), help="Corpus file to write (or stdout).")
@click.option("--book", help="Only the book whose title holds this text.")
@click.option("--title", help="The corpus file's '# title' line.")
@click.option("--with-empty", is_flag=True, help="Keep passages with no note, to fill in.")
def corpus_import(
    source: Path,
    format_name: str | None,
    out: Path | None,
    book: str | None,
    title: str | None,
    with_empty: bool,
) -> None:
    """Turn Kindle, Readwise, Hypothesis or Markdown highlights into a corpus file."""
    try:
        text, summary = import_source(
            source, format_name, book=book, with_empty=with_empty, title=title
        )
    except CorpusError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    except ImportProblem as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot read {source}: {error.strerror}") from None
    click.echo(summary.line(source.name), err=True)
    if not summary.imported:
        raise click.ClickException("nothing to import: no corpus written")
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    if summary.empty:
        click.echo(f"fill in the counterpoints that `corpus check {out}` lists", err=True)


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
    from bot.planning.digests import preview_digest

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


@cli.command()
def check() -> None:
    """Check the token, privacy, each chat, the corpus, the archive and disk (exit 1: act)."""
    config = _config()
    from bot.cli.check import run_checks
    from bot.cli.logs import RedactingFilter

    findings = asyncio.run(run_checks(config, datetime.now(UTC)))
    redactor = RedactingFilter([config.token] if config.token else [])
    for finding in findings:
        click.echo(redactor.redact(f"{'ok' if finding.ok else 'ACTION':6}  {finding.text}"))
    raise SystemExit(0 if all(finding.ok for finding in findings) else 1)


cli.add_command(backup)
cli.add_command(restore_command)
cli.add_command(site)
cli.add_command(browse)


def _config(**options: object) -> Config:
    try:
        return Config.from_env(None, **options)
    except ConfigError as error:
        raise StartupRefused(str(error)) from None


def _with_webhook_secret(config: Config) -> Config:
    """Return the settings with a webhook secret: the one set, or one made for this run.

    Without one, anyone who finds the webhook's URL could post updates as Telegram.
    """
    if not config.webhook_url or config.webhook_secret:
        return config
    from dataclasses import replace

    from bot.handlers.webhook import new_secret

    return replace(config, webhook_secret=new_secret())


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
    from bot.cli.logs import configure_logging

    configure_logging(config.log_level, secrets=(config.token, config.webhook_secret))


def _today(timezone: str) -> date:
    from bot.core.schedule import local_date

    return local_date(datetime.now(UTC), timezone)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else prefix.rstrip() for line in text.splitlines())


if __name__ == "__main__":
    cli()
