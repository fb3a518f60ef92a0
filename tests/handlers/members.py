"""Telegram's chat member objects as the handlers' tests need them: the bot in any status."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any

from telegram import User

WHEN = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
BOT = User(99, "Commons", is_bot=True, username="commons_bot")


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
