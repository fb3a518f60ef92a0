"""In the web chat, message links open the message on the page, a selection can be quoted in a
reply (Telegram's ``quote`` field), and a member's private chat with the bot is one call away."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram import TextQuote, Update

from bot.core.text import message_link
from bot.sandbox import Sandbox
from tests.webchat.site import Site

SandboxFactory = Callable[..., Awaitable[Sandbox]]
DIGEST = (
    "<b>Evening digest</b>\n"
    "<b>Ana</b>: Free people first 🌱 then the network. ↗\n"
    "<b>Bo</b>: Conversation as   infrastructure. ↗"
)


def local_anchor(chat_id: int, message_id: int) -> str:
    return (
        f'<a href="#m{chat_id}_{message_id}" class="msg-link" '
        f'data-chat="{chat_id}" data-message="{message_id}">'
    )


async def test_the_bots_link_to_a_message_in_the_group_opens_it_on_the_page(site: Site) -> None:
    said = await site.sandbox.send_message(site.chat_id, site.member("Bo"), "Care, maybe.")
    chat = site.sandbox.world.find_chat(site.chat_id).chat
    link = message_link(chat, said["message_id"])
    sent = await site.bot_says(site.chat_id, f'Bo said it <a href="{link}">↗</a>')
    view = await site.view_of(sent["message_id"])
    assert view["html"] == f"Bo said it {local_anchor(site.chat_id, said['message_id'])}↗</a>"


async def test_a_public_groups_link_opens_its_message_too(site: Site) -> None:
    ana = site.member("Ana")
    public = await site.sandbox.create_supergroup("Open Readers", [ana], username="openreaders")
    said = await site.sandbox.send_message(public, ana, "Hello")
    link = message_link(public, said["message_id"])
    assert link == f"https://t.me/openreaders/{said['message_id']}"
    sent = await site.bot_says(site.chat_id, f'<a href="{link}">there</a>')
    view = await site.view_of(sent["message_id"])
    assert view["html"] == f"{local_anchor(public['id'], said['message_id'])}there</a>"


@pytest.mark.parametrize(
    "href",
    [
        "https://t.me/c/999999/5",  # a chat this sandbox does not have
        "https://t.me/c/{chat}/999",  # a message the group does not have
        "https://example.org/{chat}/1",
    ],
)
async def test_links_to_anything_else_open_where_they_point(site: Site, href: str) -> None:
    target = href.format(chat=str(site.chat_id)[4:])
    sent = await site.bot_says(site.chat_id, f'<a href="{target}">x</a>')
    view = await site.view_of(sent["message_id"])
    assert view["html"] == f'<a href="{target}" target="_blank" rel="noopener noreferrer">x</a>'


async def test_a_reply_can_quote_a_line_of_the_bots_message(site: Site) -> None:
    digest = await site.bot_says(site.chat_id, DIGEST)
    whole = digest["text"]
    body = {
        "user_id": site.member("Cy"),
        "text": "Which network, though?",
        "reply_to": digest["message_id"],
        # As a browser gives a selection: the words, and where they start on the page.
        "quote": {"text": "first 🌱 then the network", "offset": 30},
    }
    response = await site.client.post("/api/send", json=body)
    sent = site.sandbox.messages(site.chat_id)[-1]
    start = whole.index("first")
    # Telegram counts the position in UTF-16 units; the text is the message's own.
    expected = {"text": "first 🌱 then the network", "position": start, "is_manual": True}
    assert sent["quote"] == expected
    [update] = [u for u in site.sandbox.pending_updates if "message" in u][-1:]
    assert (update["message"]["message_id"], update["message"]["quote"]) == (
        sent["message_id"],
        expected,
    )
    assert response.json()["message"]["quote"] == "first 🌱 then the network"
    # What the bot's library reads from that update: Telegram's TextQuote.
    parsed = Update.de_json(update, None).message
    assert parsed is not None and parsed.quote == TextQuote(
        "first 🌱 then the network", start, is_manual=True
    )


async def test_a_quote_after_an_emoji_counts_utf16_units(site: Site) -> None:
    digest = await site.bot_says(site.chat_id, DIGEST)
    body = {
        "user_id": site.member("Cy"),
        "text": "Yes",
        "reply_to": digest["message_id"],
        # The page's selection runs spaces together; the message keeps its own.
        "quote": {"text": "Conversation as infrastructure."},
    }
    await site.client.post("/api/send", json=body)
    quote = site.sandbox.messages(site.chat_id)[-1]["quote"]
    whole = digest["text"]
    before = whole[: whole.index("Conversation")]
    assert quote["text"] == "Conversation as   infrastructure."
    assert quote["position"] == len(before.encode("utf-16-le")) // 2 == len(before) + 1


@pytest.mark.parametrize(
    ("quote", "reply", "error"),
    [
        (
            {"text": "not in it"},
            True,
            "the selected text is not part of the message it replies to",
        ),
        ({"text": "Evening"}, False, 'a quote is {"text": ...} on a reply'),
        ("Evening", True, 'a quote is {"text": ...} on a reply'),
    ],
)
async def test_a_quote_that_cannot_be_is_refused(
    site: Site, quote: Any, reply: bool, error: str
) -> None:
    digest = await site.bot_says(site.chat_id, DIGEST)
    body = {"user_id": site.member("Cy"), "text": "Hm", "quote": quote}
    if reply:
        body["reply_to"] = digest["message_id"]
    before = len(site.sandbox.messages(site.chat_id))
    response = await site.client.post("/api/send", json=body)
    assert (response.status_code, response.json()["error"]) == (400, error)
    assert len(site.sandbox.messages(site.chat_id)) == before


async def test_the_sandbox_checks_a_quote_against_the_message(site: Site) -> None:
    said = await site.sandbox.send_message(site.chat_id, site.member("Bo"), "abc abc")
    second = await site.sandbox.send_message(
        site.chat_id, site.member("Cy"), "!", reply_to=said, quote={"text": "abc", "position": 4}
    )
    assert second["quote"] == {"text": "abc", "position": 4, "is_manual": True}
    with pytest.raises(ValueError, match="at position 3"):
        await site.sandbox.send_message(
            site.chat_id,
            site.member("Cy"),
            "!",
            reply_to=said,
            quote={"text": "abc", "position": 3},
        )


async def test_a_members_private_chat_opens_with_their_start(site: Site) -> None:
    ana = site.member("Ana")
    first = await site.client.post("/api/private", json={"user_id": ana})
    again = await site.client.post("/api/private", json={"user_id": ana})
    chat = first.json()["chat"]
    assert (chat, again.json()["chat"]) == ({"id": ana, "title": "Ana", "type": "private"},) * 2
    assert [m["text"] for m in site.sandbox.messages(ana)] == ["/start"]  # once, not twice
    state = (await site.client.get("/api/state", params={"chat_id": ana})).json()
    assert state["members"] == [{"id": ana, "name": "Ana", "admin": False}]
    assert {"id": ana, "title": "Ana", "type": "private"} in state["chats"]


async def test_only_its_person_writes_in_a_private_chat(site: Site) -> None:
    ana = site.member("Ana")
    await site.client.post("/api/private", json={"user_id": ana})
    other = await site.client.post(
        "/api/send", json={"chat_id": ana, "user_id": site.member("Bo"), "text": "hi"}
    )
    own = await site.client.post("/api/send", json={"chat_id": ana, "text": "/help"})
    assert (other.status_code, own.status_code) == (400, 200)
    assert site.sandbox.messages(ana)[-1]["from"]["id"] == ana
