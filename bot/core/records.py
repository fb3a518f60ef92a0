"""The values that pass between the archive, compose and the shell, so each can import them.

The archive hands rows up (``DayInput``, ``Recall``); compose turns them into messages; the
handlers send a ``Delivery``. None of them renders or stores anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.corpus import Entry

Row = Mapping[str, Any]


Totals = tuple[tuple[str, int], ...]  # each reaction and how many gave it, most first


@dataclass(frozen=True)
class DayInput:
    """One day of a chat: its passage and post, and that day's rows.

    ``reactions`` gives each message's reaction totals and ``passage_reactions`` those of the
    passage (all its copies); ``reactors`` are the people who reacted, in the order they first
    did (rows with ``user_id`` and ``author``); ``poll`` is the day's poll's totals, one per
    option, if it had one.
    """

    local_date: date
    entry: Entry | None = None
    post: Row | None = None
    messages: Sequence[Row] = ()
    curiosities: Sequence[Row] = ()
    reactions: Mapping[int, Totals] = field(default_factory=dict)
    passage_reactions: Totals = ()
    reactors: Sequence[Row] = ()
    poll: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Recall:
    """The chat's earlier day on a passage: when, a link to its post, and who spoke then.

    ``names`` holds only people who may be named (not opted out, not forgotten).
    """

    local_date: date
    link: str | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class Delivery:
    """What to send: messages in order, then an optional (filename, bytes) document."""

    messages: tuple[str, ...]
    document: tuple[str, bytes] | None = None
