"""What Telegram says about the bot, for ``python -m bot check``: token, privacy, admin status."""

from __future__ import annotations

from telegram import Bot, User
from telegram.constants import ChatMemberStatus
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError

from bot.archive.inspection import Finding
from bot.archive.rows import Chat

ADMIN = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def telegram_findings(token: str, base_url: str | None, chats: list[Chat]) -> list[Finding]:
    """Return one finding for the token and privacy mode, then one per chat's admin status."""
    bot = Bot(token, base_url=base_url or "https://api.telegram.org/bot")
    try:
        async with bot:  # getMe, once
            me = bot.bot
            findings = [Finding(True, f"token: valid, the bot is @{me.username} (id {me.id})")]
            findings.append(privacy_finding(me))
            for chat in chats:
                findings.append(await admin_finding(bot, chat, me))
    except InvalidToken:
        return [Finding(False, "token: refused by Telegram (401); copy it again from @BotFather")]
    except NetworkError as error:
        return [Finding(False, f"token: not checked, Telegram did not answer ({error.message})")]
    return findings


def privacy_finding(me: User) -> Finding:
    """Return what the bot's privacy mode means for the threads it can see."""
    if me.can_read_all_group_messages:
        return Finding(True, "privacy mode: off, the bot sees every reply in its groups")
    return Finding(
        True,
        "privacy mode: on, in groups the bot sees replies to replies only where it is an admin",
    )


async def admin_finding(bot: Bot, chat: Chat, me: User) -> Finding:
    """Return whether the bot can follow whole threads in this chat, and what to do if not."""
    name = f"chat {chat['id']} ({chat['title'] or chat['type']})"
    if chat["type"] == "private":
        return Finding(True, f"{name}: a private chat, the bot sees every message")
    try:
        member = await bot.get_chat_member(chat["id"], me.id)
    except Forbidden:
        return Finding(False, f"{name}: the bot was removed; it stays in the archive, inactive")
    except TelegramError as error:
        return Finding(False, f"{name}: Telegram says {error.message}")
    if member.status in ADMIN:
        return Finding(True, f"{name}: the bot is an admin, it sees whole threads")
    if me.can_read_all_group_messages:
        return Finding(True, f"{name}: not an admin, but privacy mode is off")
    return Finding(
        False,
        f"{name}: not an admin and privacy mode is on, so replies to replies are missed; "
        "make the bot an admin (no rights needed) or turn privacy off in @BotFather",
    )
