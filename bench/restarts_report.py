"""The restarts benchmark's records of the day, and the report made from them at the end.

What the bot sent comes from the sandbox's records, what it kept from the archive (read-only);
``bench_restarts.py`` runs the day.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.common import query
from bot.i18n import translator
from bot.sandbox import Sandbox

DELIVERY = 6  # seconds after a slot time within which a kill counts as "during delivery"


@dataclass
class Chat:
    """One group of the day: its members and the minutes its passage and digest fall due."""

    id: int
    members: list[int]
    post: datetime
    digest: datetime
    passage: int | None = None  # the first passage message the sandbox saw
    passage_seen: float = 0.0
    thread: list[int] = field(default_factory=list)


@dataclass
class Reply:
    """One injected reply, with the update that carries it to the bot."""

    chat: int
    message_id: int
    update_id: int
    root: int
    parent: int


@dataclass
class Kill:
    """What a SIGKILL left behind: when, the confirmed-update horizon, interrupted claims."""

    at: float  # seconds after the kills began
    wall: datetime
    confirmed_below: int
    # (chat, kind, seconds since the sandbox accepted its message, or None if it had not)
    stranded: list[tuple[int, str, float | None]]


def classify(record: dict[str, Any], today: str) -> str:
    """Return passage, digest (a digest's first message), welcome, settings or part."""
    if record["method"] != "sendMessage":
        return "part"  # a long digest's document
    text = record["message"].get("text") or ""
    if text.startswith("Evening digest ·"):
        return "digest"
    if "Counterpoint" in text:
        return "passage"
    if text.startswith(f"{today}:"):
        return "digest"  # a quiet day's one line
    if text.startswith("Hello! I am"):
        return "welcome"
    return "settings" if text.startswith("Time zone:") else "part"


def count_sends(result: dict[str, Any]) -> dict[str, Any]:
    """Return, per kind, how many chats got 1, 0 or more of it, and which chats got more."""
    sandbox, wall0 = result["sandbox"], result["wall0"]
    today = translator().long_date(wall0.date())
    figures: dict[str, Any] = {}
    for kind in ("passage", "digest"):
        counts = {
            c.id: [classify(s, today) for s in sandbox.sent_messages(c.id)].count(kind)
            for c in result["chats"]
        }
        figures[kind] = {
            "sent": sum(counts.values()),
            "duplicates": sum(max(0, n - 1) for n in counts.values()),
            "missed": sum(1 for n in counts.values() if n == 0),
            "doubled": {chat for chat, n in counts.items() if n > 1},
        }
    early = [
        s for c in result["chats"] for s in sandbox.sent_messages(c.id)
        if classify(s, today) == "passage" and s["date"] < int(wall0.timestamp())
    ]  # fmt: skip
    figures["passage"]["during_setup"] = len(early)
    kinds = [classify(s, today) for c in result["chats"] for s in sandbox.sent_messages(c.id)]
    figures["digest"]["parts"] = kinds.count("part")
    return figures


def lost_replies(result: dict[str, Any]) -> dict[str, int]:
    """Return injected, stored and lost replies, the lost ones by the reason found for them."""
    db_path, replies, kills = result["db_path"], result["replies"], result["kills"]
    stored = {(r["chat_id"], r["message_id"]) for r in query(db_path, "SELECT * FROM messages")}
    roots = {
        (r["chat_id"], r["message_id"])
        for r in query(db_path, "SELECT chat_id, message_id FROM posts WHERE kind = 'passage'")
    }
    lost = [r for r in replies if (r.chat, r.message_id) not in stored]
    # Each lost reply gets the first reason that fits. A passage sent twice is recorded with
    # its second message id, so replies under the first one belong to no known thread.
    unrecorded = [r for r in lost if (r.chat, r.root) not in roots]
    # A killed process had confirmed the updates from the horizon at the kill before it up to
    # the horizon at its own kill: one of those never stored was fetched (and so confirmed to
    # Telegram) but not yet handled when the process died.
    windows = list(itertools.pairwise([0, *(k.confirmed_below for k in kills)]))
    rest = [r for r in lost if (r.chat, r.root) in roots]
    killed = [r for r in rest if any(lo <= r.update_id < hi for lo, hi in windows)]
    # A reply to a lost reply cannot be placed in a thread (Telegram names only the parent).
    gone = {(r.chat, r.message_id) for r in lost}
    killed_ids = {r.update_id for r in killed}
    rest = [r for r in rest if r.update_id not in killed_ids]
    orphaned = [r for r in rest if (r.chat, r.parent) in gone]
    return {
        "injected": len(replies),
        "stored": len(replies) - len(lost),
        "misplaced": len(misplaced_replies(db_path, replies)),
        "lost": len(lost),
        "unrecorded_root": len(unrecorded),
        "fetched_then_killed": len(killed),
        "orphaned": len(orphaned),
        "unexplained": len(rest) - len(orphaned),
    }


def misplaced_replies(db_path: Any, replies: list[Reply]) -> list[Reply]:
    """Return the stored replies kept in another thread than the passage copy they answer."""
    roots = {
        (r["chat_id"], r["message_id"]): r["root_message_id"]
        for r in query(db_path, "SELECT chat_id, message_id, root_message_id FROM messages")
    }
    copies = {
        (r["chat_id"], r["message_id"]): r["root_message_id"]
        for r in query(db_path, "SELECT chat_id, message_id, root_message_id FROM post_messages")
    }
    return [
        r
        for r in replies
        if (r.chat, r.message_id) in roots
        and roots[(r.chat, r.message_id)] != copies.get((r.chat, r.root), r.root)
    ]


def inbox_state(db_path: Any) -> dict[str, int]:
    """Return the inbox's rows left unhandled, rows still holding text, and recognised copies."""
    [inbox] = query(
        db_path,
        "SELECT COUNT(*) - COUNT(handled_at) AS unhandled, COUNT(payload) AS with_text FROM inbox",
    )
    [copies] = query(db_path, "SELECT COUNT(*) AS n FROM post_messages WHERE how = 'recognised'")
    return {**inbox, "recognised": copies["n"]}


def crash_window(result: dict[str, Any], doubled: set[tuple[int, str]]) -> dict[str, int]:
    """Return the claims kills left without a message id, and which duplicates they explain."""
    stranded = {(chat, kind): ago for k in result["kills"] for chat, kind, ago in k.stranded}
    accepted = {key for key, ago in stranded.items() if ago is not None}
    return {
        "stranded": len(stranded),
        "accepted": len(accepted),
        "explained": len(doubled & accepted),
        "unexplained": len(doubled - accepted),
    }


def describe(kill: Kill, before: Kill | None) -> str:
    """Return the claims a kill newly left without a message id, by kind and whether sent."""
    known = {(chat, kind) for chat, kind, _ in before.stranded} if before else set()
    new = [(chat, kind, ago) for chat, kind, ago in kill.stranded if (chat, kind) not in known]
    counts = Counter(
        f"{kind} " + ("not sent yet" if ago is None else f"accepted {ago:.3f} s before")
        for _, kind, ago in new
    )
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))


