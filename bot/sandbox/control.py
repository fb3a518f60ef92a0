"""The test-side control API: make people and chats, and make things happen in them.

Chats and users may be passed as their dicts or as ids. Misuse (a stranger posting into a group,
a reply to a message that does not exist) raises ValueError or LookupError at once, so a test
fails where it went wrong rather than when the bot misbehaves.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from bot.sandbox.chatinfo import Administrator, member_change, open_topic
from bot.sandbox.keyboards import has_button
from bot.sandbox.markup import auto_entities
from bot.sandbox.messages import (
    ACTIVE_STATUSES,
    ADMIN_STATUSES,
    CHANNEL_BOT,
    DEFAULT_TOPIC_COLOR,
    GROUP_ANONYMOUS_BOT,
    media_content,
    text_quote,
    user_object,
)
from bot.sandbox.world import ChatState, World

Ref = int | dict[str, Any]


def ref_id(ref: Ref) -> int:
    """Return the id of a user or chat given as its dict or its id."""
    return int(ref["id"]) if isinstance(ref, dict) else int(ref)


class Control:
    """Async methods that play the users' side of Telegram (mixed into Sandbox)."""

    world: World

    async def create_user(
        self,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """Create a person and return their User dict."""
        user_id = self.world.new_user_id()
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        self.world.users[user_id] = user
        return user_object(user)

    async def create_group(
        self, title: str, members: Iterable[Ref] = (), *, with_bot: bool = False
    ) -> dict[str, Any]:
        """Create a basic group (id -4...); the first member is its creator."""
        chat = {"id": self.world.new_chat_id("group"), "type": "group", "title": title}
        return await self._create_chat(chat, members, "group_chat_created", with_bot)

    async def create_supergroup(
        self,
        title: str,
        members: Iterable[Ref] = (),
        *,
        forum: bool = False,
        username: str | None = None,
        with_bot: bool = False,
    ) -> dict[str, Any]:
        """Create a supergroup (id -100...), with topics if ``forum``."""
        chat: dict[str, Any] = {
            "id": self.world.new_chat_id("supergroup"),
            "type": "supergroup",
            "title": title,
        }
        if username:
            chat["username"] = username
        if forum:
            chat["is_forum"] = True
        return await self._create_chat(chat, members, "supergroup_chat_created", with_bot)

    async def _create_chat(
        self, chat: dict[str, Any], members: Iterable[Ref], created: str, with_bot: bool
    ) -> dict[str, Any]:
        ids = [ref_id(member) for member in members]
        if not ids:
            raise ValueError("a group needs at least one member, its creator")
        state = self.world.add_chat(chat)
        for user_id in ids:
            self.world.find_user(user_id)
            state.members[user_id] = "member"
        state.members[ids[0]] = "creator"
        creation = self.world.compose(state, self.world.users[ids[0]], {created: True})
        self.world.store(state, creation)
        if with_bot:
            await self.add_bot(chat, by=ids[0])
        return copy.deepcopy(chat)

    async def create_channel(
        self, title: str, username: str | None = None, *, with_bot: bool = False
    ) -> dict[str, Any]:
        """Create a channel, to post into groups as ``sender_chat`` (the bot an admin of it
        if ``with_bot``: it then gets the channel's posts)."""
        chat = {"id": self.world.new_chat_id("channel"), "type": "channel", "title": title}
        if username:
            chat["username"] = username
        state = self.world.add_chat(chat)
        if with_bot:
            state.members[self.world.bot_id] = "administrator"
        return copy.deepcopy(chat)

    async def post_to_channel(
        self, channel: Ref, text: str | None = None, *, caption: str | None = None, **media: Any
    ) -> dict[str, Any]:
        """Post in a channel; a bot that is its admin gets a ``channel_post`` update."""
        state = self._chat(channel)
        if state.type != "channel":
            raise ValueError(f"chat {state.id} is not a channel")
        message = {
            "message_id": state.next_message_id(),
            "sender_chat": copy.deepcopy(state.chat),
            "date": self.world.now(),
            "chat": copy.deepcopy(state.chat),
            **self._content(text, caption, None, media),
        }
        self.world.store(state, message)
        self.world.publish({"type": "message", "chat_id": state.id, "message": message})
        if state.members.get(self.world.bot_id) in ACTIVE_STATUSES:
            self.world.deliver("channel_post", message)
        return copy.deepcopy(message)

    async def forward_message(
        self, chat: Ref, user: Ref, from_chat: Ref, message_id: int
    ) -> dict[str, Any]:
        """A user forwards a message into a chat: its content, with ``forward_origin``."""
        source = self._chat(from_chat)
        original = self._message(source, message_id)
        keys = ("text", "entities", "caption", "caption_entities", "photo", "video", "sticker")
        content = {k: copy.deepcopy(original[k]) for k in keys if k in original}
        content["forward_origin"] = _origin(source, original)
        state = self._chat(chat)
        message = self.world.compose(state, self._member(state, user), content)
        return copy.deepcopy(self.world.post(state, message))

    async def create_private_chat(self, user: Ref) -> dict[str, Any]:
        """Open the user's private chat with the bot (its id is the user's id)."""
        person = self.world.find_user(ref_id(user))
        chat = {"id": person["id"], "type": "private", "first_name": person["first_name"]}
        chat.update({k: person[k] for k in ("last_name", "username") if person.get(k)})
        if person["id"] not in self.world.chats:
            self.world.add_chat(chat)
        return copy.deepcopy(self.world.chats[person["id"]].chat)

    async def create_topic(
        self, chat: Ref, name: str, *, by: Ref | None = None, icon_color: int = DEFAULT_TOPIC_COLOR
    ) -> dict[str, Any]:
        """Open a forum topic as a user; return the ForumTopic (its id is a message id)."""
        state = self._chat(chat)
        if not state.is_forum:
            raise ValueError(f"chat {state.id} is not a forum supergroup")
        creator = self._member(state, by if by is not None else self._creator(state))
        topic, message = open_topic(self.world, state, creator, name, icon_color)
        self.world.publish({"type": "message", "chat_id": state.id, "message": message})
        if self.world.bot_sees(state, message):
            self.world.deliver("message", message)
        return topic

    async def add_member(self, chat: Ref, user: Ref) -> dict[str, Any]:
        """Have a user join a group; return the new_chat_members service message."""
        state = self._chat(chat)
        person = self.world.find_user(ref_id(user))
        state.members[person["id"]] = "member"
        content = {
            "new_chat_members": [user_object(person)],
            "new_chat_member": user_object(person),
            "new_chat_participant": user_object(person),
        }
        return self._post(state, person, content)

    async def set_admin(
        self, chat: Ref, who: Ref, admin: bool = True, *, withheld: Iterable[str] = ()
    ) -> None:
        """Promote (or demote) a user or the bot; ``withheld`` names rights of ADMIN_RIGHTS
        the admin is not given. The bot hears of its own change, and, as on Telegram, of
        someone else's only while it is an admin of the chat (a ``chat_member`` update)."""
        state = self._chat(chat)
        person = self.world.find_user(ref_id(who))
        old = state.members.get(person["id"], "left")
        if old == "creator" or old not in ACTIVE_STATUSES:
            raise ValueError(f"{person['id']} is the creator or not a member of {state.id}")
        new = Administrator(withheld) if admin else "member"
        state.members[person["id"]] = new
        by = self.world.users[self._creator(state)]
        change = member_change(self.world, state, by, old, new, person)
        if person["id"] == self.world.bot_id:
            self.world.deliver("my_chat_member", change)
        elif state.members.get(self.world.bot_id) in ADMIN_STATUSES:
            self.world.deliver("chat_member", change)
        self.world.publish({"type": "member", "chat_id": state.id, "user": person, "status": new})

    async def rename_user(
        self, user: Ref, first_name: str, username: str | None
    ) -> dict[str, Any]:
        """Change a person's name and username, as Telegram's settings let them; return the
        User. Their later messages carry the new name, and so does their private chat."""
        person = self.world.find_user(ref_id(user))
        person.update(first_name=first_name, username=username)
        if (private := self.world.chats.get(person["id"])) is not None:
            private.chat.update(first_name=first_name, username=username)
            if username is None:
                del private.chat["username"]  # Telegram leaves out what a chat does not have
        return user_object(person)

    async def add_bot(self, chat: Ref, *, by: Ref, admin: bool = False) -> None:
        """Add the bot to a group: a my_chat_member update, then new_chat_members."""
        state = self._chat(chat)
        adder = self._member(state, by)
        old = state.members.get(self.world.bot_id, "left")
        new = "administrator" if admin else "member"
        state.members[self.world.bot_id] = new
        self.world.deliver("my_chat_member", member_change(self.world, state, adder, old, new))
        bot = user_object(self.world.bot)
        content = {"new_chat_members": [bot], "new_chat_member": bot, "new_chat_participant": bot}
        self._post(state, adder, content)

    async def remove_bot(self, chat: Ref, *, by: Ref) -> None:
        """Remove (ban) the bot from a group: it gets my_chat_member with status "kicked"."""
        state = self._chat(chat)
        remover = self._member(state, by)
        old = state.members.get(self.world.bot_id, "left")
        state.members[self.world.bot_id] = "kicked"
        change = member_change(self.world, state, remover, old, "kicked")
        self.world.deliver("my_chat_member", change)
        bot = user_object(self.world.bot)
        self._post(state, remover, {"left_chat_member": bot, "left_chat_participant": bot})

    async def block_bot(self, user: Ref, blocked: bool = True) -> None:
        """Block (or unblock) the bot in a user's private chat."""
        state = self._chat(await self.create_private_chat(user))
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        state.blocked = blocked
        person = self.world.users[state.id]
        self.world.deliver("my_chat_member", member_change(self.world, state, person, old, new))

    async def set_privacy(self, enabled: bool) -> None:
        """Turn the bot's privacy mode on (Telegram's default) or off, as BotFather does."""
        self.world.bot["can_read_all_group_messages"] = not enabled

    async def send_message(
        self,
        chat: Ref,
        user: Ref,
        text: str | None = None,
        *,
        reply_to: Ref | None = None,
        thread_id: int | None = None,
        caption: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        sender_chat: Ref | None = None,
        quote: str | dict[str, Any] | None = None,
        **media: Any,
    ) -> dict[str, Any]:
        """Post a user's message (text, or media via photo=True, sticker="🙂", ...).

        ``quote="part of the text"`` or ``quote={"text": ..., "position": ...}`` (position
        optional, in UTF-16 units) makes a reply quote part of the message it answers, as
        Telegram's ``quote`` field.
        """
        state = self._chat(chat)
        sender, extra = self._sender(state, user, sender_chat)
        content = {**extra, **self._content(text, caption, entities, media)}
        if thread_id is not None and thread_id not in state.topics:
            raise ValueError(f"chat {state.id} has no forum topic {thread_id}")
        parent_id = None
        if reply_to is not None:
            parent = self._message(state, ref_message_id(reply_to))
            parent_id = parent["message_id"]
            if quote is not None:
                if isinstance(quote, str):
                    content["quote"] = text_quote(parent, quote)
                else:
                    content["quote"] = text_quote(parent, quote["text"], quote.get("position"))
        elif quote is not None:
            raise ValueError("only a reply can quote: give reply_to as well")
        message = self.world.compose(
            state, sender, content, reply_to=parent_id, thread_id=thread_id
        )
        return copy.deepcopy(self.world.post(state, message))

    def _content(
        self,
        text: str | None,
        caption: str | None,
        entities: list[dict[str, Any]] | None,
        media: dict[str, Any],
    ) -> dict[str, Any]:
        content = media_content(next(self.world.file_numbers), **media) if media else {}
        if text is not None and content:
            raise ValueError("a media message takes caption=..., not text")
        if text is not None:
            content.update(text=text, entities=auto_entities(text, entities or []))
        elif caption is not None:
            content.update(caption=caption, caption_entities=auto_entities(caption, []))
        if not content:
            raise ValueError("send_message needs text, or media such as photo=True")
        return {k: v for k, v in content.items() if v != []}

    def _sender(
        self, state: ChatState, user: Ref, sender_chat: Ref | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if sender_chat is None:
            return self._member(state, user), {}
        source = self._chat(sender_chat)
        # Anonymous admins post as the group itself; channels post through Channel_Bot.
        sender = GROUP_ANONYMOUS_BOT if source.id == state.id else CHANNEL_BOT
        return dict(sender), {"sender_chat": copy.deepcopy(source.chat)}

    async def edit_message(self, chat: Ref, message_id: int, text: str) -> dict[str, Any]:
        """Edit a user's text message; the bot gets an edited_message update."""
        state = self._chat(chat)
        old = self._message(state, message_id)
        if "text" not in old or old["from"]["id"] == self.world.bot_id:
            raise ValueError(f"message {message_id} is not a user's text message")
        new = {k: v for k, v in old.items() if k != "entities"}
        new.update(text=text, edit_date=self.world.now())
        if entities := auto_entities(text, []):
            new["entities"] = entities
        self.world.store(state, new)
        self.world.publish({"type": "edited", "chat_id": state.id, "message": new})
        if self.world.bot_sees(state, new):
            self.world.deliver("edited_message", new)
        return copy.deepcopy(new)

    async def click_button(
        self, chat: Ref, user: Ref, message_id: int, data: str
    ) -> dict[str, Any]:
        """Press an inline button under a bot message; returns the CallbackQuery."""
        state = self._chat(chat)
        if not has_button(self._message(state, message_id), data):
            raise ValueError(f"message {message_id} has no button with data {data!r}")
        query_id = str(4_000_000_000_000 + next(self.world.file_numbers))
        query: dict[str, Any] = {
            "id": query_id,
            "from": user_object(self._member(state, user)),
            "message": copy.deepcopy(self._message(state, message_id)),
            "chat_instance": str(abs(state.id) * 7919 % 10**12),
            "data": data,
        }
        self.world.callbacks[query_id] = {"query": query, "answer": None}
        self.world.deliver("callback_query", query)
        return query

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """Return how the bot answered a button press (None if not yet)."""
        answer: dict[str, Any] | None = self.world.callbacks[query_id]["answer"]
        return answer

    async def migrate_to_supergroup(self, chat: Ref, *, by: Ref | None = None) -> dict[str, Any]:
        """Upgrade a group: migrate service messages in both chats; the old id then fails."""
        old = self._chat(chat)
        if old.type != "group" or old.migrated_to is not None:
            raise ValueError(f"chat {old.id} is not a basic group")
        mover = self._member(old, by if by is not None else self._creator(old))
        new_chat = {"id": self.world.new_chat_id("supergroup"), "type": "supergroup"}
        new_chat["title"] = old.chat["title"]
        new = self.world.add_chat(new_chat)
        new.members = dict(old.members)
        self._post(old, mover, {"migrate_to_chat_id": new.id})
        old.migrated_to = new.id
        self._post(new, mover, {"migrate_from_chat_id": old.id})
        return copy.deepcopy(new_chat)

    def _post(
        self, state: ChatState, sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        return copy.deepcopy(self.world.post(state, self.world.compose(state, sender, content)))

    def _chat(self, chat: Ref) -> ChatState:
        return self.world.find_chat(ref_id(chat))

    def _message(self, state: ChatState, message_id: int) -> dict[str, Any]:
        if message_id not in state.messages:
            raise LookupError(f"no message {message_id} in chat {state.id}")
        return state.messages[message_id]

    def _creator(self, state: ChatState) -> int:
        return next(uid for uid, status in state.members.items() if status == "creator")

    def _member(self, state: ChatState, user: Ref) -> dict[str, Any]:
        person = self.world.find_user(ref_id(user))
        if state.type == "private":
            if person["id"] != state.id:
                raise ValueError(f"user {person['id']} is not in private chat {state.id}")
        elif state.members.get(person["id"]) not in ACTIVE_STATUSES:
            raise ValueError(f"user {person['id']} is not a member of chat {state.id}")
        return person


def _origin(source: ChatState, original: dict[str, Any]) -> dict[str, Any]:
    """Return the MessageOrigin of a forwarded message: its channel, or the person."""
    if source.type == "channel":
        return {
            "type": "channel",
            "chat": copy.deepcopy(source.chat),
            "message_id": original["message_id"],
            "date": original["date"],
        }
    return {"type": "user", "sender_user": original["from"], "date": original["date"]}


def ref_message_id(ref: Ref) -> int:
    """Return a message id given as the message dict or the id."""
    return int(ref["message_id"]) if isinstance(ref, dict) else int(ref)
