"""Voices without words in the sandbox: members' reactions, and polls the bot sends.

Reactions follow Telegram: a person's new list replaces their old one; the bot hears of it
(``message_reaction``, and ``message_reaction_count`` for anonymous totals) only where it is an
admin (or in a private chat) and only if it asked for those updates; a reaction needs a message
that exists and one of Telegram's standard emoji. Polls follow ``sendPoll`` and ``stopPoll``:
2-12 options of 1-100 characters, a question of 1-300, anonymous unless told otherwise; every
vote sends the bot a ``poll`` update with the new totals, and a closed poll takes no votes and
cannot be stopped again.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox.control import Ref, ref_id
from bot.sandbox.markup import utf16_len
from bot.sandbox.messages import ADMIN_STATUSES, user_object
from bot.sandbox.methods import api
from bot.sandbox.params import required
from bot.sandbox.rules import bad_request
from bot.sandbox.sending import deliver_content, target_chat
from bot.sandbox.world import ChatState, World

# Telegram's standard reactions (ReactionTypeEmoji in the Bot API), in its order.
_REACTIONS_BY_ROW = (
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 "
    "💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤️‍🔥 🌚 🌭 💯 🤣 ⚡ "
    "🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 "
    "👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 "
    "🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂️ 🤷 🤷‍♀️ 😡"
)
STANDARD_REACTIONS = tuple(_REACTIONS_BY_ROW.split())
STANDARD_EMOJI = frozenset(STANDARD_REACTIONS)
MAX_REACTIONS_PER_PERSON = 3  # Telegram Premium's limit; others get one
POLL_OPTIONS = (2, 12)
POLL_OPTION_LENGTH = (1, 100)
POLL_QUESTION_LENGTH = (1, 300)


class VoicesControl:
    """The members' side: react to a message, and vote in a poll (mixed into Sandbox)."""

    world: World

    async def react(
        self, chat: Ref, user: Ref, message_id: int, emojis: list[str]
    ) -> dict[str, Any] | None:
        """Set a member's reactions to a message (``[]`` withdraws them); return the update
        the bot gets, or None if Telegram would not tell it."""
        state, person = self._voice(chat, user)
        if message_id not in state.messages:
            raise LookupError(f"no message {message_id} in chat {state.id}")
        unknown = [e for e in emojis if e not in STANDARD_EMOJI]
        if unknown or len(emojis) > MAX_REACTIONS_PER_PERSON or len(set(emojis)) < len(emojis):
            raise ValueError(f"not a reaction Telegram allows: {emojis}")
        per_message = state.reactions.setdefault(message_id, {})
        old = per_message.get(person["id"], [])
        if emojis:
            per_message[person["id"]] = list(emojis)
        else:
            per_message.pop(person["id"], None)
        self.world.publish(
            {
                "type": "reactions",
                "chat_id": state.id,
                "message_id": message_id,
                "totals": reaction_totals(state, message_id),
            }
        )
        if not self._bot_hears_reactions(state):
            return None
        return self.world.deliver(
            "message_reaction",
            {
                "chat": copy.deepcopy(state.chat),
                "message_id": message_id,
                "user": user_object(person),
                "date": self.world.now(),
                "old_reaction": [_emoji(e) for e in old],
                "new_reaction": [_emoji(e) for e in emojis],
            },
        )

    async def count_reactions(
        self, chat: Ref, message_id: int, totals: dict[str, int]
    ) -> dict[str, Any] | None:
        """Send the bot anonymous totals for a message, as Telegram does for anonymous
        reactions (grouped, and possibly minutes late)."""
        state = self.world.find_chat(ref_id(chat))
        if message_id not in state.messages:
            raise LookupError(f"no message {message_id} in chat {state.id}")
        if not self._bot_hears_reactions(state):
            return None
        return self.world.deliver(
            "message_reaction_count",
            {
                "chat": copy.deepcopy(state.chat),
                "message_id": message_id,
                "date": self.world.now(),
                "reactions": [
                    {"type": _emoji(e), "total_count": n} for e, n in totals.items() if n > 0
                ],
            },
        )

    async def vote(self, chat: Ref, user: Ref, message_id: int, options: list[int]) -> None:
        """Vote in the poll of a message (``[]`` retracts the vote); the bot gets the totals."""
        state, person = self._voice(chat, user)
        message = state.messages.get(message_id)
        if message is None or "poll" not in message:
            raise LookupError(f"no poll in message {message_id} of chat {state.id}")
        poll = self.world.polls[message["poll"]["id"]]
        if poll["poll"]["is_closed"]:
            raise ValueError("the poll is closed")
        count = len(poll["poll"]["options"])
        single = not poll["poll"]["allows_multiple_answers"]
        if any(not 0 <= o < count for o in options) or (single and len(options) > 1):
            raise ValueError(f"not an answer of this poll: {options}")
        poll["votes"][person["id"]] = list(options)
        _count_votes(poll)
        message["poll"] = copy.deepcopy(poll["poll"])
        self.world.publish({"type": "poll", "chat_id": state.id, "message": message})
        self.world.deliver("poll", copy.deepcopy(poll["poll"]))

    def reactions_on(self, chat: Ref, message_id: int) -> dict[str, int]:
        """Return a message's reactions and their totals (sync)."""
        return reaction_totals(self.world.find_chat(ref_id(chat)), message_id)

    def _voice(self, chat: Ref, user: Ref) -> tuple[ChatState, dict[str, Any]]:
        state = self.world.find_chat(ref_id(chat))
        person = self.world.find_user(ref_id(user))
        member = state.id == person["id"] if state.type == "private" else None
        if member is None:
            member = state.members.get(person["id"]) in ("creator", "administrator", "member")
        if not member:
            raise ValueError(f"user {person['id']} is not in chat {state.id}")
        return state, person

    def _bot_hears_reactions(self, state: ChatState) -> bool:
        if state.type == "private":
            return True
        return state.members.get(self.world.bot_id) in ADMIN_STATUSES


