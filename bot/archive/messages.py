"""The archive's reply threads: messages under each passage post, their edits, and search.

``keep_messages`` is the one place a message enters a thread (``bot.archive.replies`` finds
the thread first); nothing is kept from a person who opted out or was forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import cast

from bot.archive.base import AUTHOR, MESSAGE_SELECT, THREAD_SELECT, Row, as_authored
from bot.archive.people import PeopleMixin
from bot.archive.rows import Hit, Message
from bot.archive.schema import FTS_TABLES, SEARCHED_TABLES
from bot.core.updates import Author, Incoming
from bot.words.tokens import WORDS_VERSION, kept_words

MAX_SEARCH_TERMS = 16
MAX_SEARCH_RESULTS = 100
# One index step takes at most this many queued rows a table (a millisecond or two of work)...
INDEX_BATCH = 200
# ...and one merge step this many index pages (a few milliseconds): each is a writer call of
# its own, so a reply arriving meanwhile waits for at most one of them.
MERGE_PAGES = 4
LAST_ROWID = 2**63 - 1

# ...and a step that reads stored messages' missing words this many messages.
WORDS_BATCH = 200

MESSAGE_FIELDS = (
    "chat_id, message_id, root_message_id, reply_to_message_id, user_id, sender_chat_id, kind, "
    "text, date, words"
)
MESSAGE_VALUES = ", ".join(f":{name}" for name in MESSAGE_FIELDS.split(", "))
INSERT_INCOMING = f"INSERT INTO temp.incoming VALUES ({MESSAGE_VALUES})"
# The only statement that adds a message to a thread.
STORE_INCOMING = f"""
INSERT OR IGNORE INTO messages ({MESSAGE_FIELDS})
SELECT {MESSAGE_FIELDS} FROM temp.incoming ORDER BY rowid
"""
# thread_root of many messages of a chat (a JSON list of ids), in the order thread_root looks.
# From the wanted ids into each table (CROSS JOIN keeps that order), so that each is found by
# its unique index: "message_id IN (...)" let SQLite walk the chat's whole thread index
# instead, a few milliseconds on a large chat for every batch of replies.
THREAD_ROOTS = """
SELECT m.message_id, m.root_message_id, 1 AS place
FROM json_each(:ids) AS wanted CROSS JOIN messages AS m
WHERE m.chat_id = :chat AND m.message_id = wanted.value
UNION ALL
SELECT p.message_id, p.root_message_id, 2
FROM json_each(:ids) AS wanted CROSS JOIN post_messages AS p
WHERE p.chat_id = :chat AND p.message_id = wanted.value
UNION ALL
SELECT s.message_id, s.message_id, 3
FROM json_each(:ids) AS wanted CROSS JOIN posts AS s
WHERE s.chat_id = :chat AND s.message_id = wanted.value AND s.kind = 'passage'
ORDER BY place
"""
# Newest first by rowid, which is arrival order: FTS5 walks its index backwards and stops at
# the limit, where ORDER BY date would fetch and sort every match in the chat.
SEARCH_MESSAGES = f"""
SELECT 'message' AS kind, m.chat_id, m.message_id, {AUTHOR} AS author,
    COALESCE(u.opted_out, 0) AS opted_out, m.text, m.date, NULL AS local_date
FROM messages_fts f
JOIN messages m ON m.id = f.rowid
LEFT JOIN users u ON u.id = m.user_id
LEFT JOIN sender_chats s ON s.id = m.sender_chat_id
WHERE messages_fts MATCH :match AND m.chat_id = :chat_id
ORDER BY f.rowid DESC LIMIT :limit
"""
SEARCH_CURIOSITIES = """
SELECT 'curiosity' AS kind, c.chat_id, c.message_id, COALESCE(u.first_name, '') AS author,
    COALESCE(u.opted_out, 0) AS opted_out, c.text, c.created_at AS date, c.local_date
FROM curiosities_fts f
JOIN curiosities c ON c.id = f.rowid
LEFT JOIN users u ON u.id = c.user_id
WHERE curiosities_fts MATCH :match AND c.chat_id = :chat_id
ORDER BY f.rowid DESC LIMIT :limit
"""


def chat_token(chat_id: int) -> str:
    """Return the search index's token for a chat: 'cn1001' for -1001, 'c1001' for 1001."""
    return "c" + str(chat_id).replace("-", "n")


