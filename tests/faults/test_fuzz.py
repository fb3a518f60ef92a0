"""Hostile input, generated from a seed: thousands of updates no member would send on purpose.

Random Unicode (right-to-left, zero-width, combining marks, emoji), 4,096-character texts, HTML
and SQL fragments, every command with missing, random and huge arguments, replies to messages
the bot never knew, edits of them, channel posts, anonymous admins, forwarded messages and media
with captions, in groups, a forum, a group in privacy mode and private chats. The bot must raise
no handler error, send only what Telegram accepts (its HTML parses, it fits 4,096 characters)
and store every reply it should.

``COMMONS_FUZZ_SEED`` and ``COMMONS_FUZZ_UPDATES`` pick another seed or a bigger run.
"""

from __future__ import annotations

import json
import logging
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.archive.store import Store
from bot.compose.help import COMMANDS
from bot.compose.passage import is_passage_text
from bot.handlers.app import polite_rate_limiter
from bot.sandbox import Limits
from tests.harness import BotWorld, make_world
from tests.telegram_html import telegram_problems

SEED = int(os.environ.get("COMMONS_FUZZ_SEED", "20300305"))
ACTIONS = int(os.environ.get("COMMONS_FUZZ_UPDATES", "3000"))
WRITERS = ("Ana", "Bo", "Cy")  # their replies must all be kept
LEAVER = "Eve"  # the one who opts out, forgets herself and purges her own group
SENDS = ("sendMessage", "sendDocument")
# Only the leaver leaves: a writer who did would rightly lose replies the test counts.
LEAVING = ("optout", "forgetme", "purge")

RTL = "مرحبا بالعالم שלום עולם"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
COMBINING = "e\u0301\u0308 a\u0323\u0302 Z\u0335\u0336\u0337"
EMOJI = "😀👩‍👩‍👧‍👦🏳️‍🌈👍🏽🇩🇪🧑🏿‍🚀"
DIRECTION = "\u202e\u202d\u2066\u2067\u2068\u2069\u200e\u200f"
HTML = (
    "<b>", "</b>", "<i>x</i>", "</i>", "<a href='javascript:alert(1)'>", "<script>", "&amp;",
    "&lt;", "&", "&#x1F600;", "<tg-spoiler>", "<pre><code class=\"x\">", "<!--", "]]>", "<>",
)  # fmt: skip
SQL = (
    "'; DROP TABLE messages; --", '" OR 1=1 --', "%", "_", "*", "NEAR(", "AND OR NOT",
    '"unbalanced', "col:value", "^start", "a* OR b*", "\\", "NULL", "0x00",
)  # fmt: skip
ALPHABET = list(RTL + ZERO_WIDTH + COMBINING + EMOJI + DIRECTION) + list("abc xyz\n\t.,")
VALID = {
    "settz": ["Europe/Berlin", "asia/tokyo", "America/New_York", "UTC"],
    "settime": ["08:30", "9:00", "23:59"],
    "setdigest": ["21:00", "20:15"],
    "setweekly": ["sunday 18:00", "mo 07:00"],
    "quietday": ["line", "silent"],
    "search": ["commons", "care", "measure"],
    "curious": ["how do commons govern themselves?"],
}

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@dataclass
class Hostile:
    """Seeded hostile text."""

    rng: random.Random

    def text(self) -> str:
        """Return one message's worth of hostile text (never empty, at most 4,096)."""
        kind = self.rng.randrange(6)
        if kind == 0:
            return "".join(self.rng.choices(ALPHABET, k=self.rng.randrange(1, 80))) or "x"
        if kind == 1:
            return self.huge(4096)
        if kind == 2:
            return " ".join(self.rng.choices(HTML, k=self.rng.randrange(1, 8)))
        if kind == 3:
            return " ".join(self.rng.choices(SQL, k=self.rng.randrange(1, 5)))
        if kind == 4:
            pieces = [*HTML, *SQL, RTL, EMOJI, COMBINING, DIRECTION, ZERO_WIDTH]
            return "".join(self.rng.choices(pieces, k=self.rng.randrange(1, 12)))
        return self.rng.choice(["ok", "care as a measure", "#curious what next?", "🌱"])

    def huge(self, size: int) -> str:
        """Return exactly ``size`` characters, emoji and right-to-left text among them."""
        return "".join(self.rng.choices(ALPHABET + list("<&>;'\""), k=size))

    def caption(self) -> str:
        return self.text()[:1024]

    def command(self, name: str) -> str:
        """Return /name with missing, random, huge or valid arguments (sometimes @addressed)."""
        target = self.rng.choice(["", "", "@commons_bot"])
        shape = self.rng.randrange(4)
        if shape == 0:
            args = ""
        elif shape == 1:
            args = self.text()
        elif shape == 2:
            args = self.huge(4000)
        else:
            args = self.rng.choice(VALID.get(name, ["confirm", "x"]))
        return f"/{name}{target} {args}".strip()[:4096]


