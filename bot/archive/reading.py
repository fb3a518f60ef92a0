"""What a published site may show of a chat: its days, their rows, and the digests sent.

Each function takes the Store first and only reads. Nothing of a person who opted out is
handed up (a digest shows them as "a member"; a site leaves them out), and a forgotten person's
rows are gone already. Rows go up from here; ``bot.site`` renders them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypedDict, cast

from bot.archive.base import POST_COLUMNS, as_bools
from bot.archive.chats import STORE_FLAGS
from bot.archive.operations import day_voices
from bot.archive.rows import Chat, Curiosity, Message, Post
from bot.archive.store import Store
from bot.core.records import Totals

# What a tool browsing the archive may show of members' words: thread messages and curiosities
# with the name and text of people who opted out (or were forgotten) left empty. Temporary
# views, made on the browsing connection only: the archive file itself stays as the bot keeps
# it (a view stored in it can make SQLite 3.40's integrity_check skip its unused-page check).
VISIBLE_VIEWS = """
CREATE TEMP VIEW IF NOT EXISTS visible_messages AS
SELECT m.id, m.chat_id, m.message_id, m.root_message_id, m.reply_to_message_id, m.user_id,
    m.sender_chat_id,
    CASE WHEN COALESCE(u.opted_out OR u.forgotten, 0) THEN ''
        ELSE COALESCE(NULLIF(u.first_name, ''), s.title, '') END AS author,
    m.kind,
    CASE WHEN COALESCE(u.opted_out OR u.forgotten, 0) THEN '' ELSE m.text END AS text,
    m.date, m.edited_at
FROM main.messages m
LEFT JOIN main.users u ON u.id = m.user_id
LEFT JOIN main.sender_chats s ON s.id = m.sender_chat_id;
CREATE TEMP VIEW IF NOT EXISTS visible_curiosities AS
SELECT c.id, c.chat_id, c.user_id,
    CASE WHEN COALESCE(u.opted_out OR u.forgotten, 0) THEN ''
        ELSE COALESCE(u.first_name, '') END AS author,
    c.local_date,
    CASE WHEN COALESCE(u.opted_out OR u.forgotten, 0) THEN '' ELSE c.text END AS text,
    c.message_id, c.created_at
FROM main.curiosities c
LEFT JOIN main.users u ON u.id = c.user_id;
"""


def add_visible_views(connection: sqlite3.Connection) -> None:
    """Give a (read-only) connection the views ``visible_messages`` and
    ``visible_curiosities``, which leave the words of people who opted out empty."""
    connection.executescript(VISIBLE_VIEWS)


@dataclass(frozen=True)
class SiteDay:
    """One local day of a chat as a site shows it: the passage post and the rows of the
    people who may be shown, in reading order."""

    local_date: str
    post: Post | None
    messages: tuple[Message, ...]
    curiosities: tuple[Curiosity, ...]
    # Voices without words, as the evening digest shows them: each message's reactions, the
    # passage's (every copy), and the day's poll totals (None without a poll).
    reactions: Mapping[int, Totals] = field(default_factory=dict)
    passage_reactions: Totals = ()
    poll: tuple[int, ...] | None = None


class SentDigest(TypedDict):
    """An evening or weekly digest that went out: its local date and when, in unix seconds."""

    local_date: str
    kind: Literal["digest", "weekly"]
    sent_at: int


def published_chats(store: Store) -> list[Chat]:
    """Return the chats whose admins publish their archive (/publish on), by id."""
    rows = store.db.query("SELECT * FROM chats WHERE published ORDER BY id")
    return [cast(Chat, as_bools(row, *STORE_FLAGS)) for row in rows]


def site_dates(store: Store, chat_id: int) -> list[str]:
    """Return the chat's local dates that had a passage sent or a curiosity, oldest first."""
    rows = store.db.query(
        """SELECT local_date FROM posts
            WHERE chat_id = :chat AND kind = 'passage' AND status = 'sent'
        UNION
        SELECT local_date FROM curiosities c
            WHERE chat_id = :chat
            AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id AND u.opted_out)
        ORDER BY local_date""",
        {"chat": chat_id},
    )
    return [str(row["local_date"]) for row in rows]


def site_day(store: Store, chat_id: int, local_date: str) -> SiteDay:
    """Return a day's sent passage post, and its thread messages and curiosities of people who
    have not opted out."""
    post = store.get_post(chat_id, local_date, "passage")
    if post is not None and post["status"] != "sent":
        post = None
    messages: list[Message] = []
    if post is not None and post["message_id"] is not None:
        messages = store.thread_messages(chat_id, post["message_id"])
    curiosities = store.curiosities_between(chat_id, local_date, local_date)
    root = post["message_id"] if post is not None else None
    voices = day_voices(store, chat_id, local_date, root) if root is not None else None
    return SiteDay(
        local_date,
        post,
        tuple(m for m in messages if not m["opted_out"]),
        tuple(c for c in curiosities if not c["opted_out"]),
        reactions=voices.reactions if voices else {},
        passage_reactions=voices.passage_reactions if voices else (),
        poll=voices.poll if voices else None,
    )


def sent_digests(store: Store, chat_id: int) -> list[SentDigest]:
    """Return the chat's evening and weekly digests that went out, oldest first."""
    rows = store.db.query(
        """SELECT local_date, kind, sent_at FROM posts
        WHERE chat_id = ? AND kind IN ('digest', 'weekly') AND status = 'sent'
            AND sent_at IS NOT NULL
        ORDER BY local_date, kind""",
        (chat_id,),
    )
    return [cast(SentDigest, row) for row in rows]


def last_passage_sent(store: Store, chat_id: int) -> Post | None:
    """Return the chat's latest passage post that went out, or None if none has."""
    row = next(
        store.db.query(
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND kind = 'passage' "
            "AND status = 'sent' ORDER BY local_date DESC LIMIT 1",
            (chat_id,),
        ),
        None,
    )
    return None if row is None else cast(Post, row)
