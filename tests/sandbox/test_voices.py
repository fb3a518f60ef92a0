"""The sandbox speaks reactions and polls as Telegram does: reactions reach only an admin bot
that asked for them, and polls are checked and closed as Telegram checks and closes them."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.sandbox import Sandbox

ALL_UPDATES = ["message", "message_reaction", "message_reaction_count", "poll"]


async def readers(sandbox: Any, *, admin: bool) -> tuple[Sandbox, Bot, dict[str, Any], Any]:
    """A sandbox, a PTB Bot (an admin or not) in a group with Ada, and Ada."""
    sb: Sandbox = await sandbox()
    ada = await sb.create_user("Ada", "ada")
    group = await sb.create_supergroup("Readers", [ada])
    await sb.add_bot(group, by=ada, admin=admin)
    bot = Bot(sb.token, base_url=sb.base_url)
    await bot.get_updates(allowed_updates=ALL_UPDATES, timeout=0)
    return sb, bot, group, ada


async def kinds(bot: Bot) -> list[str]:
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return [next(k for k in u.to_dict() if k != "update_id") for u in updates]


async def test_reactions_reach_an_admin_bot_that_asked_for_them(sandbox: Any) -> None:
    sb, bot, group, ada = await readers(sandbox, admin=True)
    async with bot:
        message = await sb.send_message(group, ada, "hello")
        await kinds(bot)
        await sb.react(group, ada, message["message_id"], ["👍", "🔥"])
        await sb.react(group, ada, message["message_id"], ["🔥"])
        await sb.count_reactions(group, message["message_id"], {"👍": 3})
        updates = await bot.get_updates(timeout=0)
    changed = updates[1].message_reaction
    assert changed is not None and changed.user is not None and changed.user.first_name == "Ada"
    assert [r.emoji for r in changed.old_reaction] == ["👍", "🔥"]  # type: ignore[attr-defined]
    assert [r.emoji for r in changed.new_reaction] == ["🔥"]  # type: ignore[attr-defined]
    count = updates[2].message_reaction_count
    assert count is not None and count.reactions[0].total_count == 3
    assert sb.reactions_on(group, message["message_id"]) == {"🔥": 1}


async def test_reactions_do_not_reach_a_bot_that_is_no_admin(sandbox: Any) -> None:
    sb, bot, group, ada = await readers(sandbox, admin=False)
    async with bot:
        message = await sb.send_message(group, ada, "/start")
        await kinds(bot)
        await sb.react(group, ada, message["message_id"], ["👍"])
        assert await kinds(bot) == []
    assert sb.reactions_on(group, message["message_id"]) == {"👍": 1}


async def test_reactions_do_not_reach_a_bot_that_did_not_ask(sandbox: Any) -> None:
    sb, bot, group, ada = await readers(sandbox, admin=True)
    async with bot:
        await kinds(bot)
        await bot.get_updates(allowed_updates=["message"], timeout=0)
        message = await sb.send_message(group, ada, "hello")
        await sb.react(group, ada, message["message_id"], ["👍"])
        assert await kinds(bot) == ["message"]


@pytest.mark.parametrize(
    ("message_id", "emoji", "error"),
    [(999, ["👍"], LookupError), (1, ["🦖"], ValueError), (1, ["👍", "👍"], ValueError)],
)
async def test_a_reaction_needs_a_message_and_a_standard_emoji(
    sandbox: Any, message_id: int, emoji: list[str], error: type[Exception]
) -> None:
    sb, bot, group, ada = await readers(sandbox, admin=True)
    async with bot:
        await sb.send_message(group, ada, "hello")
        with pytest.raises(error):
            await sb.react(group, ada, message_id, emoji)


@pytest.mark.parametrize(
    ("question", "options", "description"),
    [
        ("Where?", ["only one"], "poll must have at least 2 option"),
        ("Where?", [str(n) for n in range(13)], "poll can't have more than 12 options"),
        ("?" * 301, ["a", "b"], "poll question length must not exceed 300"),
        ("Where?", ["a", "b" * 101], "poll options length must not exceed 100"),
    ],
)
async def test_send_poll_is_checked_as_telegram_checks_it(
    sandbox: Any, question: str, options: list[str], description: str
) -> None:
    _, bot, group, _ = await readers(sandbox, admin=True)
    async with bot:
        with pytest.raises(BadRequest) as refused:
            await bot.send_poll(group["id"], question, options)
    assert refused.value.message.lower() == description


async def test_votes_arrive_as_totals_and_a_closed_poll_cannot_be_stopped_again(
    sandbox: Any,
) -> None:
    sb, bot, group, ada = await readers(sandbox, admin=True)
    bo = await sb.create_user("Bo", "bo")
    await sb.add_member(group, bo)
    async with bot:
        sent = await bot.send_poll(group["id"], "Where do you stand?", ["here", "there", "both"])
        await kinds(bot)
        await sb.vote(group, ada, sent.message_id, [0])
        await sb.vote(group, bo, sent.message_id, [0])
        await sb.vote(group, bo, sent.message_id, [2])  # changed
        updates = await bot.get_updates(timeout=0)
        final = await bot.stop_poll(group["id"], sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)poll has already been closed"):
            await bot.stop_poll(group["id"], sent.message_id)
    assert sent.poll is not None and sent.poll.is_anonymous
    last = updates[-1].poll
    assert last is not None and [o.voter_count for o in last.options] == [1, 0, 1]
    assert final.is_closed and [o.voter_count for o in final.options] == [1, 0, 1]
    with pytest.raises(ValueError, match="closed"):
        await sb.vote(group, ada, sent.message_id, [1])
