"""Reply forests: the stored messages under one post, arranged as the conversation went.

Pure: rows in, trees out. A reply whose parent was never stored (privacy mode hides replies to
replies; a forgotten person's messages are deleted) is kept, under the nearest ancestor that is
known, which, without its parent's row, is the post at the root.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter, methodcaller
from typing import Any

Row = Mapping[str, Any]  # a stored message: message_id, reply_to_message_id, date...


@dataclass
class ThreadNode:
    """One message and the replies to it, in order."""

    message: Row
    children: list[ThreadNode] = field(default_factory=list)


_order = itemgetter("date", "message_id")  # how a thread reads: by date, then message_id
_REPLYING_TO = methodcaller("get", "reply_to_message_id")


def _by_id(messages: Iterable[Row]) -> dict[int, Row]:
    """Return the messages by id (the first of a repeated id), in reading order."""
    first: dict[int, Row] = {}
    for message in messages:
        first.setdefault(message["message_id"], message)
    return {message["message_id"]: message for message in sorted(first.values(), key=_order)}


def _parents(messages: dict[int, Row], root_message_id: int) -> dict[int, int | None]:
    """Map each message id to its parent's id, or None for a top-level reply.

    messages are by id in reading order (as _by_id returns them).
    """
    parents: dict[int, int | None] = {}
    later = False  # whether some message replies to one after it (bad data, or a clock's skew)
    for message_id, message in messages.items():
        parent = message.get("reply_to_message_id")
        if parent in messages and parent != message_id and parent != root_message_id:
            later = later or parent not in parents  # parents holds the messages before it
            parents[message_id] = parent
        else:
            parents[message_id] = None
    if not later:
        return parents  # each message replies to an earlier one: no loop can be among them
    # Bad data could make a loop (a replying to b replying to a). Cut it at its earliest
    # message, which cannot really reply to a later one, so every message still hangs from
    # the root and none is lost.
    rooted: set[int] = set()  # known to lead up to the root: no need to walk them again
    for start in parents:
        path = {start}
        current = parents[start]
        while current is not None and current not in rooted and current not in path:
            path.add(current)
            current = parents[current]
        if current == start:
            parents[start] = None
        if current is None or current in rooted or current == start:
            rooted.update(path)
    return parents


def build_threads(messages: Iterable[Row], root_message_id: int) -> list[ThreadNode]:
    """Return the forest of replies under the root, each level ordered by (date, message_id)."""
    by_id = _by_id(messages)
    parents = _parents(by_id, root_message_id)
    nodes = {message_id: ThreadNode(message) for message_id, message in by_id.items()}
    forest: list[ThreadNode] = []
    for message_id, node in nodes.items():
        parent = parents[message_id]
        (forest if parent is None else nodes[parent].children).append(node)
    return forest


def threads_in_order(messages: Iterable[Row], root_message_id: int) -> list[list[tuple[Row, int]]]:
    """Return each thread under the root as its messages and their depths, in reading order.

    The same as walking each tree build_threads returns, without making the trees: a digest
    needs this for every message of a busy day.
    """
    by_id = _by_id(messages)
    parents = _parents(by_id, root_message_id)
    replies: dict[int | None, list[Row]] = {}  # None: the top-level replies
    for message_id, message in by_id.items():
        replies.setdefault(parents[message_id], []).append(message)
    return [_read_down(opening, replies) for opening in replies.get(None, [])]


def _read_down(opening: Row, replies: Mapping[int | None, list[Row]]) -> list[tuple[Row, int]]:
    """Return a message and every reply under it, depth-first, with depths from 0."""
    if opening["message_id"] not in replies:
        return [(opening, 0)]  # a thread of one message, as most are
    thread = []
    stack = [(opening, 0)]  # a stack, not recursion, as in walk
    while stack:
        message, depth = stack.pop()
        thread.append((message, depth))
        below = replies.get(message["message_id"])
        if below:  # most messages have no reply
            stack.extend([(reply, depth + 1) for reply in reversed(below)])
    return thread


def walk(forest: Iterable[ThreadNode]) -> Iterator[tuple[ThreadNode, int]]:
    """Yield every node depth-first in reading order, with its depth (0 for a direct reply)."""
    # A stack, not recursion: a chain of replies to replies can be deeper than Python recurses.
    stack = [(node, 0) for node in reversed(list(forest))]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in reversed(node.children))


def hanging_from(messages: Collection[Row], anchors: Collection[int]) -> dict[int, list[Row]]:
    """Return, per anchor id, the messages answering it directly or through other replies.

    An anchor is a message that is not itself a thread message, such as a member's curiosity:
    its answers belong under it rather than at the top of the thread.
    """
    if _unanswered(messages, anchors):
        return {}  # nothing answers an anchor directly, so nothing does through other replies
    by_id = {message["message_id"]: message for message in messages}
    found: dict[int, list[Row]] = {}
    reached: dict[int, int | None] = {}  # an id -> the anchor up from it
    for message in sorted(by_id.values(), key=_order):
        anchor = _anchor_up_from(message.get("reply_to_message_id"), by_id, anchors, reached)
        if anchor is not None:
            found.setdefault(anchor, []).append(message)
    return found


def _unanswered(messages: Iterable[Row], anchors: Collection[int]) -> bool:
    """Return whether no message replies to an anchor directly (a set operation in C)."""
    return frozenset(anchors).isdisjoint(map(_REPLYING_TO, messages))


def _anchor_up_from(
    start: int | None,
    by_id: Mapping[int, Row],
    anchors: Collection[int],
    reached: dict[int, int | None],
) -> int | None:
    """Return the first anchor on the way up the replies from the message start, or None.

    What each id on the way reaches is kept in reached, so a long chain of replies is walked
    once, not once per message in it. A loop with no anchor in it reaches none.
    """
    path: dict[int, None] = {}
    current = start
    while current is not None and current not in reached:
        if current in anchors:
            reached[current] = int(current)
            break
        if current in path:  # round a loop
            reached[current] = None
            break
        path[current] = None
        parent = by_id.get(current)
        current = parent.get("reply_to_message_id") if parent is not None else None
    anchor = None if current is None else reached[current]
    reached.update(dict.fromkeys(path, anchor))
    return anchor