@dataclass
class Scene:
    """The chats, who is in them, and what has been said, for the fuzzer to pick from."""

    world: BotWorld
    rng: random.Random
    hostile: Hostile
    groups: list[dict[str, Any]] = field(default_factory=list)  # the bot an admin: sees all
    private_group: dict[str, Any] = field(default_factory=dict)  # privacy mode: replies only
    leavers_group: dict[str, Any] = field(default_factory=dict)
    privates: list[dict[str, Any]] = field(default_factory=list)
    channel: dict[str, Any] = field(default_factory=dict)
    said: list[tuple[int, int]] = field(default_factory=list)  # every member text message
    expected: list[tuple[int, int]] = field(default_factory=list)  # replies that must be kept
    actions: Counter[str] = field(default_factory=Counter)

    def passages(self, chat: dict[str, Any]) -> list[int]:
        return [
            s["message_id"]
            for s in self.world.sent(chat)
            if s["reply_to_message_id"] is None and is_passage_text(s["message"].get("text"))
        ]


async def build_scene(world: BotWorld, seed: int) -> Scene:
    rng = random.Random(seed)
    scene = Scene(world, rng, Hostile(rng))
    sandbox, members = world.sandbox, world.members
    writers = [members[name] for name in WRITERS]
    plain = await sandbox.create_supergroup("Readers", writers)
    forum = await sandbox.create_supergroup("Forum", writers, forum=True)
    await sandbox.create_topic(forum, "Reading", by=writers[0])
    for group in (plain, forum):
        await sandbox.add_bot(group, by=writers[0], admin=True)
    scene.groups = [plain, forum]
    scene.private_group = await sandbox.create_group("Quiet", writers, with_bot=True)
    scene.leavers_group = await sandbox.create_supergroup("Leavers", [members[LEAVER]])
    await sandbox.add_bot(scene.leavers_group, by=members[LEAVER], admin=True)
    scene.privates = [await sandbox.create_private_chat(m) for m in (*writers, members[LEAVER])]
    scene.channel = await sandbox.create_channel("Announcements", with_bot=True)
    await world.settle()
    await world.deliver_due()  # each group's first passage, to reply to
    return scene


async def reply_to_passage(scene: Scene) -> None:
    """A writer (or an anonymous admin) answers a passage, in text or media with a caption."""
    chat = scene.rng.choice([*scene.groups, scene.private_group])
    passages = scene.passages(chat)
    if not passages:
        return
    await _reply(scene, chat, scene.rng.choice(passages), counted=True)


async def reply_to_reply(scene: Scene) -> None:
    """A writer answers a kept reply in a group where the bot sees everything."""
    ids = {g["id"] for g in scene.groups}
    kept = [pair for pair in scene.expected if pair[0] in ids]
    if kept:
        chat_id, parent = scene.rng.choice(kept)
        await _reply(scene, next(g for g in scene.groups if g["id"] == chat_id), parent, True)


