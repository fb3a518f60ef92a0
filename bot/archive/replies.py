"""The one road of a member's message into a thread: which thread it joins, then kept.

Every way a message arrives ends here: a batch as it arrives (``bot.archive.arrivals``), an
update its handler stores (a replay at start, a message after a command in its batch), and a
reply to one of the bot's own messages (``join_bot_reply``). The plain roads need only the
message:

- a reply joins its parent's thread (a stored message, a passage post, any recorded copy of
  it), or, answering a curiosity, the thread of that curiosity's day;
- a message that answers nothing joins the latest passage of its forum topic, or, in a private
  chat, the latest passage there; other group chatter is never stored.

The bot's roads are for a reply to a bot message that no plain road leads from: a copy of a
passage whose id was never recorded (recognised above the archive by its heading, and handed
in as ``BotMessage.copy``), a digest line it quotes, or else the day's thread (a digest, the
welcome, help). Each road ends in ``Store.keep_messages``: one insert, and the silenced rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from bot.archive.agenda import passage_entry
from bot.archive.rows import Post
from bot.archive.store import Store
from bot.core.agenda import suggestion_number
from bot.core.corpus import Entry
from bot.core.text import ELLIPSIS
from bot.core.updates import Incoming, Said

RECENT_DAYS = 8  # how far back an unrecorded copy of a passage is looked for
SHORT_QUOTE = 40  # a digest line joins a long reply's lines; its opening is matched alone

# (road, thread root, the message the reply hangs from)
Place = tuple[str, int, int]


class Placement(Enum):
    """What the plain roads did with a message."""

    STORED = "stored"  # in its thread (now or before; a silenced author's is dropped there)
    LEFT = "left"  # in no thread of ours: chatter, or an answer to a silenced author
    BOT_ROAD = "bot road"  # a reply to a bot message: the bot's roads decide (its handler)


@dataclass(frozen=True)
class PassageCopy:
    """The passage post a bot message is a copy of, known by its heading."""

    local_date: str
    passage_id: str
    # The post's recorded id; None when the post went out unrecorded and this message is it.
    message_id: int | None


@dataclass(frozen=True)
class BotMessage:
    """What the handler knows of the bot message a member answered."""

    quote: str | None  # the part the member quoted, if any
    today: str  # the chat's local date
    copy: PassageCopy | None = None  # the passage it copies, if its heading says so


@dataclass(frozen=True)
class RecentPassages:
    """The passage posts a bot message may be a copy of: the last days', newest first, and the
    chat's latest passage (which may have gone out unrecorded)."""

    recent: list[Post]
    latest: Post | None
    # The suggestions among them, as passages, by passage id (the book's are the corpus's).
    suggested: dict[str, Entry] = field(default_factory=dict)


def recent_passages(store: Store, chat_id: int, today: str) -> RecentPassages:
    """Return the chat's passage posts of the last RECENT_DAYS days and its latest one."""
    first = (date.fromisoformat(today) - timedelta(days=RECENT_DAYS)).isoformat()
    recent = store.posts_between(chat_id, first, today)
    latest = store.last_post(chat_id, "passage")
    suggested = {}
    for post in [*recent, *([latest] if latest else [])]:
        passage_id = post["passage_id"] or ""
        entry = passage_entry(store, chat_id, passage_id, ()) if passage_id else None
        if suggestion_number(passage_id) is not None and entry is not None:
            suggested[passage_id] = entry
    return RecentPassages(recent[::-1], latest, suggested)


def store_said(store: Store, said: Said) -> bool:
    """Store what a member said if a plain road leads to one of our threads (see
    store_all_said); True if one does."""
    return store_all_said(store, [said])[0] is Placement.STORED


def store_all_said(
    store: Store, saids: Sequence[Said], *, on_arrival: bool = False
) -> list[Placement]:
    """Store, in one transaction, each message a plain road leads to one of our threads.

    A message may answer one before it in the same batch, so threads are found in order. On
    arrival, the first reply that no plain road leads from ends the batch: a reply to a bot
    message is ``BOT_ROAD`` (its handler takes the bot's roads), a reply to another message is
    left to its handler (its parent may be an earlier update whose handler has not run yet),
    and so are the messages after it, which may answer either.
    """
    with store.transaction():
        silenced = store.silenced_among(said.author.user_id for said in saids)
        stored = store.thread_roots(
            (said.message["chat_id"], said.message["reply_to_message_id"])
            for said in saids
            if said.message["reply_to_message_id"] is not None
        )  # the threads of the messages answered, as the archive holds them
        roots: dict[tuple[int, int], int] = {}  # the batch's own messages, as placed
        dropped: set[tuple[int, int]] = set()  # the batch's messages of silenced authors
        placements: list[Placement] = []
        kept: list[tuple[Said, Incoming]] = []
        for said in saids:
            row = _placed(store, said, roots, stored, silenced)
            chat_id, parent = said.message["chat_id"], said.message["reply_to_message_id"]
            if row is not None and said.author.user_id in silenced:
                dropped.add((chat_id, said.message["message_id"]))
            waits = parent is not None and (chat_id, parent) not in dropped
            if row is None and on_arrival and waits:
                if said.answers_bot:
                    placements.append(Placement.BOT_ROAD)
                break
            placements.append(Placement.LEFT if row is None else Placement.STORED)
            if row is not None:
                kept.append((said, row))
        store.keep_messages([row for _, row in kept], [said.author for said, _ in kept])
    return placements


