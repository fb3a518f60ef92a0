"""Voices without words: reactions as Telegram sends them, and their totals on a message.

Telegram reports each person's reactions (``message_reaction``: the whole new list, replacing
the old) and, for anonymous reactions, the totals per message (``message_reaction_count``).
Here they become plain values; the archive keeps them and a digest shows them as ``👍 3 ❤️ 1``.
Pure: JSON in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.updates import Author

Json = Mapping[str, Any]

# A paid reaction is a star; a custom emoji is an image only Telegram can draw, shown as one.
PAID = "⭐"
CUSTOM_PREFIX = "custom:"
CUSTOM_SHOWN_AS = "✨"


@dataclass(frozen=True)
class ReactionChange:
    """A person's reactions to a message, as they are now (an empty list: all withdrawn)."""

    chat_id: int
    message_id: int
    author: Author
    reactions: tuple[str, ...]
    date: int


@dataclass(frozen=True)
class ReactionTotals:
    """The anonymous totals of each reaction on a message."""

    chat_id: int
    message_id: int
    totals: tuple[tuple[str, int], ...]
    date: int


def reaction_key(reaction: Json) -> str:
    """Return how a ReactionType is kept: its emoji, '⭐' if paid, 'custom:<id>' if custom."""
    kind = reaction.get("type")
    if kind == "emoji":
        return str(reaction["emoji"])
    if kind == "custom_emoji":
        return CUSTOM_PREFIX + str(reaction["custom_emoji_id"])
    return PAID


def shown(key: str) -> str:
    """Return a kept reaction as a digest shows it."""
    return CUSTOM_SHOWN_AS if key.startswith(CUSTOM_PREFIX) else key


def reaction_change(update: Json) -> ReactionChange:
    """Read a ``message_reaction`` update: who reacted to which message, and with what now.

    A reaction made as a chat (an anonymous admin, a channel) has no person: its author has
    a sender chat, and the archive keeps nothing of it (its totals still arrive anonymously).
    """
    user, actor = update.get("user"), update.get("actor_chat")
    if user is not None:
        author = Author(user["id"], None, user.get("first_name") or "", user.get("username"))
    else:
        chat = actor or {}
        author = Author(None, chat.get("id"), chat.get("title") or "", chat.get("username"))
    # Kept once each, in the order given: Telegram lists a person's reactions without repeats.
    keys = tuple(dict.fromkeys(reaction_key(r) for r in update.get("new_reaction") or ()))
    return ReactionChange(
        update["chat"]["id"], update["message_id"], author, keys, int(update["date"])
    )


def reaction_totals(update: Json) -> ReactionTotals:
    """Read a ``message_reaction_count`` update: each reaction's anonymous total."""
    totals = tuple(
        (reaction_key(each["type"]), int(each["total_count"])) for each in update["reactions"]
    )
    return ReactionTotals(update["chat"]["id"], update["message_id"], totals, int(update["date"]))


def totals_by_message(
    people: Iterable[Mapping[str, Any]], anonymous: Iterable[Mapping[str, Any]]
) -> dict[int, tuple[tuple[str, int], ...]]:
    """Return each message's reactions with their totals, most given first.

    People's reactions are counted one each; Telegram's anonymous total for a reaction, when
    it sent one, is the whole count and already holds them, so the larger of the two is shown,
    never their sum. Ties keep the order the reactions first came in.
    """
    counted: dict[int, dict[str, int]] = {}
    for row in people:
        per = counted.setdefault(row["message_id"], {})
        per[row["reaction"]] = per.get(row["reaction"], 0) + 1
    for row in anonymous:
        per = counted.setdefault(row["message_id"], {})
        per[row["reaction"]] = max(per.get(row["reaction"], 0), int(row["total"]))
    return {
        message_id: tuple(sorted(per.items(), key=lambda item: -item[1]))
        for message_id, per in counted.items()
        if per
    }


def merged(totals: Iterable[Sequence[tuple[str, int]]]) -> tuple[tuple[str, int], ...]:
    """Return several messages' totals added up (the copies of one passage), most first."""
    added: dict[str, int] = {}
    for each in totals:
        for key, total in each:
            added[key] = added.get(key, 0) + total
    return tuple(sorted(added.items(), key=lambda item: -item[1]))


def summary(totals: Sequence[tuple[str, int]]) -> str:
    """Return '👍 3 ❤️ 1': each reaction as shown, with its total."""
    return " ".join(f"{shown(key)} {total}" for key, total in totals)
