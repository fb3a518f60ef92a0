"""/publish on|off: a chat's admins decide whether its archive becomes a website, /status says
which, and a member who opts out or asks to be forgotten is gone from the next build."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.archive.store import Store
from bot.core.corpus import load_corpus
from bot.site import NotPublished, build_site
from tests.harness import BotWorld

CORPUS = load_corpus(None)


def build(world: BotWorld, chat_id: int, out: Path) -> str:
    """Build the chat's site from the running bot's archive; return every page's text."""
    store = Store.open_reader(world.db_path)
    try:
        chat = store.get_chat(chat_id)
        assert chat is not None
        build_site(store, chat, CORPUS, out, world.clock())
    finally:
        store.close()
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html")))


async def test_a_chat_is_unpublished_until_an_admin_publishes_it(
    world: BotWorld, tmp_path: Path
) -> None:
    async with world.running():
        group = await world.group_with_passage()
        before = await world.command(group, "Bo", "/status")
        refused = await world.command(group, "Bo", "/publish on")
        with pytest.raises(NotPublished):
            build(world, group["id"], tmp_path / "site")
        published = await world.command(group, "Ana", "/publish on")
        after = await world.command(group, "Bo", "/status")
        unpublished = await world.command(group, "Ana", "/publish off")
        usage = await world.command(group, "Ana", "/publish maybe")
        private = await world.sandbox.create_private_chat(world.members["Bo"])
        alone = await world.command(private, "Bo", "/publish on")
        chat = await world.archive.run(Store.get_chat, group["id"])
    assert "Website: not published (/publish on)." in before
    assert refused == "Sorry, only this chat's admins can change that."
    assert published.startswith("Published: the next build of this chat's website")
    assert "/optout or /forgetme" in published
    assert "Website: published (/publish off stops it)." in after
    assert unpublished.startswith("Not published")
    assert "/publish on" in usage and "/publish off" in usage
    assert alone == "A private chat has no website: /publish is for groups."
    assert chat is not None and chat["published"] is False
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
async def test_opting_out_or_being_forgotten_drops_a_member_from_the_next_build(
    world: BotWorld, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    async with world.running():
        group = await world.group_with_passage()
        await world.command(group, "Ana", "/publish on")
        root = world.passage_post(group)["message"]["message_id"]
        bo = await world.say(group, "Bo", "Bo says caretakers matter.", reply_to=root)
        await world.say(group, "Cy", "Cy answers with wombats.", reply_to=bo["message_id"])
        await world.say(group, "Dee", "Dee stays in the room.", reply_to=root)
        first = build(world, group["id"], site)
        await world.command(group, "Cy", "/optout")
        await world.command(group, "Bo", "/forgetme")
        second = build(world, group["id"], site)
    for words in ("Bo says caretakers matter.", "Cy answers with wombats.", "Dee stays"):
        assert words in first
    assert "caretakers" not in second and "wombats" not in second
    assert ">Bo<" not in second and ">Cy<" not in second
    assert "Dee stays in the room." in second