def _placed(
    store: Store,
    said: Said,
    roots: dict[tuple[int, int], int],
    stored: Mapping[tuple[int, int], int],
    silenced: set[int],
) -> Incoming | None:
    """Return the message's row with its thread, or None if no plain road leads to one.

    ``stored`` holds the threads of the messages answered that the archive held before.

    ``roots`` gains the message, unless its author is silenced: nothing of theirs is stored,
    so nothing can answer into a thread through it.
    """
    message = said.message
    chat_id, parent = message["chat_id"], message["reply_to_message_id"]
    row: Incoming | None = None
    if parent is None:
        root = _unanswered_root(store, said)
        if root is not None:
            row = {**message, "root_message_id": root, "reply_to_message_id": root}
    else:
        root = (
            roots.get((chat_id, parent))
            or stored.get((chat_id, parent))
            or _curiosity_root(store, chat_id, parent)
        )
        if root is not None:
            row = {**message, "root_message_id": root}
    if row is not None and said.author.user_id not in silenced:
        roots[chat_id, message["message_id"]] = row["root_message_id"]
    return row


def _unanswered_root(store: Store, said: Said) -> int | None:
    chat_id = said.message["chat_id"]
    if said.topic is not None:
        post = store.latest_passage_in_topic(chat_id, said.topic)
    elif said.private:
        post = store.last_post(chat_id, "passage")
    else:
        return None  # group chatter is never stored
    return post["message_id"] if post is not None else None


def _curiosity_root(store: Store, chat_id: int, message_id: int) -> int | None:
    curiosity = store.curiosity_by_message(chat_id, message_id)
    if curiosity is None:
        return None
    post = store.get_post(chat_id, curiosity["local_date"], "passage")
    return post["message_id"] if post is not None else None


# the bot's roads


def join_bot_reply(store: Store, said: Said, parent: BotMessage) -> str:
    """Store a reply to a bot message that no plain road leads from (the caller tried them)
    in its thread; return the road it took: 'recognised', 'quote', 'day' or 'nowhere'."""
    message = said.message
    chat_id, parent_id = message["chat_id"], message["reply_to_message_id"]
    assert parent_id is not None
    with store.db.atomic():
        place = (
            _copy(store, chat_id, parent_id, parent.copy)
            or _quoted(store, chat_id, parent.quote)
            or _day_thread(store, chat_id, parent_id, parent.today)
        )
        if place is None:
            return "nowhere"
        road, root, hangs_from = place
        row: Incoming = {**message, "root_message_id": root, "reply_to_message_id": hangs_from}
        store.keep_messages([row], [said.author])
        return road


def _copy(store: Store, chat_id: int, parent_id: int, copy: PassageCopy | None) -> Place | None:
    """A passage copy whose id was never recorded (sent just before a crash), now remembered."""
    if copy is None:
        return None
    if copy.message_id is not None:
        store.record_post_copy(
            chat_id, parent_id, root_message_id=copy.message_id, how="recognised"
        )
        return "recognised", copy.message_id, parent_id
    return _adopted(store, chat_id, parent_id, copy)


def _adopted(store: Store, chat_id: int, parent_id: int, copy: PassageCopy) -> Place | None:
    """The latest passage went out but its id was never recorded, and no copy since: this is it.

    Recording it now also means the claim is not taken again, so the passage is not repeated.
    """
    post = store.last_post(chat_id, "passage")
    if post is None or post["local_date"] != copy.local_date or post["message_id"] is not None:
        return None  # recorded since the handler looked
    store.record_post_copy(chat_id, parent_id, root_message_id=parent_id, how="recognised")
    store.record_passage_sent(
        chat_id,
        post["local_date"],
        message_id=parent_id,
        sent_at=post["claimed_at"],
        passage_id=copy.passage_id,
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
