"""Channel posts and forwarded messages reach a real PTB bot as Telegram delivers them."""

from __future__ import annotations

from telegram import Bot, MessageOriginChannel, MessageOriginUser


async def test_a_channel_post_reaches_the_bot_only_where_it_is_admin(sandbox):
    sb = await sandbox()
    admin = await sb.create_channel("News", "news", with_bot=True)
    other = await sb.create_channel("Elsewhere")
    await sb.post_to_channel(other, "not for the bot")
    post = await sb.post_to_channel(admin, caption="a map", photo=True)
    async with Bot(sb.token, base_url=sb.base_url) as bot:
        updates = await bot.get_updates(timeout=0)
    assert [u.channel_post.message_id for u in updates] == [post["message_id"]]
    message = updates[0].channel_post
    assert (message.sender_chat.id, message.caption, bool(message.photo)) == (
        admin["id"],
        "a map",
        True,
    )


async def test_a_forwarded_message_carries_its_origin(sandbox):
    sb = await sandbox()
    ana = await sb.create_user("Ana", "ana")
    channel = await sb.create_channel("News", with_bot=False)
    post = await sb.post_to_channel(channel, "from the channel")
    group = await sb.create_supergroup("Readers", [ana], with_bot=True)
    said = await sb.send_message(group, ana, "words of Ana")
    private = await sb.create_private_chat(ana)
    await sb.forward_message(private, ana, channel, post["message_id"])
    await sb.forward_message(private, ana, group, said["message_id"])
    async with Bot(sb.token, base_url=sb.base_url) as bot:
        updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    forwarded = [u.message for u in updates if u.message and u.message.chat.id == private["id"]]
    origins = [m.forward_origin for m in forwarded]
    assert [m.text for m in forwarded] == ["from the channel", "words of Ana"]
    assert isinstance(origins[0], MessageOriginChannel) and origins[0].chat.id == channel["id"]
    assert isinstance(origins[1], MessageOriginUser) and origins[1].sender_user.id == ana["id"]