def reaction_totals(state: ChatState, message_id: int) -> dict[str, int]:
    """Return each reaction on a message with how many people gave it, in first-given order."""
    totals: dict[str, int] = {}
    for emojis in state.reactions.get(message_id, {}).values():
        for emoji in emojis:
            totals[emoji] = totals.get(emoji, 0) + 1
    return totals


def _emoji(emoji: str) -> dict[str, str]:
    return {"type": "emoji", "emoji": emoji}


def _count_votes(poll: dict[str, Any]) -> None:
    options = poll["poll"]["options"]
    for option in options:
        option["voter_count"] = 0
    for chosen in poll["votes"].values():
        for index in chosen:
            options[index]["voter_count"] += 1
    poll["poll"]["total_voter_count"] = sum(1 for chosen in poll["votes"].values() if chosen)


def _option_text(option: Any) -> str:
    """Return an option's text: a plain string, or an InputPollOption's ``text``."""
    return str(option.get("text", "")) if isinstance(option, dict) else str(option)


@api("sendPoll")
async def send_poll(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Send a poll, with Telegram's checks on its question and options."""
    state = target_chat(world, params)
    question = str(required(params, "question", "poll question must be non-empty"))
    options = [
        _option_text(o) for o in required(params, "options", "poll must have at least 2 option")
    ]
    low, high = POLL_QUESTION_LENGTH
    if not low <= utf16_len(question) <= high:
        raise bad_request("poll question length must not exceed 300")
    if not POLL_OPTIONS[0] <= len(options) <= POLL_OPTIONS[1]:
        raise bad_request(
            "poll must have at least 2 option"
            if len(options) < 2
            else "poll can't have more than 12 options"
        )
    low, high = POLL_OPTION_LENGTH
    if any(not low <= utf16_len(o) <= high for o in options):
        raise bad_request("poll options length must not exceed 100")
    poll_id = str(5_000_000_000_000 + next(world.file_numbers))
    poll: dict[str, Any] = {
        "id": poll_id,
        "question": question,
        "options": [
            {"text": o, "voter_count": 0, "persistent_id": f"{poll_id}-{n}"}
            for n, o in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": params.get("is_anonymous", True) not in (False, "false"),
        "type": params.get("type") or "regular",
        "allows_multiple_answers": params.get("allows_multiple_answers") in (True, "true"),
        "allows_revoting": True,
        "members_only": False,
    }
    message = deliver_content(world, state, params, {"poll": poll})
    world.polls[poll_id] = {
        "chat_id": state.id,
        "message_id": message["message_id"],
        "poll": copy.deepcopy(poll),
        "votes": {},
    }
    world.record_sent(state, "sendPoll", params, message, reply_to_message_id=None, document=None)
    return message


@api("stopPoll")
async def stop_poll(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """Close a poll the bot sent; return its final state."""
    state = target_chat(world, params)
    message = state.messages.get(
        int(required(params, "message_id", "message identifier is not specified"))
    )
    if message is None or "poll" not in message:
        raise bad_request("message with poll to stop not found")
    poll = world.polls[message["poll"]["id"]]
    if poll["poll"]["is_closed"]:
        raise bad_request("poll has already been closed")
    poll["poll"]["is_closed"] = True
    message["poll"] = copy.deepcopy(poll["poll"])
    world.publish({"type": "poll", "chat_id": state.id, "message": message})
    world.deliver("poll", copy.deepcopy(poll["poll"]))
    return copy.deepcopy(poll["poll"])
