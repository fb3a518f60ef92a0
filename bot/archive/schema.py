"""The archive's schema, as an append-only list of sqlite-utils migrations applied at open.

Never edit a migration that has shipped: an archive made by an older version runs only the steps
it has not seen, so a change to an old step would never reach it. Add a new step instead.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("commons")


@MIGRATIONS()
def m001_core(db: Database) -> None:
    """Chats, the exactly-once posts, thread messages, users and curiosities."""
    db.executescript(
        """
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            title TEXT,
            username TEXT,
            is_forum INTEGER NOT NULL DEFAULT 0,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            post_time TEXT NOT NULL DEFAULT '09:00',
            digest_time TEXT NOT NULL DEFAULT '21:00',
            weekly_day INTEGER NOT NULL DEFAULT 6,
            weekly_time TEXT NOT NULL DEFAULT '18:00',
            topic_thread_id INTEGER,
            paused INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            corpus_position INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            local_date TEXT NOT NULL,
            kind TEXT NOT NULL,
            passage_id TEXT,
            message_id INTEGER,
            thread_id INTEGER,
            status TEXT NOT NULL DEFAULT 'claimed',
            claimed_at INTEGER NOT NULL,
            sent_at INTEGER,
            error TEXT,
            UNIQUE (chat_id, local_date, kind)
        );
        CREATE INDEX posts_by_message ON posts (chat_id, message_id);
        CREATE INDEX posts_by_kind ON posts (chat_id, kind, local_date);
        CREATE INDEX posts_by_topic ON posts (chat_id, thread_id, local_date);
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            first_name TEXT NOT NULL DEFAULT '',
            username TEXT,
            opted_out INTEGER NOT NULL DEFAULT 0,
            forgotten INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            message_id INTEGER NOT NULL,
            root_message_id INTEGER NOT NULL,
            reply_to_message_id INTEGER,
            user_id INTEGER REFERENCES users(id),
            kind TEXT NOT NULL DEFAULT 'text',
            text TEXT NOT NULL DEFAULT '',
            date INTEGER NOT NULL,
            edited_at INTEGER,
            UNIQUE (chat_id, message_id)
        );
        CREATE INDEX messages_by_thread ON messages (chat_id, root_message_id, date, message_id);
        CREATE INDEX messages_by_user ON messages (user_id);
        CREATE INDEX messages_by_date ON messages (date);
        CREATE TABLE curiosities (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            user_id INTEGER REFERENCES users(id),
            local_date TEXT NOT NULL,
            text TEXT NOT NULL,
            message_id INTEGER,
            created_at INTEGER NOT NULL,
            UNIQUE (chat_id, message_id)
        );
        CREATE INDEX curiosities_by_day ON curiosities (chat_id, local_date, created_at);
        CREATE INDEX curiosities_by_user ON curiosities (user_id);
        CREATE INDEX curiosities_by_date ON curiosities (created_at);
        """
    )


@MIGRATIONS()
def m002_sender_chats(db: Database) -> None:
    """Channels and anonymous admins speak as chats; chats choose what a quiet day sends."""
    db.executescript(
        """
        CREATE TABLE sender_chats (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT ''
        );
        ALTER TABLE messages ADD COLUMN sender_chat_id INTEGER REFERENCES sender_chats(id);
        CREATE INDEX messages_by_sender_chat ON messages (sender_chat_id);
        ALTER TABLE chats ADD COLUMN quiet_day TEXT NOT NULL DEFAULT 'line';
        """
    )


# External-content FTS5 tables: the text lives once, in its table; the index follows it through
# triggers. The chat id is indexed too, so a search intersects the words with one chat's rows
# inside the index instead of matching every chat and filtering afterwards. Triggers fire only
# when text or chat changes.
SEARCHED_TABLES = ("messages", "curiosities")
FTS_SQL = """
CREATE VIRTUAL TABLE {table}_fts USING fts5 (
    text, chat_id, content='{table}', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO {table}_fts (rowid, text, chat_id) SELECT id, text, chat_id FROM {table};
CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN
    INSERT INTO {table}_fts (rowid, text, chat_id) VALUES (new.id, new.text, new.chat_id);
END;
CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN
    INSERT INTO {table}_fts ({table}_fts, rowid, text, chat_id)
    VALUES ('delete', old.id, old.text, old.chat_id);
END;
CREATE TRIGGER {table}_au AFTER UPDATE OF text, chat_id ON {table} BEGIN
    INSERT INTO {table}_fts ({table}_fts, rowid, text, chat_id)
    VALUES ('delete', old.id, old.text, old.chat_id);
    INSERT INTO {table}_fts (rowid, text, chat_id) VALUES (new.id, new.text, new.chat_id);
END;
"""


@MIGRATIONS()
def m003_search(db: Database) -> None:
    """Full-text search over messages and curiosities, indexing the rows already stored."""
    for table in ("messages", "curiosities"):
        db.executescript(FTS_SQL.format(table=table))


# Version 2 of search: the index holds each chat as a token no other chat can share: "c" and
# the id with its minus sign spelt "n" (the tokenizer drops a bare minus, so a group -1001 and
# a person 1001 would share "1001"). The index reads through a view that spells the token, so
# a 'rebuild' of the index gives the same tokens the triggers write.
CHAT_TOKEN = "'c' || replace(CAST({row}.chat_id AS TEXT), '-', 'n')"
SEARCH_SQL_V2 = f"""
DROP TRIGGER {{table}}_ai;
DROP TRIGGER {{table}}_ad;
DROP TRIGGER {{table}}_au;
DROP TABLE {{table}}_fts;
CREATE VIEW {{table}}_search AS
    SELECT id, text, {CHAT_TOKEN.format(row="{table}")} AS chat_id FROM {{table}};
CREATE VIRTUAL TABLE {{table}}_fts USING fts5 (
    text, chat_id, content='{{table}}_search', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO {{table}}_fts ({{table}}_fts) VALUES ('rebuild');
CREATE TRIGGER {{table}}_ai AFTER INSERT ON {{table}} BEGIN
    INSERT INTO {{table}}_fts (rowid, text, chat_id)
    VALUES (new.id, new.text, {CHAT_TOKEN.format(row="new")});
END;
CREATE TRIGGER {{table}}_ad AFTER DELETE ON {{table}} BEGIN
    INSERT INTO {{table}}_fts ({{table}}_fts, rowid, text, chat_id)
    VALUES ('delete', old.id, old.text, {CHAT_TOKEN.format(row="old")});
END;
CREATE TRIGGER {{table}}_au AFTER UPDATE OF text, chat_id ON {{table}} BEGIN
    INSERT INTO {{table}}_fts ({{table}}_fts, rowid, text, chat_id)
    VALUES ('delete', old.id, old.text, {CHAT_TOKEN.format(row="old")});
    INSERT INTO {{table}}_fts (rowid, text, chat_id)
    VALUES (new.id, new.text, {CHAT_TOKEN.format(row="new")});
END;
"""


@MIGRATIONS()
def m004_search_chat_token(db: Database) -> None:
    """Search indexes each chat by a token that no other chat can share."""
    for table in ("messages", "curiosities"):
        db.executescript(SEARCH_SQL_V2.format(table=table))


@MIGRATIONS()
def m005_personal_digests(db: Database) -> None:
    """People who asked for a group's evening digest in private, at their own time and zone.

    Their daily claims are ordinary posts of kind 'personal' under their private chat.
    """
    db.executescript(
        """
        CREATE TABLE personal_digests (
            user_id INTEGER PRIMARY KEY,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            digest_time TEXT NOT NULL DEFAULT '21:00',
            since INTEGER NOT NULL,
            refused_at INTEGER
        );
        CREATE TABLE personal_digest_chats (
            user_id INTEGER NOT NULL
                REFERENCES personal_digests(user_id) ON DELETE CASCADE,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            PRIMARY KEY (user_id, chat_id)
        );
        CREATE INDEX personal_digest_chats_by_chat ON personal_digest_chats (chat_id);
        """
    )


@MIGRATIONS()
def m006_inbox_and_copies(db: Database) -> None:
    """The inbox of raw updates, and every message id a passage went out as."""
    db.executescript(
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            payload TEXT,
            received_at INTEGER NOT NULL,
            handled_at INTEGER
        );
        CREATE INDEX inbox_by_handled ON inbox (handled_at);
        CREATE TABLE post_messages (
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            message_id INTEGER NOT NULL,
            root_message_id INTEGER NOT NULL,
            how TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        INSERT OR IGNORE INTO post_messages (chat_id, message_id, root_message_id, how)
        SELECT chat_id, message_id, message_id, 'post' FROM posts
        WHERE kind = 'passage' AND message_id IS NOT NULL;
        """
    )


@MIGRATIONS()
def m007_chat_language(db: Database) -> None:
    """The language the bot speaks in a chat; NULL until someone's Telegram language sets it.

    The chats already here have always been spoken to in English, and stay so.
    """
    db.execute("ALTER TABLE chats ADD COLUMN language TEXT")
    db.execute("UPDATE chats SET language = 'en'")


@MIGRATIONS()
def m008_archive_owner(db: Database) -> None:
    """Which bot the archive belongs to, so no other bot (nor the sandbox) runs on it.

    Written at the first start after this version; an archive from before says nothing yet.
    """
    db.execute("CREATE TABLE archive_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@MIGRATIONS()
def m009_private_chats(db: Database) -> None:
    """A private chat is its person's own: the passage only if they ask, and one hello.

    ``passages`` says whether a chat gets the morning passage and its digests (every group
    does); ``greeted_at`` is when the bot first said hello in a private chat. A private chat
    already here was greeted, and a quiet day there sends nothing from now on; it keeps its
    passages only if its person ever answered one.
    """
    db.execute("ALTER TABLE chats ADD COLUMN passages INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE chats ADD COLUMN greeted_at INTEGER")
    db.execute(
        """UPDATE chats SET greeted_at = created_at, quiet_day = 'silent',
            passages = EXISTS (SELECT 1 FROM messages WHERE messages.chat_id = chats.id)
        WHERE type = 'private'"""
    )


@MIGRATIONS()
def m010_reactions_and_polls(db: Database) -> None:
    """Voices without words: each person's reactions, the anonymous totals, and the day's poll.

    A reaction is kept only on a passage's copy or a stored message of a thread; its root says
    which day's thread it belongs to. ``reaction_counts`` holds the anonymous totals Telegram
    sends per message. ``polls`` is the day's "where do you stand" poll: 'due' once its passage
    is recorded, 'sending' while Telegram has it, 'open' with its id, 'closed' by the digest,
    or 'lost' if a crash left it unsure whether it went out (never sent twice).
    """
    db.executescript(
        """
        CREATE TABLE reactions (
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            message_id INTEGER NOT NULL,
            root_message_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            reaction TEXT NOT NULL,
            date INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id, user_id, reaction)
        );
        CREATE INDEX reactions_by_root ON reactions (chat_id, root_message_id);
        CREATE INDEX reactions_by_user ON reactions (user_id);
        CREATE TABLE reaction_counts (
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            message_id INTEGER NOT NULL,
            root_message_id INTEGER NOT NULL,
            reaction TEXT NOT NULL,
            total INTEGER NOT NULL,
            date INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id, reaction)
        );
        CREATE INDEX reaction_counts_by_root ON reaction_counts (chat_id, root_message_id);
        CREATE TABLE polls (
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            local_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'due',
            poll_id TEXT,
            message_id INTEGER,
            totals TEXT NOT NULL DEFAULT '[]',
            changed_at INTEGER NOT NULL,
            PRIMARY KEY (chat_id, local_date)
        );
        CREATE UNIQUE INDEX polls_by_id ON polls (poll_id);
        ALTER TABLE chats ADD COLUMN poll INTEGER NOT NULL DEFAULT 0;
        """
    )


@MIGRATIONS()
def m011_suggestions(db: Database) -> None:
    """Passages members suggest, numbered in each chat, and the dates a chat skips.

    ``status`` is pending, approved, declined or posted; ``turn`` orders the approved ones
    (approved first, posted first); ``prompt_message_id`` is the bot's question asking an
    admin why one was declined.
    """
    db.executescript(
        """
        CREATE TABLE suggestions (
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            number INTEGER NOT NULL,
            user_id INTEGER,
            author TEXT NOT NULL DEFAULT '',
            passage TEXT NOT NULL,
            counterpoint TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending',
            close_to TEXT,
            reason TEXT,
            created_at INTEGER NOT NULL,
            decided_at INTEGER,
            decided_by INTEGER,
            turn INTEGER,
            posted_on TEXT,
            prompt_message_id INTEGER,
            PRIMARY KEY (chat_id, number)
        );
        CREATE INDEX suggestions_by_status ON suggestions (chat_id, status, turn);
        CREATE INDEX suggestions_by_prompt ON suggestions (chat_id, prompt_message_id);
        CREATE TABLE skipped_dates (
            chat_id INTEGER NOT NULL REFERENCES chats(id),
            local_date TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (chat_id, local_date)
        );
        """
    )


@MIGRATIONS()
def m012_published_site(db: Database) -> None:
    """Whether a chat's admins publish its archive as a site: off until /publish on."""
    db.execute("ALTER TABLE chats ADD COLUMN published INTEGER NOT NULL DEFAULT 0")


# Version 3 of search: the index is written beside the writer, a batch at a time, not in the
# member's write. A stored row only queues its id (``{table}_unindexed``); the writer's index
# step (``Store.index_pending``) moves a batch of queued rows into the index and takes them off
# the queue in one transaction, so a crash between the two leaves each row queued or indexed,
# never both or neither. A row still queued has nothing in the index: deleting or editing it
# takes nothing out. FTS5 merges its segments only when the index step asks ('merge' with a
# bounded number of pages): 'automerge' 0 turns off the merge FTS5 would do inside any write,
# and a high 'crisismerge' keeps its all-at-once merge for an index left far behind. The index
# as it was stays valid: only the triggers change.
SEARCH_SQL_V3 = f"""
CREATE TABLE {{table}}_unindexed (id INTEGER PRIMARY KEY);
DROP TRIGGER {{table}}_ai;
DROP TRIGGER {{table}}_ad;
DROP TRIGGER {{table}}_au;
CREATE TRIGGER {{table}}_ai AFTER INSERT ON {{table}} BEGIN
    INSERT INTO {{table}}_unindexed (id) VALUES (new.id);
END;
CREATE TRIGGER {{table}}_ad AFTER DELETE ON {{table}} BEGIN
    INSERT INTO {{table}}_fts ({{table}}_fts, rowid, text, chat_id)
    SELECT 'delete', old.id, old.text, {CHAT_TOKEN.format(row="old")}
    WHERE NOT EXISTS (SELECT 1 FROM {{table}}_unindexed WHERE id = old.id);
    DELETE FROM {{table}}_unindexed WHERE id = old.id;
END;
CREATE TRIGGER {{table}}_au AFTER UPDATE OF text, chat_id ON {{table}} BEGIN
    INSERT INTO {{table}}_fts ({{table}}_fts, rowid, text, chat_id)
    SELECT 'delete', old.id, old.text, {CHAT_TOKEN.format(row="old")}
    WHERE NOT EXISTS (SELECT 1 FROM {{table}}_unindexed WHERE id = old.id);
    INSERT OR IGNORE INTO {{table}}_unindexed (id) VALUES (new.id);
END;
INSERT INTO {{table}}_fts ({{table}}_fts, rank) VALUES ('automerge', 0);
INSERT INTO {{table}}_fts ({{table}}_fts, rank) VALUES ('crisismerge', 64);
"""


@MIGRATIONS()
def m013_search_beside_the_writer(db: Database) -> None:
    """The search index is written in batches beside the writer, not in a member's write."""
    for table in SEARCHED_TABLES:
        db.executescript(SEARCH_SQL_V3.format(table=table))


@MIGRATIONS()
def m014_kept_words(db: Database) -> None:
    """Each message keeps its words beside it, read once when it is stored (or again after the
    way words are read changes: ``Store.read_words_again``), so that no digest reads them anew.

    NULL is a message whose words are not read yet: the writer reads them a batch at a time
    (``Store.read_missing_words``), and a digest reads such a message's text itself.
    """
    db.execute("ALTER TABLE messages ADD COLUMN words TEXT")
    db.execute("CREATE INDEX messages_unread ON messages (id) WHERE words IS NULL")


SCHEMA_VERSION = 14
FTS_TABLES = tuple(f"{table}_fts" for table in SEARCHED_TABLES)


def apply_migrations(db: Database) -> None:
    """Bring the schema up to date; a no-op when nothing is pending."""
    if not MIGRATIONS.pending(db):
        return
    with db.atomic():
        # Writing the version first takes the write lock, so two processes opening one new
        # file at once wait for each other instead of both creating the same tables; the
        # header field also tells any sqlite tool which schema the file holds.
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        MIGRATIONS.apply(db)
