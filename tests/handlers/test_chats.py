"""Which chats the bot is in, as Telegram's chat member updates say, and what it keeps of each."""

from __future__ import annotations

import pytest
from telegram import (
    Chat,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    ChatMemberUpdated,
    User,
)

from bot.handlers import chats
from tests.handlers.members import WHEN, member

ANA = User(7, "Ana", is_bot=False, username="ana")
GROUP = Chat(-100, "supergroup", title="Readers", is_forum=True)


@pytest.mark.parametrize(
    ("kind", "present"),
    [
        (ChatMemberMember, True),
        (ChatMemberAdministrator, True),
        (ChatMemberOwner, True),
        (ChatMemberLeft, False),
        (ChatMemberBanned, False),
    ],
)
def test_the_bot_is_present_as_member_admin_or_owner(kind: type, present: bool) -> None:
    assert chats.is_present(member(kind)) is present


def test_a_restricted_bot_is_present_only_while_still_a_member() -> None:
    assert chats.is_present(member(ChatMemberRestricted, is_member=True)) is True
    assert chats.is_present(member(ChatMemberRestricted, is_member=False)) is False


def test_a_status_change_says_whether_the_bot_came_or_went() -> None:
    def change(old: type, new: type) -> tuple[bool, bool] | None:
        update = ChatMemberUpdated(GROUP, ANA, WHEN, member(old), member(new))
        return chats.extract_status_change(update)

    assert change(ChatMemberLeft, ChatMemberMember) == (False, True)
    assert change(ChatMemberMember, ChatMemberBanned) == (True, False)
    assert change(ChatMemberMember, ChatMemberAdministrator) is None
    assert change(ChatMemberLeft, ChatMemberBanned) is None


def test_a_chats_identity_is_its_type_name_and_topics() -> None:
    assert chats.identity(GROUP) == {
        "type": "supergroup",
        "title": "Readers",
        "username": None,
        "is_forum": True,
    }
    private = Chat(7, "private", first_name="Ana", username="ana")
    assert chats.identity(private) == {
        "type": "private",
        "title": "Ana",
        "username": "ana",
        "is_forum": False,
    }