async def _reply(scene: Scene, chat: dict[str, Any], parent: int, counted: bool) -> None:
    rng, hostile = scene.rng, scene.hostile
    who = scene.world.members[rng.choice(WRITERS)]
    anonymous = chat["type"] == "supergroup" and rng.random() < 0.1
    options: dict[str, Any] = {"reply_to": parent}
    if anonymous:
        options["sender_chat"] = chat
    if rng.random() < 0.2:
        media = rng.choice(["photo", "video", "voice", "document", "sticker"])
        value = {"document": "notes.pdf", "sticker": "🌱"}.get(media, True)
        sent = await scene.world.sandbox.send_message(
            chat, who, caption=hostile.caption(), **{media: value}, **options
        )
    else:
        sent = await scene.world.sandbox.send_message(chat, who, hostile.text(), **options)
        scene.said.append((chat["id"], sent["message_id"]))
    if counted:
        scene.expected.append((chat["id"], sent["message_id"]))


async def chatter(scene: Scene) -> None:
    """Something said beside the threads, in a group or to the bot in private."""
    chat = scene.rng.choice([*scene.groups, *scene.privates[:3]])
    who = _owner(scene, chat) if chat["type"] == "private" else scene.rng.choice(WRITERS)
    sent = await scene.world.sandbox.send_message(
        chat, scene.world.members[who], scene.hostile.text()
    )
    scene.said.append((chat["id"], sent["message_id"]))


async def reply_to_unknown(scene: Scene) -> None:
    """A reply to chatter or a service message: nothing the bot keeps."""
    if not scene.said:
        return
    chat_id, message_id = scene.rng.choice(scene.said)
    chat = next((g for g in scene.groups if g["id"] == chat_id), None)
    if chat is None:
        return
    stored = await scene.world.archive.run(Store.get_message, chat_id, message_id)
    who = scene.world.members[scene.rng.choice(WRITERS)]
    sent = await scene.world.sandbox.send_message(
        chat, who, scene.hostile.text(), reply_to=message_id
    )
    if stored is not None:  # the parent is a kept reply after all: so is its answer
        scene.expected.append((chat_id, sent["message_id"]))
    scene.said.append((chat_id, sent["message_id"]))


async def edit_something(scene: Scene) -> None:
    """An edit of a member's message, kept or not."""
    if scene.said:
        chat_id, message_id = scene.rng.choice(scene.said)
        await scene.world.sandbox.edit_message(chat_id, message_id, scene.hostile.text())


async def command(scene: Scene) -> None:
    """Any command, with any arguments, from an admin or not, perhaps as a reply."""
    rng = scene.rng
    chat = rng.choice([*scene.groups, scene.private_group, *scene.privates[:3]])
    names = [c.name for c in COMMANDS if c.name not in LEAVING]
    who = _owner(scene, chat) if chat["type"] == "private" else rng.choice(WRITERS)
    options: dict[str, Any] = {}
    said_here = [m for c, m in scene.said if c == chat["id"]]
    if said_here and rng.random() < 0.3:
        options["reply_to"] = rng.choice(said_here)
    text = scene.hostile.command(rng.choice(names))
    await scene.world.sandbox.send_message(chat, scene.world.members[who], text, **options)


async def leave(scene: Scene) -> None:
    """The leaver opts out, forgets herself, or purges her own group's archive."""
    rng, members = scene.rng, scene.world.members
    chat = rng.choice([scene.leavers_group, scene.privates[3]])
    name = rng.choice([*LEAVING, "optin", "purge"])
    text = f"/{name} confirm" if rng.random() < 0.5 else scene.hostile.command(name)
    await scene.world.sandbox.send_message(chat, members[LEAVER], text)


async def channel_post(scene: Scene) -> None:
    """A post in a channel the bot administers."""
    if scene.rng.random() < 0.5:
        await scene.world.sandbox.post_to_channel(scene.channel, scene.hostile.text())
    else:
        caption = scene.hostile.caption()
        await scene.world.sandbox.post_to_channel(scene.channel, caption=caption, photo=True)