def lateness(result: dict[str, Any], kind: str) -> str:
    """Return how long after its slot time the latest first send of that kind went out."""
    today = translator().long_date(result["wall0"].date())
    late = 0.0
    for chat in result["chats"]:
        slot = chat.post if kind == "passage" else chat.digest
        sent = [s for s in result["sandbox"].sent_messages(chat.id) if classify(s, today) == kind]
        if sent:
            late = max(late, sent[0]["date"] - slot.timestamp())
    return f"{late:.0f} s"


def call_statuses(sandbox: Sandbox) -> dict[str, Any]:
    """Return the sandbox's 429s, other error statuses, and calls a kill cut off."""
    statuses = Counter(call["status"] for call in sandbox.calls)
    errors = {s: n for s, n in sorted(statuses.items(), key=str) if s and s >= 400 and s != 429}
    return {"429": statuses.get(429, 0), "errors": errors, "cut": statuses.get(None, 0)}


def report(result: dict[str, Any]) -> None:
    """Print the run's figures."""
    print_timeline(result)
    sends = count_sends(result)
    chats, passage, digest = len(result["chats"]), sends["passage"], sends["digest"]
    print(
        f"passages: sent {passage['sent']} (expected {chats}), duplicates "
        f"{passage['duplicates']}, missed {passage['missed']} "
        f"({passage['during_setup']} went out on joining, before the kills)"
    )
    print(
        f"digests: sent {digest['sent']} (expected {chats}), duplicates {digest['duplicates']}, "
        f"missed {digest['missed']} (and {digest['parts']} further messages or documents of "
        "long digests)"
    )
    replies = lost_replies(result)
    print(
        f"replies: injected {replies['injected']}, stored {replies['stored']}, lost "
        f"{replies['lost']}: {replies['unrecorded_root']} under a passage copy whose id was not "
        f"recorded, {replies['fetched_then_killed']} fetched by a process killed before it "
        f"stored them, {replies['orphaned']} replying to lost ones, {replies['unexplained']} "
        f"unexplained; {replies['misplaced']} stored outside the thread of the copy they answer"
    )
    inbox = inbox_state(result["db_path"])
    print(
        f"inbox at the end: {inbox['unhandled']} updates unhandled, {inbox['with_text']} holding "
        f"text; passage copies found from a reply (the crash window) {inbox['recognised']}"
    )
    doubled = {(c, k) for k in ("passage", "digest") for c in sends[k]["doubled"]}
    print_crash_window(result, doubled)
    calls = call_statuses(result["sandbox"])
    log = result["log"].read_text(errors="replace")
    print(
        f"sandbox: 429s {calls['429']}; other 4xx/5xx {calls['errors'] or 'none'}; "
        f"calls cut off by a kill {calls['cut']}; bot log: {log.count(' ERROR ')} ERROR lines, "
        f"{log.count('Traceback')} tracebacks"
    )


