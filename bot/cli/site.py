"""``python -m bot site``: a published chat's archive as a static site, one line per build.

The site's own functions (``bot.site``) do the work; this command opens the archive, builds
the chats asked for, and says what each build wrote. A chat whose admins have not sent
``/publish on`` gets no site, and one line saying why.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.archive import Store
from bot.archive.reading import published_chats
from bot.core.corpus import CorpusError, Entry, load_corpus

# An archive that exists, read by the commands that only read one (site, browse).
archive_option = click.option(
    "--db",
    "db_path",
    envvar="COMMONS_DB",
    default="./data/commons.db",
    show_default=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
)


@click.command("site")
@archive_option
@click.option("--chat", "chat_id", type=int, help="The chat whose site to build.")
@click.option("--all", "every", is_flag=True, help="Every published chat, each in OUT/CHAT_ID/.")
@click.option(
    "--out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder."
)
@click.option("--corpus", "corpus_path", envvar="COMMONS_CORPUS", type=click.Path(path_type=Path))
@click.option("--base-url", help="Where the site will be served (for the feed's own link).")
def site(
    db_path: Path,
    chat_id: int | None,
    every: bool,
    out: Path,
    corpus_path: Path | None,
    base_url: str | None,
) -> None:
    """Write a published chat's archive as a static site: pages, feed.atom, upcoming.ics."""
    if (chat_id is None) == (not every):
        raise click.UsageError("give --chat ID or --all")
    corpus = _corpus(corpus_path)
    store = Store.open(db_path)
    try:
        if every:
            _build_all(store, corpus, out, base_url)
        else:
            assert chat_id is not None
            _build(store, chat_id, corpus, out, base_url)
    finally:
        store.close()


def _build_all(store: Store, corpus: list[Entry], out: Path, base_url: str | None) -> None:
    """Build every published chat's site in its own folder; remove those no longer published."""
    from bot.site.files import remove_unpublished

    chats = published_chats(store)
    for chat in chats:
        url = f"{base_url.rstrip('/')}/{chat['id']}/" if base_url else None
        _build(store, chat["id"], corpus, out / str(chat["id"]), url)
    for folder in remove_unpublished(out, {chat["id"] for chat in chats}):
        click.echo(f"{folder}: removed, its chat no longer publishes")
    if not chats:
        click.echo("no chat publishes its archive: an admin sends /publish on in a chat")


def _build(store: Store, chat_id: int, corpus: list[Entry], out: Path, url: str | None) -> None:
    """Build one chat's site and say what was written."""
    from bot.site import NotPublished, build_site

    chat = store.get_chat(chat_id)
    if chat is None:
        raise click.ClickException(f"no chat {chat_id} in the archive")
    if url is not None and not url.endswith("/"):
        url += "/"
    try:
        done = build_site(store, chat, corpus, out, datetime.now(UTC), base_url=url)
    except NotPublished as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(
        f"chat {chat_id}: {out}: {len(done.written)} written, {done.unchanged} unchanged, "
        f"{len(done.removed)} removed"
    )


def _corpus(path: Path | None) -> list[Entry]:
    try:
        return load_corpus(path)
    except (CorpusError, OSError) as error:
        raise click.ClickException(f"the corpus cannot be read: {error}") from None
