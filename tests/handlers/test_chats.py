"""Which chats the bot is in, as Telegram's chat member updates say, and what it keeps of each."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any

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

WHEN = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
ANA = User(7, "Ana", is_bot=False, username="ana")
BOT = User(99, "Commons", is_bot=True, username="commons_bot")
GROUP = Chat(-100, "supergroup", title="Readers", is_forum=True)


def member(kind: type, **extra: Any) -> Any:
    """The bot as a chat member of that kind, every right it could hold given."""
    values: dict[str, Any] = {"user": BOT, "until_date": WHEN, "is_anonymous": False}
    required = [
        name
        for name, parameter in inspect.signature(kind).parameters.items()
        if name not in extra
        and (parameter.default is parameter.empty or name.startswith("can_"))
        and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
    ]
    return kind(**{name: values.get(name, True) for name in required}, **extra)


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