def print_timeline(result: dict[str, Any]) -> None:
    """Print the chats, the slot minutes, and when the kills came."""
    chats, kills = result["chats"], result["kills"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(kills)]
    slots = sorted({c.post for c in chats} | {c.digest for c in chats})
    busy = sum(
        1 for k in kills if any(0 <= (k.wall - s).total_seconds() < DELIVERY for s in slots)
    )
    print(f"chats: {len(chats)}; slots (UTC): {', '.join(f'{s:%H:%M}' for s in slots)}")
    print(
        f"restarts: {len(kills)} SIGKILLs from +{kills[0].at:.0f} s to +{kills[-1].at:.0f} s "
        f"(gaps {min(gaps, default=0):.1f}-{max(gaps, default=0):.1f} s; {busy} within "
        f"{DELIVERY} s after a slot time); settled at +{result['settled']:.0f} s; "
        f"SIGTERM exit code {result['exit']}"
    )


def print_crash_window(result: dict[str, Any], doubled: set[tuple[int, str]]) -> None:
    """Print the claims kills interrupted, the duplicates they explain, and the latest sends."""
    window = crash_window(result, doubled)
    print(
        f"crash window: {window['stranded']} claims left without a message id at a kill "
        f"({window['accepted']} already accepted by the sandbox); duplicates from that window "
        f"{window['explained']}, unexplained {window['unexplained']}"
    )
    for number, (before, kill) in enumerate(itertools.pairwise([None, *result["kills"]]), 1):
        if new := describe(kill, before):
            print(f"  kill {number} at {kill.wall:%H:%M:%S} UTC interrupted: {new}")
    print(
        f"latest after its slot time: passage {lateness(result, 'passage')}, "
        f"digest {lateness(result, 'digest')}"
    )