def fts_query(text: str, chat_id: int | None = None) -> str | None:
    """Return an FTS5 expression matching every word of ``text`` literally, or None if none.

    With ``chat_id``, the expression also asks for that chat's token, which the index holds.
    """
    words = [w for w in text.replace("\x00", " ").split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    # Each word becomes a quoted phrase, so FTS5 operators (AND, NEAR, *, -, ^, :) in user
    # input are searched for as text instead of being obeyed.
    phrases = " ".join('"' + w.replace('"', '""') + '"' for w in words[:MAX_SEARCH_TERMS])
    if chat_id is None:
        return phrases
    # The index spells each chat as a token of its own (see archive/schema.py); the query's
    # chat_id condition keeps chats apart too.
    return f'chat_id : "{chat_token(chat_id)}" AND text : ({phrases})'


class MessagesMixin(PeopleMixin):
    """Thread replies: storing, editing, walking a thread, and full-text search."""

    @staticmethod
    def _message_params(message: Incoming) -> Row:
        text = message.get("text") or ""
        return {
            "chat_id": message["chat_id"],
            "message_id": message["message_id"],
            "root_message_id": message["root_message_id"],
            "reply_to_message_id": message.get("reply_to_message_id"),
            "user_id": message.get("user_id"),
            "sender_chat_id": message.get("sender_chat_id"),
            "kind": message.get("kind") or "text",
            "text": text,
            "date": message["date"],
            "words": kept_words(text),
        }

    def keep_messages(self, messages: Iterable[Incoming], authors: Sequence[Author] = ()) -> int:
        """Store messages already placed in their threads, with their authors' current names,
        in one transaction; return how many are new. Nothing of a silenced author is kept.

        Every road into a thread ends here (``bot.archive.replies``).
        """
        rows = [self._message_params(m) for m in messages]
        with self.transaction():
            silenced = self.silenced_among(row["user_id"] for row in rows)
            self.remember_authors(authors)
            rows = [row for row in rows if row["user_id"] not in silenced]
            # sqlite-utils has no executemany; the raw connection runs inside its transaction.
            users = {(r["user_id"],) for r in rows if r["user_id"] is not None}
            senders = {(r["sender_chat_id"],) for r in rows if r["sender_chat_id"] is not None}
            self.db.conn.executemany("INSERT OR IGNORE INTO users (id) VALUES (?)", users)
            self.db.conn.executemany("INSERT OR IGNORE INTO sender_chats (id) VALUES (?)", senders)
            # Made once per connection and emptied after use: creating and dropping it each
            # time would change the schema, and every prepared statement would be prepared anew.
            self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS incoming ({MESSAGE_FIELDS})")
            self.db.conn.executemany(INSERT_INCOMING, rows)
            # One statement moves them all: FTS5 writes its buffered index at the end of every
            # statement, so row-by-row inserts would make a tiny index segment per message.
            stored = self.db.execute(STORE_INCOMING).rowcount
            self.db.execute("DELETE FROM temp.incoming")
        return stored

    def edit_message(self, chat_id: int, message_id: int, *, text: str, edited_at: int) -> bool:
        """Replace a stored message's text; True if a row changed (older edits are ignored)."""
        cursor = self.db.execute(
            """UPDATE messages SET text = :text, edited_at = :edited_at, words = :words
            WHERE chat_id = :chat_id AND message_id = :message_id
                AND (edited_at IS NULL OR edited_at < :edited_at
                    OR (edited_at = :edited_at AND text != :text))""",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "edited_at": edited_at,
                "words": kept_words(text),
            },
        )
        return cursor.rowcount == 1

    def get_message(self, chat_id: int, message_id: int) -> Message | None:
        """Return a stored message with its author's name, or None."""
        row = self._one(
            f"{MESSAGE_SELECT} WHERE m.chat_id = ? AND m.message_id = ?", (chat_id, message_id)
        )
        return cast(Message, as_authored(row)) if row else None

    def thread_roots(self, messages: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
        """Return thread_root of each (chat_id, message_id) that has one, in one query a chat
        (a batch of replies asks for its parents' at once)."""
        by_chat: dict[int, list[int]] = {}
        for chat_id, message_id in messages:
            by_chat.setdefault(chat_id, []).append(message_id)
        found: dict[tuple[int, int], int] = {}
        for chat_id, ids in by_chat.items():
            rows = self.db.conn.execute(THREAD_ROOTS, {"chat": chat_id, "ids": json.dumps(ids)})
            for message_id, root, _ in rows:  # as thread_root: a message first, a post last
                found.setdefault((chat_id, message_id), root)
        return found

    def thread_root(self, chat_id: int, message_id: int) -> int | None:
        """Return the root of the thread holding that message (a passage post: itself), or None."""
        row = self._one(
            """SELECT root_message_id AS root FROM messages
            WHERE chat_id = :chat AND message_id = :id
            UNION ALL
            SELECT root_message_id FROM post_messages WHERE chat_id = :chat AND message_id = :id
            UNION ALL
            SELECT message_id FROM posts
            WHERE chat_id = :chat AND message_id = :id AND kind = 'passage'
            LIMIT 1""",
            {"chat": chat_id, "id": message_id},
        )
        return None if row is None else int(row["root"])

    def message_holding(self, chat_id: int, text: str) -> Message | None:
        """Return the chat's newest stored message whose text contains ``text``, or None."""
        row = self._one(
            f"{MESSAGE_SELECT} WHERE m.chat_id = ? AND instr(m.text, ?) > 0 "
            "ORDER BY m.id DESC LIMIT 1",
            (chat_id, text),
        )
        return cast(Message, as_authored(row)) if row else None

    def thread_messages(self, chat_id: int, root_message_id: int) -> list[Message]:
        """Return every stored message under that root, by (date, message_id), each with its
        kept words (None if not read yet)."""
        rows = self.db.query(
            f"{THREAD_SELECT} WHERE m.chat_id = ? AND m.root_message_id = ? "
            "ORDER BY m.date, m.message_id",
            (chat_id, root_message_id),
        )
        return [cast(Message, as_authored(row)) for row in rows]

    def thread_of(self, chat_id: int, message_id: int) -> list[Message]:
        """Return the whole thread holding that message or post, or [] if it is in none."""
        root = self.thread_root(chat_id, message_id)
        return [] if root is None else self.thread_messages(chat_id, root)

    # words

    def read_words_again(self) -> bool:
        """Forget every message's kept words if another way of reading words kept them; True
        if so. The index steps read them again (``read_missing_words``)."""
        version = self._one("SELECT value FROM archive_info WHERE key = 'words_version'")
        if version is not None and version["value"] == str(WORDS_VERSION):
            return False
        with self.db.atomic():
            self.db.execute("UPDATE messages SET words = NULL WHERE words IS NOT NULL")
            self.db.execute(
                "INSERT OR REPLACE INTO archive_info (key, value) VALUES ('words_version', ?)",
                (str(WORDS_VERSION),),
            )
        return True

    def read_missing_words(self, limit: int = WORDS_BATCH) -> bool:
        """Keep the words of up to ``limit`` messages that have none kept; return whether
        more may wait (a whole batch was read). Counting what is left would cost a step as long
        as the messages left."""
        unread = self.db.execute(
            "SELECT id, text FROM messages WHERE words IS NULL ORDER BY id LIMIT ?", (limit,)
        ).fetchall()
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE messages SET words = ? WHERE id = ?",
                [(kept_words(text), message) for message, text in unread],
            )
        return len(unread) == limit

    # search

    def index_pending(self, limit: int = INDEX_BATCH) -> int:
        """Move up to ``limit`` queued rows of each searched table into the search index; return
        how many rows still wait.

        The rows and their place in the queue change in one transaction: a crash leaves each
        row indexed or still queued (archive/schema.py, search version 3).
        """
        waiting = 0
        with self.db.atomic():
            for table in SEARCHED_TABLES:
                waiting += self._index_some(table, limit)
        return waiting

    def _index_some(self, table: str, limit: int) -> int:
        # CROSS JOIN keeps the queue as the outer loop: otherwise SQLite may walk every
        # stored row below the batch's last id and look each up in the queue.
        last = self._one(
            f"SELECT id FROM {table}_unindexed ORDER BY id LIMIT 1 OFFSET ?", (limit - 1,)
        )
        upto = (last["id"] if last else LAST_ROWID,)
        indexed = self.db.execute(
            f"""INSERT INTO {table}_fts (rowid, text, chat_id)
            SELECT s.id, s.text, s.chat_id FROM {table}_unindexed q
            CROSS JOIN {table}_search s ON s.id = q.id WHERE q.id <= ?""",
            upto,
        ).rowcount
        if not indexed:
            return 0
        self.db.execute(f"DELETE FROM {table}_unindexed WHERE id <= ?", upto)
        return self.waiting_for_index(table) if last else 0

    def merge_search_index(self, pages: int = MERGE_PAGES) -> bool:
        """Merge up to ``pages`` pages of each search index's segments; False if none needed it.

        FTS5 merges only where a level of its tree of segments holds four or more, or a merge is
        under way (archive/schema.py, search version 3): the index steps' small segments are
        merged a few pages at a time, never all at once in somebody's write.
        """
        merged = False
        with self.db.atomic():
            for table in FTS_TABLES:
                before = self.db.conn.total_changes
                merge = f"INSERT INTO {table} ({table}, rank) VALUES ('merge', ?)"
                self.db.execute(merge, (pages,))
                # The command itself counts as one change; the pages it wrote count too.
                merged |= self.db.conn.total_changes - before > 1
        return merged

    def waiting_for_index(self, table: str | None = None) -> int:
        """Return how many stored rows (of one searched table, or of all) are not yet indexed."""
        tables = SEARCHED_TABLES if table is None else (table,)
        return sum(
            int(self.db.execute(f"SELECT count(*) FROM {name}_unindexed").fetchone()[0])
            for name in tables
        )

    def search(self, chat_id: int, query: str, limit: int = 20) -> list[Hit]:
        """Return the chat's indexed messages and curiosities holding every word of query, newest
        first. A row is indexed by the writer's next index step (``index_pending``), within a
        second of being stored; run one first for a search that sees every row stored so far.
        """
        match = fts_query(query, chat_id)
        if match is None or limit <= 0:
            return []
        limit = min(limit, MAX_SEARCH_RESULTS)
        params = {"match": match, "chat_id": chat_id, "limit": limit}
        rows = [
            *self.db.query(SEARCH_MESSAGES, params),
            *self.db.query(SEARCH_CURIOSITIES, params),
        ]
        rows.sort(key=lambda row: (row["date"], row["message_id"] or 0), reverse=True)
        return [cast(Hit, as_authored(row)) for row in rows[:limit]]
