"""Admin rights in public: a demotion counts at once, and only those who may delete messages
in the group (or its creator) may purge its archive."""

from __future__ import annotations

from bot.archive import Store
from bot.sandbox.world import ALL_UPDATE_TYPES
from tests.harness import BotWorld

REFUSED = "Sorry, only this chat's admins can change that."
NOT_A_PURGER = (
    "Sorry, only this chat's creator, or an admin allowed to delete messages, can purge its "
    "archive."
)


async def test_the_sandbox_tells_the_bot_of_others_changes_only_while_it_is_an_admin(
    world: BotWorld,
) -> None:
    sandbox, bo, cy = world.sandbox, world.members["Bo"], world.members["Cy"]
    sandbox.world.allowed_updates = ALL_UPDATE_TYPES  # as the bot asks, chat_member included
    group = await sandbox.create_supergroup("Readers", [world.members["Ana"], bo, cy])
    await sandbox.add_bot(group, by=world.members["Ana"])
    await sandbox.set_admin(group, bo)
    unseen = [u for u in sandbox.pending_updates if "chat_member" in u]
    await sandbox.set_admin(group, sandbox.bot_user)
    await sandbox.set_admin(group, cy, withheld=["can_delete_messages"])
    [seen] = [u["chat_member"] for u in sandbox.pending_updates if "chat_member" in u]
    assert unseen == []
    assert (seen["old_chat_member"]["status"], seen["new_chat_member"]["status"]) == (
        "member",
        "administrator",
    )
    assert seen["new_chat_member"]["user"]["id"] == cy["id"]
    assert seen["new_chat_member"]["can_delete_messages"] is False
    assert seen["new_chat_member"]["can_pin_messages"] is True


async def test_a_demoted_admin_loses_their_rights_at_once(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        await world.sandbox.set_admin(group, world.members["Bo"])
        promoted = await world.command(group, "Bo", "/settz Europe/Berlin")
        await world.sandbox.set_admin(group, world.members["Bo"], admin=False)
        demoted = await world.command(group, "Bo", "/settz Asia/Tokyo")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert "Europe/Berlin" in promoted
    assert demoted == REFUSED
    assert chat is not None and chat["timezone"] == "Europe/Berlin"


async def test_only_the_creator_or_an_admin_allowed_to_delete_messages_may_purge(
    world: BotWorld,
) -> None:
    async with world.running():
        group = await world.group_with_passage()
        await world.sandbox.set_admin(group, world.members["Bo"], withheld=["can_delete_messages"])
        await world.sandbox.set_admin(group, world.members["Cy"])
        bo = [await world.command(group, "Bo", c) for c in ("/purge", "/purge confirm")]
        kept = await world.archive.run(Store.get_chat, group["id"])
        cy = await world.command(group, "Cy", "/purge")
        warning = await world.command(group, "Ana", "/purge")
        done = await world.command(group, "Ana", "/purge confirm")
        purged = await world.archive.run(Store.get_chat, group["id"])
    assert bo == [NOT_A_PURGER, NOT_A_PURGER]
    assert kept is not None
    assert "cannot be undone" in cy and "cannot be undone" in warning
    assert "Purged" in done and purged is None
