"""What Telegram says about the bot, as ``python -m bot check`` reports it: privacy mode, and its
admin status in each chat, each with what to do about it."""

from __future__ import annotations

from typing import Any

from telegram import (
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    User,
)
from telegram.error import BadRequest, Forbidden

from bot.archive.inspection import Finding
from bot.handlers.telegram_status import admin_finding, privacy_finding
from tests.handlers.members import member


def test_privacy_mode_is_explained_either_way() -> None:
    private = User(99, "Commons", is_bot=True, can_read_all_group_messages=False)
    open_ = User(99, "Commons", is_bot=True, can_read_all_group_messages=True)
    assert privacy_finding(open_) == Finding(
        True, "privacy mode: off, the bot sees every reply in its groups"
    )
    assert privacy_finding(private) == Finding(
        True,
        "privacy mode: on, in groups the bot sees replies to replies only where it is an admin",
    )


class FakeBot:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[tuple[int, int]] = []

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        self.asked.append((chat_id, user_id))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_admin_findings_say_what_to_do_in_each_chat() -> None:
    closed = User(99, "Commons", is_bot=True, can_read_all_group_messages=False)
    open_ = User(99, "Commons", is_bot=True, can_read_all_group_messages=True)
    group: Any = {"id": -100, "title": "Readers", "type": "supergroup"}
    untitled: Any = {"id": -101, "title": None, "type": "group"}

    async def finding(answer: Any, me: User = closed, chat: Any = group) -> Finding:
        bot = FakeBot(answer)
        found = await admin_finding(bot, chat, me)  # type: ignore[arg-type]
        assert bot.asked in ([], [(chat["id"], me.id)])
        return found

    name = "chat -100 (Readers)"
    assert await finding(member(ChatMemberAdministrator)) == Finding(
        True, f"{name}: the bot is an admin, it sees whole threads"
    )
    assert await finding(member(ChatMemberOwner)) == Finding(
        True, f"{name}: the bot is an admin, it sees whole threads"
    )
    assert await finding(member(ChatMemberMember), open_) == Finding(
        True, f"{name}: not an admin, but privacy mode is off"
    )
    missed = await finding(member(ChatMemberMember), chat=untitled)
    assert missed == Finding(
        False,
        "chat -101 (group): not an admin and privacy mode is on, so replies to replies are "
        "missed; make the bot an admin (no rights needed) or turn privacy off in @BotFather",
    )
    assert await finding(Forbidden("bot was kicked")) == Finding(
        False, f"{name}: the bot was removed; it stays in the archive, inactive"
    )
    assert await finding(BadRequest("Chat not found")) == Finding(
        False, f"{name}: Telegram says Chat not found"
    )
    private: Any = {"id": 7, "title": None, "type": "private"}
    assert await finding(AssertionError("not asked"), chat=private) == Finding(
        True, "chat 7 (private): a private chat, the bot sees every message"
    )
