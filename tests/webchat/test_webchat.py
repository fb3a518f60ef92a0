"""The local web chat: its page, JSON API and live stream, over a sandbox without the bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.sandbox import Sandbox
from bot.webchat import DEMO_MEMBERS, DEMO_TITLE, sanitize_telegram_html, start_webchat
from tests.webchat.site import Site

SandboxFactory = Callable[..., Awaitable[Sandbox]]
HOSTILE = "<script>alert(1)</script>"


async def test_the_page_and_its_script_are_served(site: Site) -> None:
    page = await site.client.get("/")
    script = await site.client.get("/static/app.js")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js" defer></script>' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert script.status_code == 200
    assert "EventSource" in script.text


async def test_url_is_the_address_to_open_with_this_runs_key(site: Site) -> None:
    again = await start_webchat(site.sandbox, port=0)
    await again.stop()
    key = site.web.access.token
    assert site.web.url == f"http://127.0.0.1:{site.web.port}/?token={key}"
    assert (len(key), again.access.token == key) == (43, False)  # secrets.token_urlsafe(32)


async def test_state_shows_the_demo_group_its_members_and_the_bot_joining(site: Site) -> None:
    state = await site.state()
    assert state["chat"] == {"id": site.chat_id, "title": DEMO_TITLE, "type": "supergroup"}
    assert [m["name"] for m in state["members"]] == list(DEMO_MEMBERS)
    assert [m["name"] for m in state["members"] if m["admin"]] == ["Ana"]
    assert [m["service"] for m in state["messages"]] == [
        "Ana created the group",
        "Ana added Commons Bot",
    ]
    bot_id = site.sandbox.world.bot_id
    assert site.sandbox.world.find_chat(site.chat_id).members[bot_id] == "administrator"
    [joined] = [u["my_chat_member"] for u in site.sandbox.pending_updates if "my_chat_member" in u]
    assert (joined["chat"]["id"], joined["new_chat_member"]["status"]) == (
        site.chat_id,
        "administrator",
    )


async def test_the_demo_group_is_made_once_per_sandbox(site: Site) -> None:
    again = await start_webchat(site.sandbox, port=0)
    await again.stop()
    groups = [s.id for s in site.sandbox.world.chats.values() if s.type == "supergroup"]
    assert (again.chat_id, groups) == (site.chat_id, [site.chat_id])


async def test_send_posts_into_the_sandbox_as_the_member(site: Site) -> None:
    response = await site.post("/api/send", {"user_id": site.member("Bo"), "text": "Hello all"})
    assert response.status_code == 200
    last = site.sandbox.messages(site.chat_id)[-1]
    assert (last["from"]["first_name"], last["text"]) == ("Bo", "Hello all")
    view = response.json()["message"]
    assert (view["message_id"], view["from"]["name"], view["text"], view["html"]) == (
        last["message_id"],
        "Bo",
        "Hello all",
        None,
    )


async def test_a_reply_through_the_api_carries_reply_to(site: Site) -> None:
    first = await site.post("/api/send", {"user_id": site.member("Cy"), "text": "A question"})
    parent_id = first.json()["message"]["message_id"]
    body = {"user_id": site.member("Dee"), "text": "An answer", "reply_to": parent_id}
    await site.post("/api/send", body)
    last = site.sandbox.messages(site.chat_id)[-1]
    assert last["reply_to_message"]["message_id"] == parent_id
    views = {m["text"]: m["reply_to"] for m in (await site.state())["messages"] if m["text"]}
    assert views == {"A question": None, "An answer": parent_id}


async def test_a_new_name_joins_the_group_once(site: Site) -> None:
    await site.post("/api/send", {"name": "Fay", "text": "Hi, I am new"})
    await site.post("/api/send", {"name": " fay ", "text": "Still me"})
    added = await site.post("/api/members", {"name": "Gus"})
    names = [m["name"] for m in added.json()["members"]]
    assert names == [*DEMO_MEMBERS, "Fay", "Gus"]
    senders = [m["from"]["first_name"] for m in site.sandbox.messages(site.chat_id)[-3:]]
    assert senders == ["Fay", "Fay", "Gus"]


async def test_what_a_person_typed_comes_back_as_plain_text(site: Site) -> None:
    await site.post("/api/send", {"user_id": site.member("Eli"), "text": HOSTILE})
    last = (await site.state())["messages"][-1]
    assert (last["text"], last["html"]) == (HOSTILE, None)


async def test_bot_html_is_kept_as_formatting_and_escaped_text_stays_escaped(site: Site) -> None:
    text = (
        "<b>Today</b> <blockquote expandable>a &lt;script&gt; tag</blockquote> "
        '<a href="https://example.org/x">link</a>'
    )
    sent = await site.bot_api(
        "sendMessage", json={"chat_id": site.chat_id, "text": text, "parse_mode": "HTML"}
    )
    last = (await site.state())["messages"][-1]
    assert (last["message_id"], last["from"]["is_bot"], last["text"]) == (
        sent["message_id"],
        True,
        None,
    )
    assert last["html"] == (
        '<b>Today</b> <blockquote class="expandable">a &lt;script&gt; tag</blockquote> '
        '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">link</a>'
    )


async def test_an_edited_bot_message_shows_its_new_text(site: Site) -> None:
    sent = await site.bot_api(
        "sendMessage", json={"chat_id": site.chat_id, "text": "<i>draft</i>", "parse_mode": "HTML"}
    )
    edit = {"chat_id": site.chat_id, "message_id": sent["message_id"], "text": "<b>final</b>"}
    await site.bot_api("editMessageText", json={**edit, "parse_mode": "HTML"})
    last = (await site.state())["messages"][-1]
    assert (last["html"], last["edited"]) == ("<b>final</b>", True)


async def test_a_file_the_bot_sent_is_a_download_link(site: Site) -> None:
    files = {"document": ("digest.html", b"<h1>Digest</h1>", "text/html")}
    await site.bot_api(
        "sendDocument",
        data={"chat_id": str(site.chat_id), "caption": "The full digest."},
        files=files,
    )
    last = (await site.state())["messages"][-1]
    assert (last["html"], last["document"]["name"]) == ("The full digest.", "digest.html")
    download = await site.client.get(last["document"]["url"])
    assert download.content == b"<h1>Digest</h1>"
    assert download.headers["content-disposition"] == 'attachment; filename="digest.html"'
    missing = await site.client.get(f"/api/file/{site.chat_id}/1")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"user_id": 1, "text": "hi"}, 400, "no user 1 in the sandbox"),
        ({"name": "Bo", "text": "   "}, 400, "text must be a non-empty string"),
        ({"name": "", "text": "hi"}, 400, "a member needs a name"),
        ({"name": "Bo", "text": "hi", "reply_to": 999}, 400, "no message 999 in chat"),
        ({"name": "Bo", "text": "hi", "chat_id": "x"}, 400, "chat_id must be a number"),
        (
            {"name": "Bo", "text": "x" * (16 * 4096 + 1)},
            400,
            "text is longer than 16 messages of 4096 characters",
        ),
    ],
)
async def test_bad_input_is_refused_with_a_reason(
    site: Site, body: dict[str, Any], status: int, error: str
) -> None:
    response = await site.post("/api/send", body)
    assert response.status_code == status
    assert response.json()["error"].startswith(error)


async def test_a_long_reply_goes_as_parts_each_answering_the_message_quoted_once(
    site: Site,
) -> None:
    said = await site.bot_says(site.chat_id, "Who keeps the commons?")
    text = " ".join(f"word{n:04d}" for n in range(500))  # 4,999 characters
    body = {
        "name": "Bo",
        "text": text,
        "reply_to": said["message_id"],
        "quote": {"text": "the commons"},
    }
    response = await site.post("/api/send", body)
    views = response.json()["messages"]
    assert " ".join(view["text"] for view in views) == text
    assert [(view["reply_to"], view["quote"]) for view in views] == [
        (said["message_id"], "the commons"),
        (said["message_id"], None),
    ]
    assert response.json()["message"] == views[0]


async def test_posts_must_be_json(site: Site) -> None:
    response = await site.client.post("/api/send", data={"name": "Bo", "text": "hi"})
    assert response.status_code == 415


async def read_events(lines: AsyncIterator[str], count: int) -> list[dict[str, Any]]:
    """Return the next ``count`` events of a Server-Sent Events stream."""
    events = []
    async with asyncio.timeout(5):
        async for line in lines:
            if line.startswith("data: "):
                events.append(json.loads(line.removeprefix("data: ")))
            if len(events) == count:
                return events
    raise AssertionError(f"the stream ended after {events}")


async def test_the_event_stream_delivers_new_messages_live(site: Site) -> None:
    async with site.client.stream("GET", "/api/events") as stream:
        lines = stream.aiter_lines()
        [hello] = await read_events(lines, 1)
        await site.post("/api/send", {"user_id": site.member("Bo"), "text": HOSTILE})
        await site.bot_api(
            "sendMessage",
            json={"chat_id": site.chat_id, "text": "<b>Noted</b>", "parse_mode": "HTML"},
        )
        person, bot = await read_events(lines, 2)
    assert hello == {"type": "hello", "chat_id": site.chat_id}
    assert (person["type"], person["message"]["text"], person["message"]["html"]) == (
        "message",
        HOSTILE,
        None,
    )
    assert (bot["type"], bot["message"]["html"]) == ("message", "<b>Noted</b>")


async def test_the_event_stream_tells_of_new_members(site: Site) -> None:
    async with site.client.stream("GET", "/api/events") as stream:
        lines = stream.aiter_lines()
        await read_events(lines, 1)
        await site.post("/api/members", {"name": "Hal"})
        joined, members = await read_events(lines, 2)
    assert (joined["type"], joined["message"]["service"]) == ("message", "Hal joined")
    assert [m["name"] for m in members["members"]] == [*DEMO_MEMBERS, "Hal"]


async def test_stopping_ends_open_streams(site: Site) -> None:
    async with site.client.stream("GET", "/api/events") as stream:
        lines = stream.aiter_lines()
        await read_events(lines, 1)
        async with asyncio.timeout(5):
            await site.web.stop()
            rest = [line async for line in lines]
    assert [line for line in rest if line] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain & simple", "plain &amp; simple"),
        ("<b>bold</b> <strong>too</strong>", "<b>bold</b> <b>too</b>"),
        ("<i>i</i><em>e</em><u>u</u><ins>n</ins>", "<i>i</i><i>e</i><u>u</u><u>n</u>"),
        ("<s>s</s><strike>k</strike><del>d</del>", "<s>s</s><s>k</s><s>d</s>"),
        ("<blockquote>q</blockquote>", "<blockquote>q</blockquote>"),
        ("a\n<blockquote>q</blockquote>\n\nb", "a\n<blockquote>q</blockquote>\nb"),
        ("<pre>p</pre>\nb", "<pre>p</pre>b"),
        ("<blockquote expandable>q</blockquote>", '<blockquote class="expandable">q</blockquote>'),
        ("<tg-spoiler>x</tg-spoiler>", '<span class="tg-spoiler">x</span>'),
        ('<span class="tg-spoiler">x</span>', '<span class="tg-spoiler">x</span>'),
        (
            '<pre><code class="language-python">a &lt; b</code></pre>',
            '<pre><code class="language-python">a &lt; b</code></pre>',
        ),
        ('<code class="x" onclick="f()">c</code>', "<code>c</code>"),
        (
            '<a href="https://e.org/?a=1&b=2">e</a>',
            '<a href="https://e.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">e</a>',
        ),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" JaVaScRiPt:alert(1)" onclick="f()">x</a>', "<a>x</a>"),
        (
            '<a href="tg://user?id=1">u</a>',
            '<a href="tg://user?id=1" target="_blank" rel="noopener noreferrer">u</a>',
        ),
        ('<tg-emoji emoji-id="5">👍</tg-emoji>', "👍"),
        (HOSTILE, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
        ("<b onclick='x()'>b</b>", "<b>b</b>"),
        ("<span>plain span</span>", "&lt;span&gt;plain span&lt;/span&gt;"),
        ("<b>unclosed <i>both", "<b>unclosed <i>both</i></b>"),
        ("<b>a <i>b</b> c</i>", "<b>a <i>b</i></b> c&lt;/i&gt;"),
        ("</blockquote>stray", "&lt;/blockquote&gt;stray"),
        ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
        ("<style>body{}</style>", "&lt;style&gt;body{}&lt;/style&gt;"),
    ],
)
def test_sanitiser_keeps_telegram_tags_and_escapes_the_rest(source: str, expected: str) -> None:
    assert sanitize_telegram_html(source) == expected


async def test_a_reaction_is_one_per_person_and_a_second_tap_takes_it_back(site: Site) -> None:
    sent = await site.post("/api/send", {"user_id": site.member("Cy"), "text": "A thought"})
    message_id = sent.json()["message"]["message_id"]

    async def tap(who: str, emoji: str) -> dict[str, int]:
        body = {"user_id": site.member(who), "message_id": message_id, "emoji": emoji}
        response = await site.post("/api/react", body)
        assert response.status_code == 200, response.text
        totals: dict[str, int] = response.json()["reactions"]
        return totals

    assert await tap("Bo", "👍") == {"👍": 1}
    assert await tap("Dee", "👍") == {"👍": 2}
    assert await tap("Bo", "🔥") == {"👍": 1, "🔥": 1}  # Bo's 👍 became a 🔥
    assert await tap("Bo", "🔥") == {"👍": 1}  # and went
    assert (await site.view_of(message_id))["reactions"] == {"👍": 1}
    unknown = await site.post(
        "/api/react", {"user_id": site.member("Bo"), "message_id": 9999, "emoji": "👍"}
    )
    assert (unknown.status_code, unknown.json()["error"]) == (
        400,
        f"no message 9999 in chat {site.chat_id}",
    )


async def test_members_vote_in_the_bots_poll_and_see_its_totals(site: Site) -> None:
    poll = await site.bot_api(
        "sendPoll",
        json={"chat_id": site.chat_id, "question": "Where?", "options": ["here", "there"]},
    )
    message_id = poll["message_id"]
    for who, option in (("Bo", 1), ("Cy", 1), ("Dee", 0)):
        body = {"user_id": site.member(who), "message_id": message_id, "option": option}
        response = await site.post("/api/vote", body)
        assert response.status_code == 200, response.text
    view = await site.view_of(message_id)
    assert view["poll"] == {
        "question": "Where?",
        "options": [{"text": "here", "votes": 1}, {"text": "there", "votes": 2}],
        "closed": False,
    }
    await site.bot_api("stopPoll", json={"chat_id": site.chat_id, "message_id": message_id})
    late = await site.post(
        "/api/vote", {"user_id": site.member("Eli"), "message_id": message_id, "option": 0}
    )
    assert (late.status_code, late.json()["error"]) == (400, "the poll is closed")
