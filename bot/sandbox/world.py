"""The sandbox's Telegram: users, chats, messages, and the bot's queue of updates."""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.messages import (
    ACTIVE_STATUSES,
    ADMIN_STATUSES,
    is_implicit_topic_reply,
    is_service,
    strip_reply,
    user_object,
)
from bot.sandbox.rules import FloodControl, Limits, bad_request, chat_migrated, forbidden

# What getUpdates sends when allowed_updates was never set or set to [] (as Telegram does).
ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "message_reaction",
        "message_reaction_count",
        "poll",
        "poll_answer",
    }
)
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
FIRST_UPDATE_ID = 700_000_001


class Signal:
    """Wakes every waiter when the world changes; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting now."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Return True once ``predicate()`` holds, False if ``timeout`` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


@dataclass
class ChatState:
    """One chat: its public Chat object plus what only the server knows."""

    chat: dict[str, Any]
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_message_id: int = 0
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)  # thread id -> ForumTopic
    thread_roots: set[int] = field(default_factory=set)  # reply chains in a plain supergroup
    migrated_to: int | None = None
    blocked: bool = False  # a private chat whose user blocked the bot
    # message id -> user id -> that person's reactions, as emoji
    reactions: dict[int, dict[int, list[str]]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        """Return the chat id."""
        return int(self.chat["id"])

    @property
    def type(self) -> str:
        """Return 'private', 'group', 'supergroup' or 'channel'."""
        return str(self.chat["type"])

    @property
    def is_group(self) -> bool:
        """Return whether this is a group or a supergroup."""
        return self.type in ("group", "supergroup")

    @property
    def is_forum(self) -> bool:
        """Return whether this supergroup has topics."""
        return bool(self.chat.get("is_forum"))

    def next_message_id(self) -> int:
        """Allocate the next message id: one counter per chat, shared by bot and users."""
        self.last_message_id += 1
        return self.last_message_id


class World:
    """All state the server and the control API share; every change wakes the waiters."""

    def __init__(
        self,
        bot: dict[str, Any],
        *,
        clock: Callable[[], float],
        limits: Limits,
        first_chat_number: int = 1,
    ):
        self.bot = bot
        self.clock = clock
        self.users: dict[int, dict[str, Any]] = {int(bot["id"]): bot}
        self.chats: dict[int, ChatState] = {}
        self.updates: list[dict[str, Any]] = []
        self.last_update_id = FIRST_UPDATE_ID - 1
        self.allowed_updates = DEFAULT_UPDATE_TYPES
        self.sent: dict[int, list[dict[str, Any]]] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.callbacks: dict[str, dict[str, Any]] = {}  # id -> {"query", "answer"}
        self.polls: dict[
            str, dict[str, Any]
        ] = {}  # id -> {"chat_id", "message_id", "poll", "votes"}
        self.poller: object | None = None  # the pending getUpdates, to answer 409 on a second
        self.flood = FloodControl(limits)
        self.changes = Signal()
        self.subscribers: list[asyncio.Queue[dict[str, Any]]] = []
        self.closing = False
        self._user_ids = itertools.count(5_000_001)
        # first_chat_number lets a new sandbox avoid the chat ids an earlier one handed out.
        self._group_ids = itertools.count(4_000_000_000 + first_chat_number)
        self._supergroup_ids = itertools.count(1_002_000_000_000 + first_chat_number)
        self.file_numbers = itertools.count(1)

    @property
    def bot_id(self) -> int:
        """Return the bot's user id (the number before the colon of its token)."""
        return int(self.bot["id"])

    def now(self) -> int:
        """Return the current date in unix seconds, from the injectable clock."""
        return int(self.clock())

    def new_user_id(self) -> int:
        """Allocate a user id."""
        return next(self._user_ids)

    def new_chat_id(self, kind: str) -> int:
        """Allocate a negative id: -4... for groups, -100... for supergroups and channels."""
        return -next(self._group_ids if kind == "group" else self._supergroup_ids)

    def add_chat(self, chat: dict[str, Any]) -> ChatState:
        """Register a chat and return its state."""
        state = ChatState(chat)
        self.chats[state.id] = state
        return state

    def find_chat(self, chat_id: int) -> ChatState:
        """Return a chat for the control API; LookupError names the unknown id."""
        if chat_id not in self.chats:
            raise LookupError(f"no chat {chat_id} in the sandbox")
        return self.chats[chat_id]

    def find_user(self, user_id: int) -> dict[str, Any]:
        """Return a user for the control API; LookupError names the unknown id."""
        if user_id not in self.users:
            raise LookupError(f"no user {user_id} in the sandbox")
        return self.users[user_id]

    def resolve_chat(self, chat_id: Any) -> ChatState:
        """Return the chat a Bot API call names (an id or "@username"), or Telegram's error."""
        state = self._lookup(chat_id)
        if state is None:
            raise bad_request("chat not found")
        if state.migrated_to is not None:
            raise chat_migrated(state.migrated_to)
        return state

    def _lookup(self, chat_id: Any) -> ChatState | None:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next(
                (s for s in self.chats.values() if (s.chat.get("username") or "").lower() == name),
                None,
            )
        try:
            return self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            return None

    def check_bot_can_post(self, state: ChatState) -> None:
        """Raise Telegram's 403 if the bot was removed from, or blocked in, this chat."""
        if state.type == "private":
            if state.blocked:
                raise forbidden("bot was blocked by the user")
            return
        status = state.members.get(self.bot_id, "left")
        if status in ACTIVE_STATUSES:
            return
        kind = "supergroup chat" if state.type == "supergroup" else "group chat"
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        raise forbidden(f"bot is not a member of the {kind}")

    def compose(
        self,
        state: ChatState,
        sender: dict[str, Any],
        content: dict[str, Any],
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Return a new message in ``state`` with Telegram's reply and thread fields."""
        message: dict[str, Any] = {
            "message_id": state.next_message_id(),
            "from": user_object(sender),
            "date": self.now(),
            "chat": copy.deepcopy(state.chat),
        }
        parent = state.messages.get(reply_to) if reply_to is not None else None
        message.update(self._thread_fields(state, parent, thread_id))
        if parent is not None:
            message["reply_to_message"] = strip_reply(parent)
        message.update(content)
        return message

    def _thread_fields(
        self, state: ChatState, parent: dict[str, Any] | None, thread_id: int | None
    ) -> dict[str, Any]:
        if state.is_forum:
            if thread_id is None and parent is not None and parent.get("is_topic_message"):
                thread_id = parent["message_thread_id"]
            if thread_id is None:
                return {}
            fields: dict[str, Any] = {"message_thread_id": thread_id, "is_topic_message": True}
            if parent is None:
                # Telegram marks a plain message in a topic as a reply to the topic's start.
                fields["reply_to_message"] = strip_reply(state.messages[thread_id])
            return fields
        if state.type == "supergroup" and parent is not None:
            root = parent.get("message_thread_id") or parent["message_id"]
            state.thread_roots.add(root)
            return {"message_thread_id": root}
        return {"message_thread_id": thread_id} if thread_id is not None else {}

    def store(self, state: ChatState, message: dict[str, Any]) -> None:
        """Keep a message so that later replies, edits and reads can find it."""
        state.messages[message["message_id"]] = message

    def post(self, state: ChatState, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message from a user and deliver it to the bot if the bot would see it."""
        self.store(state, message)
        if state.type == "private":
            state.blocked = False
        delivered = self.bot_sees(state, message)
        self.publish({"type": "message", "chat_id": state.id, "message": message})
        if delivered:
            self.deliver("message", message)
        return message

    def bot_sees(self, state: ChatState, message: dict[str, Any]) -> bool:
        """Return whether Telegram would send this group message to the bot (privacy mode)."""
        if state.type == "private":
            return True
        status = state.members.get(self.bot_id, "left")
        if status not in ACTIVE_STATUSES:
            return False
        if status in ADMIN_STATUSES or self.bot.get("can_read_all_group_messages"):
            return True
        if is_service(message) or self._is_command_for_bot(message):
            return True
        parent = message.get("reply_to_message")
        if parent is None or is_implicit_topic_reply(message):
            return False
        return bool(parent.get("from", {}).get("id") == self.bot_id)

    def _is_command_for_bot(self, message: dict[str, Any]) -> bool:
        first = (message.get("entities") or [{}])[0]
        if first.get("type") != "bot_command" or first.get("offset") != 0:
            return False
        command = message["text"][: first["length"]]
        _, at, target = command.partition("@")
        return not at or target.lower() == str(self.bot["username"]).lower()

    def deliver(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update for getUpdates, unless allowed_updates filters its type out."""
        if kind not in self.allowed_updates:
            return None
        self.last_update_id += 1
        update = {"update_id": self.last_update_id, kind: payload}
        self.updates.append(update)
        self.publish({"type": "update", "update": update})
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates the bot confirmed: those below ``offset`` (or all but the last -N)."""
        before = len(self.updates)
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]
        if len(self.updates) != before:
            self.changes.notify()

    def record_sent(
        self,
        state: ChatState,
        method: str,
        params: dict[str, Any],
        message: dict[str, Any],
        **extra: Any,
    ) -> dict[str, Any]:
        """Remember what the bot sent and with which parameters; announce it."""
        record = {
            "method": method,
            "chat_id": state.id,
            "message_id": message["message_id"],
            "date": message["date"],
            "text": params.get("text"),
            "caption": params.get("caption"),
            "parse_mode": params.get("parse_mode"),
            "message_thread_id": params.get("message_thread_id"),
            "reply_parameters": params.get("reply_parameters"),
            "link_preview_options": params.get("link_preview_options"),
            "disable_notification": bool(params.get("disable_notification")),
            "reply_markup": params.get("reply_markup"),
            "params": params,
            "message": message,
            **extra,
        }
        self.sent.setdefault(state.id, []).append(record)
        self.publish({"type": "sent", "chat_id": state.id, "message": message})
        return record

    def publish(self, event: dict[str, Any]) -> None:
        """Hand an event to every subscriber and wake the waiters."""
        for queue in self.subscribers:
            queue.put_nowait(event)
        self.changes.notify()
