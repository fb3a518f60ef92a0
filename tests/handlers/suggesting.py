"""What the suggestion tests share: a world without flood control, and a command's own answer."""

from __future__ import annotations

from bot.handlers.app import polite_rate_limiter
from bot.sandbox import Limits
from tests.harness import NAMES, BotWorld, make_world


async def quick_world(sandbox, tmp_path) -> BotWorld:  # type: ignore[no-untyped-def]
    """The five members, and no flood control: a queue and its answers come in a burst."""
    world = await make_world(sandbox, tmp_path, NAMES)
    world.sandbox.set_limits(Limits.off())
    world.rate_limiter = polite_rate_limiter(per_group_per_minute=0)
    return world


async def ask(world: BotWorld, chat: dict, who: str, text: str) -> str:
    """A member sends a command in a group; return the text of the bot's reply to it,
    whatever else the bot sends around it."""
    sent = await world.sandbox.send_message(chat, world.members[who], text)

    def answers() -> list[dict]:
        return [s for s in world.sent(chat) if s["reply_to_message_id"] == sent["message_id"]]

    await world.sandbox.wait_for(lambda: bool(answers()), timeout=10)
    await world.settle()
    return answers()[0]["message"]["text"]
