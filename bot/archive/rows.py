"""The rows the archive hands out, typed: what a chat, a post, a message or a curiosity holds.

TypedDicts rather than dataclasses: a row is still the plain dict sqlite-utils returns (and what
``/export`` serialises), while mypy and the editor see every field the shell reads.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from bot.core.text import PostKind

PostStatus = Literal["claimed", "sent", "failed", "skipped"]


class Chat(TypedDict):
    """A chat the bot was added to, with its admins' settings and its place in the corpus."""

    id: int
    type: str
    title: str | None
    username: str | None
    is_forum: bool
    timezone: str
    post_time: str
    digest_time: str
    weekly_day: int
    weekly_time: str
    topic_thread_id: int | None
    paused: bool
    active: bool
    corpus_position: int
    created_at: int
    quiet_day: str
    language: str | None  # a code of bot.i18n.LANGUAGES; None until first set (English)
    passages: bool  # gets the morning passage (a private chat only if the person asked)
    greeted_at: int | None  # when the one hello of a private chat was said
    poll: bool  # sends "where do you stand today?" with the morning passage
    published: bool  # its admins publish the archive as a site (/publish on)


class ChatIdentity(TypedDict):
    """What Telegram says a chat is, as the shell reads it from an update."""

    type: str
    title: str | None
    username: str | None
    is_forum: bool


class Post(TypedDict):
    """One slot of a chat's calendar: claimed, then sent, failed or skipped."""

    chat_id: int
    local_date: str
    kind: PostKind
    passage_id: str | None
    message_id: int | None
    thread_id: int | None
    status: PostStatus
    claimed_at: int
    sent_at: int | None
    error: str | None


class Message(TypedDict):
    """A stored thread message with its author's display name."""

    chat_id: int
    message_id: int
    root_message_id: int
    reply_to_message_id: int | None
    user_id: int | None
    sender_chat_id: int | None
    author: str
    opted_out: bool
    kind: str
    text: str
    date: int
    edited_at: int | None
    words: NotRequired[str | None]  # its kept words (bot.words.tokens.kept_words), in a thread


class Curiosity(TypedDict):
    """What a member said they wonder about on one local day."""

    id: int
    chat_id: int
    user_id: int | None
    author: str
    opted_out: bool
    local_date: str
    text: str
    message_id: int | None
    created_at: int


class Hit(TypedDict):
    """A search result: a thread message or a curiosity."""

    kind: Literal["message", "curiosity"]
    chat_id: int
    message_id: int | None
    author: str
    opted_out: bool
    text: str
    date: int
    local_date: str | None


class Person(TypedDict):
    """What is kept about a person: a name while they take part, and their privacy choices."""

    id: int
    first_name: str
    username: str | None
    opted_out: bool
    forgotten: bool


class PersonalDigest(TypedDict):
    """A person's own digest: when it comes, and whether Telegram refused to deliver it."""

    user_id: int
    timezone: str
    digest_time: str
    since: int
    refused_at: int | None
    chat_ids: list[int]


Export = dict[str, Any]  # the chat's archive as JSON-ready data