async def forward(scene: Scene) -> None:
    """A member forwards something into a group or to the bot."""
    sources = [(c, m) for c, m in scene.said if c != scene.privates[0]["id"]]
    if not sources:
        return
    chat_id, message_id = scene.rng.choice(sources)
    target = scene.rng.choice([scene.groups[0], scene.privates[0]])
    await scene.world.sandbox.forward_message(
        target, scene.world.members[WRITERS[0]], chat_id, message_id
    )


async def passing_time(scene: Scene) -> None:
    """Three hours pass: passages and digests, full of the day's hostile text, go out."""
    await scene.world.settle()
    scene.world.clock.advance(hours=3)
    await scene.world.deliver_due()


def _owner(scene: Scene, chat: dict[str, Any]) -> str:
    return next(n for n, m in scene.world.members.items() if m["id"] == chat["id"])


ACTION_WEIGHTS = {
    reply_to_passage: 20,
    reply_to_reply: 12,
    chatter: 10,
    reply_to_unknown: 6,
    edit_something: 8,
    command: 30,
    leave: 3,
    channel_post: 3,
    forward: 4,
}


def invalid_answers(world: BotWorld, scene: Scene) -> list[str]:
    """Return each answer Telegram refused or would refuse, with why."""
    refused = [
        f"{c['method']}: {c['description']}"
        for c in world.sandbox.calls
        if c["method"] in SENDS and c["status"] != 200
    ]
    chats = [*scene.groups, scene.private_group, scene.leavers_group, *scene.privates]
    sent = [s for chat in chats for s in world.sent(chat)]
    unparsable = [
        f"{s['method']}: {problem}"
        for s in sent
        for problem in telegram_problems(s["text"] or "") + _caption_problems(s)
    ]
    return refused + unparsable


def _caption_problems(sent: dict[str, Any]) -> list[str]:
    caption = (sent["message"].get("caption") or "") if sent["caption"] else ""
    return ["caption is too long"] if len(caption) > 1024 else []


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    world = await make_world(sandbox, tmp_path, (*WRITERS, LEAVER))
    # Pacing is not what is tried here: Telegram's per-group minute would make a long test.
    world.sandbox.set_limits(Limits.off())
    world.rate_limiter = polite_rate_limiter(
        per_second=1000, per_group_per_minute=0, per_chat_per_second=0
    )
    return world


async def test_thousands_of_hostile_updates_get_valid_answers_and_lose_no_reply(world, caplog):
    world.clock.set(datetime(2030, 3, 5, 10, 0, tzinfo=UTC))
    events = world.sandbox.subscribe()
    caplog.set_level(logging.WARNING)
    async with world.running():
        scene = await build_scene(world, SEED)
        actions, weights = list(ACTION_WEIGHTS), list(ACTION_WEIGHTS.values())
        for number in range(1, ACTIONS + 1):
            action = scene.rng.choices(actions, weights)[0]
            scene.actions[action.__name__] += 1
            await action(scene)
            if number % 250 == 0:
                await passing_time(scene)
        await world.settle()
        lost = [
            pair
            for pair in scene.expected
            if await world.archive.run(Store.get_message, *pair) is None
        ]
    updates = sum(1 for _ in range(events.qsize()) if events.get_nowait()["type"] == "update")
    answers = sum(1 for c in world.sandbox.calls if c["method"] in SENDS and c["status"] == 200)
    invalid = invalid_answers(world, scene)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    figures = {
        "seed": SEED,
        "updates": updates,
        "answers": answers,
        "invalid_answers": len(invalid),
        "handler_errors": len(errors),
        "replies_expected": len(scene.expected),
        "replies_lost": len(lost),
        "actions": dict(sorted(scene.actions.items())),
    }
    print("\nfuzz:", json.dumps(figures))
    assert (invalid[:5], errors[:5], lost[:5]) == ([], [], [])
    assert updates >= 0.8 * ACTIONS  # the run was as big as it says
