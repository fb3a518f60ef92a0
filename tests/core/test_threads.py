"""Reply forests: any depth, any arrival order, missing parents, from rows and from the archive."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bot.archive.store import Store
from bot.core.threads import ThreadNode, build_threads, hanging_from, threads_in_order, walk

ROOT = 1000
NOW = 1_710_000_000

Shape = list[tuple[int, "Shape"]]


def row(message_id: int, parent: int | None, date: int | None = None) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "reply_to_message_id": parent,
        "root_message_id": ROOT,
        "date": NOW + message_id if date is None else date,
    }


def shape(forest: list[ThreadNode]) -> Shape:
    """The forest as nested (message_id, children) pairs, easy to compare whole."""
    return [(node.message["message_id"], shape(node.children)) for node in forest]


def random_conversation(seed: int, size: int) -> tuple[list[dict[str, Any]], set[int]]:
    """A random reply tree under ROOT, and the ids that never reach the archive."""
    rng = random.Random(seed)
    messages: list[dict[str, Any]] = []
    for n in range(size):
        message_id = ROOT + 1 + n
        parent = ROOT if not messages or rng.random() < 0.2 else rng.choice(messages)["message_id"]
        # Several replies share a second, so the message id has to break the tie.
        messages.append(row(message_id, parent, date=NOW + n // 3))
    missing = {m["message_id"] for m in rng.sample(messages, size // 8)}
    return messages, missing


def expected_shape(messages: list[dict[str, Any]], missing: set[int]) -> Shape:
    """What the forest must be, worked out independently of build_threads."""
    seen = [m for m in messages if m["message_id"] not in missing]
    ids = {m["message_id"] for m in seen}

    def parent_of(message: dict[str, Any]) -> int:
        parent = message["reply_to_message_id"]
        return parent if parent in ids else ROOT

    def children(parent: int) -> Shape:
        kids = sorted(
            (m for m in seen if parent_of(m) == parent),
            key=lambda m: (m["date"], m["message_id"]),
        )
        return [(m["message_id"], children(m["message_id"])) for m in kids]

    return children(ROOT)


@pytest.mark.parametrize("seed", range(5))
def test_a_random_forest_arriving_shuffled_with_missing_parents_is_rebuilt_exactly(
    seed: int,
) -> None:
    messages, missing = random_conversation(seed, 400)
    arrived = [m for m in messages if m["message_id"] not in missing]
    random.Random(seed).shuffle(arrived)
    forest = build_threads(arrived + arrived[:30], ROOT)  # some delivered twice
    assert shape(forest) == expected_shape(messages, missing)
    assert sorted(node.message["message_id"] for node, _ in walk(forest)) == sorted(
        m["message_id"] for m in arrived
    )


@pytest.mark.parametrize("seed", range(3))
def test_the_archive_stores_and_rebuilds_a_random_forest(tmp_path: Path, seed: int) -> None:
    messages, missing = random_conversation(seed, 300)
    store = Store.open(tmp_path / "archive.db")
    store.register_chat(-1, type="group", now=NOW)
    store.upsert_user(7, first_name="Ana")
    arrived = [m for m in messages if m["message_id"] not in missing]
    random.Random(seed).shuffle(arrived)
    for m in arrived + arrived[:20]:
        store.keep_messages([{**m, "chat_id": -1, "user_id": 7, "text": f"m{m['message_id']}"}])
    rows = store.thread_messages(-1, ROOT)
    assert shape(build_threads(rows, ROOT)) == expected_shape(messages, missing)
    store.close()


def test_children_are_ordered_by_date_then_message_id() -> None:
    rows = [row(5, ROOT, date=20), row(3, ROOT, date=20), row(9, ROOT, date=10), row(4, 9, 30)]
    assert shape(build_threads(rows, ROOT)) == [(9, [(4, [])]), (3, []), (5, [])]


def test_an_orphan_hangs_from_the_root_and_its_replies_stay_under_it() -> None:
    rows = [row(11, ROOT), row(13, 12), row(14, 13), row(15, 11)]
    assert shape(build_threads(rows, ROOT)) == [(11, [(15, [])]), (13, [(14, [])])]


def test_a_reply_with_no_parent_at_all_hangs_from_the_root() -> None:
    assert shape(build_threads([row(11, None)], ROOT)) == [(11, [])]


def test_loops_in_bad_data_are_cut_and_nothing_is_lost() -> None:
    rows = [row(11, 12), row(12, 11), row(13, 13), row(14, 12)]
    assert shape(build_threads(rows, ROOT)) == [(11, [(12, [(14, [])])]), (13, [])]


def test_a_chain_thousands_deep_is_built_and_walked() -> None:
    depth = 5000
    rows = [row(ROOT + n, ROOT + n - 1) for n in range(1, depth + 1)]
    random.Random(1).shuffle(rows)
    walked = list(walk(build_threads(rows, ROOT)))
    assert [(node.message["message_id"], d) for node, d in walked[:2]] == [
        (ROOT + 1, 0),
        (ROOT + 2, 1),
    ]
    assert (len(walked), walked[-1][1]) == (depth, depth - 1)


def test_no_messages_make_an_empty_forest() -> None:
    assert build_threads([], ROOT) == []


def test_answers_hang_from_their_anchor_directly_or_through_other_replies():
    rows = [
        {"message_id": 2, "reply_to_message_id": 1, "date": 1},  # a reply to the post
        {"message_id": 4, "reply_to_message_id": 3, "date": 2},  # answers curiosity 3
        {"message_id": 5, "reply_to_message_id": 4, "date": 3},  # ... through 4
        {"message_id": 6, "reply_to_message_id": 9, "date": 4},  # answers curiosity 9
        {"message_id": 7, "reply_to_message_id": 8, "date": 5},  # a loop, no anchor
        {"message_id": 8, "reply_to_message_id": 7, "date": 6},
    ]
    found = hanging_from(rows, {3, 9, 10})
    assert {anchor: [r["message_id"] for r in answers] for anchor, answers in found.items()} == {
        3: [4, 5],
        9: [6],
    }


def test_a_loop_is_cut_at_its_earliest_message_by_date_not_by_id() -> None:
    # 20 was written first (date 1) though its id is higher: it cannot really answer 10.
    rows = [row(20, 10, date=1), row(10, 20, date=2), row(30, 10, date=3)]
    assert shape(build_threads(rows, ROOT)) == [(20, [(10, [(30, [])])])]


def test_a_reply_naming_the_root_itself_is_top_level_not_a_child_of_a_message() -> None:
    rows = [row(ROOT, ROOT), row(11, ROOT)]
    assert shape(build_threads(rows, ROOT)) == [(11, []), (ROOT, [])]


def walked(forest: list[ThreadNode]) -> list[list[tuple[int, int]]]:
    return [
        [(node.message["message_id"], depth) for node, depth in walk([tree])] for tree in forest
    ]


def tangled_conversation(
    seed: int, size: int, tangles: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], random.Random]:
    """A random conversation (all of it, what arrived) with ``tangles`` replies re-aimed at
    random: loops, replies to themselves. The generator goes on from there."""
    messages, missing = random_conversation(seed, size)
    rng = random.Random(seed)
    arrived = [m for m in messages if m["message_id"] not in missing]
    for m in rng.sample(arrived, tangles):
        m["reply_to_message_id"] = rng.choice(
            [m["message_id"], *(a["message_id"] for a in arrived)]
        )
    return messages, arrived, rng


@pytest.mark.parametrize("seed", range(5))
def test_threads_in_order_read_as_walking_the_forest(seed: int) -> None:
    # Bad data too: loops, replies to themselves, ties in date, repeats.
    _, arrived, rng = tangled_conversation(seed, 400, 20)
    rng.shuffle(arrived)
    rows = arrived + arrived[:30]
    threads = threads_in_order(rows, ROOT)
    assert [[(m["message_id"], d) for m, d in t] for t in threads] == walked(
        build_threads(rows, ROOT)
    )
    assert sum(map(len, threads)) == len(arrived)


def test_threads_in_order_read_a_chain_thousands_deep() -> None:
    rows = [row(ROOT + n, ROOT + n - 1) for n in range(1, 5001)]
    [thread] = threads_in_order(rows, ROOT)
    assert [(m["message_id"], d) for m, d in thread][-1] == (ROOT + 5000, 4999)


def first_anchor_up(message: dict[str, Any], by_id: dict[int, Any], anchors: set[int]) -> Any:
    """The first anchor on the way up from a message, walked step by step."""
    seen: set[int] = set()
    current = message["reply_to_message_id"]
    while current is not None and current not in seen:
        if current in anchors:
            return current
        seen.add(current)
        current = by_id[current]["reply_to_message_id"] if current in by_id else None
    return None


@pytest.mark.parametrize("seed", range(8))
def test_answers_hang_from_the_first_anchor_up_even_in_bad_data(seed: int) -> None:
    # Loops, replies to themselves, anchors inside loops and anchors that are messages too.
    messages, arrived, rng = tangled_conversation(seed, 300, 30)
    anchors = {m["message_id"] for m in rng.sample(messages, 25)} | {ROOT}
    by_id = {m["message_id"]: m for m in arrived}
    expected: dict[int, list[int]] = {}
    for m in sorted(arrived, key=lambda m: (m["date"], m["message_id"])):
        anchor = first_anchor_up(m, by_id, anchors)
        if anchor is not None:
            expected.setdefault(anchor, []).append(m["message_id"])
    found = hanging_from(arrived, anchors)
    assert {a: [m["message_id"] for m in rows] for a, rows in found.items()} == expected
