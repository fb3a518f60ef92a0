"""Where a reply to one of the bot's own messages belongs: the roads into a thread.

A member can answer the passage through any copy of it (the morning post, a ``/today`` copy, a
copy sent again after a crash, even one whose id was never recorded), answer a digest (quoting
one of its lines, or not), or answer the welcome or the help. Each road ends in a thread, or,
if the chat has no passage that day, nowhere. One call, one transaction, on the database thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.archive.store import Store
from bot.compose.passage import passage_heading
from bot.core.corpus import Entry, entry_at
from bot.core.text import ELLIPSIS
from bot.core.updates import Incoming
from bot.i18n import translator, translator_for

RECENT_DAYS = 8  # how far back an unrecorded copy of a passage is looked for
SHORT_QUOTE = 40  # a digest line joins a long reply's lines; its opening is matched alone

# (road, thread root, the message the reply hangs from)
Place = tuple[str, int, int]


@dataclass(frozen=True)
class BotMessage:
    """What Telegram sends about the bot's message a member answered."""

    text: str  # as the member's app showed it
    quote: str | None  # the part the member quoted, if any
    today: str  # the chat's local date


def join_bot_reply(
    store: Store,
    message: Incoming,
    parent: BotMessage,
    corpus: Sequence[Entry],
    *,
    name: str,
    username: str | None = None,
) -> str:
    """Store a reply to a bot message in its thread; return the road it took, or 'nowhere'."""
    chat_id, parent_id = message["chat_id"], message["reply_to_message_id"]
    assert parent_id is not None
    with store.db.atomic():
        place = (
            _known_copy(store, chat_id, parent_id)
            or _recognised_copy(store, chat_id, parent_id, parent, corpus)
            or _quoted(store, chat_id, parent.quote)
            or _day_thread(store, chat_id, parent_id, parent.today)
        )
        if place is None:
            return "nowhere"
        road, root, hangs_from = place
        row: Incoming = {**message, "root_message_id": root, "reply_to_message_id": hangs_from}
        store.store_authored(row, name=name, username=username)
        return road


def _known_copy(store: Store, chat_id: int, parent_id: int) -> Place | None:
    root = store.thread_root(chat_id, parent_id)
    return None if root is None else ("copy", root, parent_id)


def _recognised_copy(
    store: Store, chat_id: int, parent_id: int, parent: BotMessage, corpus: Sequence[Entry]
) -> Place | None:
    """A passage copy whose id was never recorded (sent just before a crash): known by its text."""
    entries = {entry.id: entry for entry in corpus}
    today = date.fromisoformat(parent.today)
    first = (today - timedelta(days=RECENT_DAYS)).isoformat()
    chat = store.get_chat(chat_id)
    t = translator_for(chat) if chat is not None else translator()
    for post in reversed(store.posts_between(chat_id, first, parent.today)):
        entry = entries.get(post["passage_id"] or "")
        if entry is None or post["message_id"] is None:
            continue
        heading = passage_heading(t, entry, date.fromisoformat(post["local_date"]))
        if parent.text.startswith(heading):
            root = post["message_id"]
            store.record_post_copy(chat_id, parent_id, root_message_id=root, how="recognised")
            return "recognised", root, parent_id
    return _adopted_copy(store, chat_id, parent_id, parent, corpus)


def _adopted_copy(
    store: Store, chat_id: int, parent_id: int, parent: BotMessage, corpus: Sequence[Entry]
) -> Place | None:
    """The latest passage went out but its id was never recorded, and no copy since: this is it.

    Recording it now also means the claim is not taken again, so the passage is not repeated.
    """
    post, chat = store.last_post(chat_id, "passage"), store.get_chat(chat_id)
    if post is None or chat is None or post["message_id"] is not None or not corpus:
        return None
    entries = {entry.id: entry for entry in corpus}
    entry = entries.get(post["passage_id"] or "") or entry_at(corpus, chat["corpus_position"])
    heading = passage_heading(translator_for(chat), entry, date.fromisoformat(post["local_date"]))
    if not parent.text.startswith(heading):
        return None
    store.record_post_copy(chat_id, parent_id, root_message_id=parent_id, how="recognised")
    store.record_passage_sent(
        chat_id,
        post["local_date"],
        message_id=parent_id,
        sent_at=post["claimed_at"],
        passage_id=entry.id,
    )
    return "recognised", parent_id, parent_id


def quote_pieces(quote: str) -> list[str]:
    """Return what to look for in stored texts, longest first, from a quoted digest line."""
    line = " ".join(quote.replace("↗", " ").split()).removesuffix(ELLIPSIS).strip()
    said = line.split(": ", 1)[1].strip() if ": " in line[:80] else line
    pieces = [said, line, said[:SHORT_QUOTE].strip()]
    return [p for i, p in enumerate(pieces) if p and p not in pieces[:i]]


def _quoted(store: Store, chat_id: int, quote: str | None) -> Place | None:
    """A digest line the member quoted: the reply joins that message's thread, under it."""
    for piece in quote_pieces(quote) if quote else []:
        message = store.message_holding(chat_id, piece)
        if message is not None:
            return "quote", message["root_message_id"], message["message_id"]
        curiosity = store.curiosity_holding(chat_id, piece)
        if curiosity is None or curiosity["message_id"] is None:
            continue
        post = store.get_post(chat_id, curiosity["local_date"], "passage")
        if post is not None and post["message_id"] is not None:
            return "quote", post["message_id"], curiosity["message_id"]
    return None


def _day_thread(store: Store, chat_id: int, parent_id: int, today: str) -> Place | None:
    """Any other bot message (a digest, the welcome, help): the day's passage thread."""
    digest = store.digest_by_message(chat_id, parent_id)
    day = digest["local_date"] if digest is not None else today
    post = store.get_post(chat_id, day, "passage")
    if post is None or post["status"] != "sent" or post["message_id"] is None:
        return None
    return "day", post["message_id"], post["message_id"]
