"""``python -m bot browse``: the archive, read-only, in Datasette (the optional extra
``pip install -e ".[browse]"``).

Datasette reads the file through read-only connections (``?mode=ro``); the one plugin this
command adds gives each connection two temporary views, ``visible_messages`` and
``visible_curiosities``, which leave the text of people who opted out empty, and writes
nothing. Members' words are shown only through those views and the canned queries built on
them; the metadata names the tables and columns a person would look at, and closes the raw
tables, the search index and the inbox of raw updates, and arbitrary SQL (an operator who needs
it has the file itself).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import click

from bot.archive.reading import add_visible_views
from bot.cli.site import archive_option

TITLE = "Commons Bot archive"
# Tables holding members' words as they were said, or the raw updates: closed to browsing.
CLOSED = (
    "messages", "curiosities", "inbox", "messages_search", "curiosities_search",
    *(f"{table}_fts{part}" for table in ("messages", "curiosities")
      for part in ("", "_data", "_idx", "_docsize", "_config")),
)  # fmt: skip
DESCRIBED: dict[str, tuple[str, dict[str, str]]] = {
    "chats": (
        "Every chat the bot was added to, with its admins' settings.",
        {
            "id": "Telegram's chat id (a supergroup's starts with -100)",
            "type": "private, group or supergroup",
            "timezone": "The chat's time zone (/settz)",
            "post_time": "Local time of the morning passage",
            "digest_time": "Local time of the evening digest",
            "weekly_day": "Day of the weekly digest, 0 = Monday",
            "corpus_position": "Place in the corpus: passages sent so far",
            "published": "1 if its admins publish the archive as a site (/publish on)",
        },
    ),
    "posts": (
        "Each passage, digest and weekly digest, claimed once per chat, local date and kind.",
        {
            "local_date": "The chat's calendar date the post is for",
            "kind": "passage, digest, weekly or personal",
            "passage_id": "The corpus entry a passage post carried",
            "message_id": "The Telegram message it went out as",
            "status": "claimed, sent, failed or skipped",
            "sent_at": "When it went out, Unix seconds (UTC)",
        },
    ),
    "users": (
        "People who spoke: a first name while they take part, and their privacy choices.",
        {
            "first_name": "Telegram first name, empty once forgotten",
            "opted_out": "1 after /optout: nothing new of theirs is kept",
            "forgotten": "1 after /forgetme: everything of theirs was deleted",
        },
    ),
    "visible_messages": (
        "Thread messages, with the text and name of people who opted out left empty.",
        {
            "root_message_id": "The passage post the thread hangs from",
            "reply_to_message_id": "The message it answers",
            "author": "First name (or a channel's title); empty if they opted out",
            "text": "What was said; empty if its author opted out",
            "date": "When it was said, Unix seconds (UTC)",
        },
    ),
    "visible_curiosities": (
        "What members said they wondered about, per local day; opted-out people's left empty.",
        {
            "local_date": "The chat's calendar date",
            "author": "First name; empty if they opted out",
            "text": "The curiosity; empty if its author opted out",
        },
    ),
}
QUERIES = {
    "day_threads": {
        "title": "A day's threads in order",
        "description": "Every message under a chat's passage of one local date, as it was said.",
        "sql": """SELECT m.message_id, m.reply_to_message_id, m.author, m.text,
    datetime(m.date, 'unixepoch') AS said_utc
FROM posts p
JOIN visible_messages m ON m.chat_id = p.chat_id AND m.root_message_id = p.message_id
WHERE p.chat_id = :chat_id AND p.local_date = :local_date AND p.kind = 'passage'
ORDER BY m.date, m.message_id""",
    },
    "person_messages": {
        "title": "A person's messages and curiosities, for an export",
        "description": "Everything kept of one person, in every chat, oldest first.",
        "sql": """SELECT 'message' AS kind, chat_id, message_id, text,
    datetime(date, 'unixepoch') AS said_utc
FROM visible_messages WHERE user_id = :user_id
UNION ALL
SELECT 'curiosity', chat_id, message_id, text, datetime(created_at, 'unixepoch')
FROM visible_curiosities WHERE user_id = :user_id
ORDER BY said_utc""",
    },
    "week_curiosities": {
        "title": "The curiosities of a week",
        "description": "A chat's curiosities of the seven local days from the one given.",
        "sql": """SELECT local_date, author, text, message_id
FROM visible_curiosities
WHERE chat_id = :chat_id AND local_date BETWEEN :first_day AND date(:first_day, '+6 days')
ORDER BY local_date, created_at""",
    },
}


def browse_metadata(database: str) -> dict[str, Any]:
    """Return Datasette's metadata for an archive that Datasette names ``database``."""
    tables: dict[str, Any] = {
        name: {"description": about, "columns": columns}
        for name, (about, columns) in DESCRIBED.items()
    }
    tables.update({name: {"hidden": True, "allow": False} for name in CLOSED})
    return {
        "title": TITLE,
        "description": "Read-only. Members who opted out show with empty text.",
        "allow_sql": False,
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }


PLUGIN = "commons_visible_views"


def visible_views_plugin(archive: str) -> object:
    """Return a Datasette plugin that adds the visible views to each connection to the
    archive (Datasette calls it ``archive``); its own databases are left alone."""
    from datasette import hookimpl

    class VisibleViews:
        __name__ = PLUGIN

        @staticmethod
        @hookimpl
        def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
            if database == archive:
                add_visible_views(conn)

    return VisibleViews()


def register_plugin(archive: str) -> None:
    """Register the visible views for the archive Datasette calls ``archive``."""
    from datasette.plugins import pm

    old = pm.get_plugin(PLUGIN)
    if old is not None:
        pm.unregister(old)
    pm.register(visible_views_plugin(archive), name=PLUGIN)


@click.command("browse")
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--metadata",
    "metadata_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write Datasette's metadata to this file and stop.",
)
def browse(db_path: Path, host: str, port: int, metadata_out: Path | None) -> None:
    """Open the archive read-only in Datasette (pip install -e ".[browse]")."""
    metadata = browse_metadata(db_path.stem)
    if metadata_out is not None:
        metadata_out.write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        click.echo(f"metadata written to {metadata_out}")
        return
    try:
        from datasette.cli import cli as datasette
    except ImportError:
        raise click.ClickException(
            'Datasette is not installed: pip install -e ".[browse]"'
        ) from None
    register_plugin(db_path.stem)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metadata.json"
        path.write_text(json.dumps(metadata), encoding="utf-8")
        args = ["serve", str(db_path), "--metadata", str(path), "--host", host]
        datasette.main([*args, "--port", str(port)], standalone_mode=False)
