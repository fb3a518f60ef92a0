"""The web chat answers only its own page: a loopback Host, same-origin writes, this run's key.

Before the fix any page could reach it: with ``Host: attacker.example`` and a foreign Origin,
``GET /api/state`` and ``POST /api/send`` answered 200, so DNS rebinding read the archive and
posted as any member.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.core.config import Config
from bot.sandbox import Sandbox
from bot.webchat import start_webchat
from bot.webchat.access import LOOPBACK_HOSTS, Access
from tests.processes import start_bot, stop, web_chat_url
from tests.webchat.site import Site, open_web_chat, origin_of

SandboxFactory = Callable[..., Awaitable[Sandbox]]
EXTRA_HOST = "chat.example"


@pytest.fixture
async def site(sandbox: SandboxFactory) -> AsyncIterator[Site]:
    """The web chat over a fresh sandbox, opened at its printed address; one extra host name."""
    sb = await sandbox()
    web = await start_webchat(sb, port=0, hosts=[EXTRA_HOST])
    async with open_web_chat(web.url, timeout=5) as client:
        yield Site(sb, web, client)
    await web.stop()


def world_of(site: Site) -> tuple[int, int, int, int]:
    """Return what a write could change: messages, updates, chats and members of the group."""
    group = site.sandbox.world.find_chat(site.chat_id)
    return (
        len(site.sandbox.messages(site.chat_id)),
        len(site.sandbox.pending_updates),
        len(site.sandbox.world.chats),
        len(group.members),
    )


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:{port}",
        "localhost.attacker.example:{port}",
        "127.0.0.1.nip.io:{port}",
        "10.0.0.7:{port}",
        "[::2]:{port}",
        "",
        "local host",
    ],
)
async def test_a_foreign_host_is_refused_even_with_the_key(site: Site, host: str) -> None:
    headers = {"Host": host.format(port=site.web.port)}
    state = await site.client.get("/api/state", headers=headers)
    page = await site.client.get(site.web.url, headers=headers)
    assert (state.status_code, page.status_code) == (403, 403)
    assert "COMMONS_WEB_HOSTS" in state.json()["error"]
    assert "Commons Reading Group" not in state.text + page.text


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "LOCALHOST:{port}",
        "[::1]:{port}",
        "localhost.:{port}",
        f"{EXTRA_HOST}:{{port}}",
        "Chat.Example:{port}",
    ],
)
async def test_loopback_names_and_those_the_setting_adds_are_served(site: Site, host: str) -> None:
    state = await site.client.get("/api/state", headers={"Host": host.format(port=site.web.port)})
    assert (state.status_code, state.json()["chat"]["id"]) == (200, site.chat_id)


def test_the_setting_lists_extra_host_names() -> None:
    config = Config.from_env({"COMMONS_WEB_HOSTS": " chat.example, ,Other.Example:8080 ,"})
    assert (config.web_hosts, Config.from_env({}).web_hosts) == (
        ("chat.example", "Other.Example:8080"),
        (),
    )


def test_extra_host_names_are_compared_as_the_host_header_is() -> None:
    access = Access.for_run(["Chat.Example:8443", "[fd00::1]", "tea.example.", " ", "a b"])
    assert access.hosts - LOOPBACK_HOSTS == {"chat.example", "fd00::1", "tea.example"}


@pytest.mark.parametrize(
    "origin",
    [
        "http://attacker.example",
        "null",
        "http://localhost:{port}",  # same machine and port, another host name: another origin
        "http://127.0.0.1:{other}",  # another server on this machine
        "http://127.0.0.1",
        "http://127.0.0.1:{port}.attacker.example",
        "not a url",
    ],
)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/send", {"name": "Bo", "text": "posted by another site"}),
        ("/api/members", {"name": "Mallory"}),
        ("/api/private", {"user_id": "Bo"}),
        ("/api/clock", {"to": "evening"}),
    ],
)
async def test_a_foreign_origin_cannot_write_and_nothing_is_sent(
    site: Site, origin: str, path: str, body: dict[str, Any]
) -> None:
    body = {key: site.member(v) if key == "user_id" else v for key, v in body.items()}
    before = world_of(site)
    headers = {"Origin": origin.format(port=site.web.port, other=site.web.port + 1)}
    response = await site.client.post(path, json=body, headers=headers)
    assert (response.status_code, response.json()) == (
        403,
        {"error": "only the web chat's own page may change anything here"},
    )
    assert world_of(site) == before


async def test_the_pages_own_origin_and_none_may_write(site: Site) -> None:
    own = {"Origin": f"http://127.0.0.1:{site.web.port}"}
    sent = await site.client.post("/api/send", json={"name": "Bo", "text": "one"}, headers=own)
    bare = await site.client.post("/api/send", json={"name": "Bo", "text": "two"})
    assert (sent.status_code, bare.status_code) == (200, 200)
    assert [m["text"] for m in site.sandbox.messages(site.chat_id)[-2:]] == ["one", "two"]


async def test_reading_is_not_refused_for_an_origin(site: Site) -> None:
    # A GET changes nothing; without CORS headers the browser shows another site nothing.
    state = await site.client.get("/api/state", headers={"Origin": "http://attacker.example"})
    assert state.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/state",
        "/api/events",
        "/api/clock",
        "/api/file/{chat}/1",
        "/static/app.js",
    ],
)
@pytest.mark.parametrize("key", [None, "{key}x", "é"])
async def test_without_the_key_nothing_is_served(site: Site, path: str, key: str | None) -> None:
    params = {} if key is None else {"token": key.format(key=site.web.access.token)}
    async with httpx.AsyncClient(base_url=origin_of(site.web.url)) as stranger:
        response = await stranger.get(path.format(chat=site.chat_id), params=params)
    assert response.status_code == 401
    assert "the one ending in /?token=" in response.text
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/send", {"name": "Bo", "text": "posted without the key"}),
        ("/api/members", {"name": "Mallory"}),
        ("/api/clock", {"to": "evening"}),
    ],
)
async def test_without_the_key_nothing_is_written(
    site: Site, path: str, body: dict[str, Any]
) -> None:
    before = world_of(site)
    async with httpx.AsyncClient(base_url=origin_of(site.web.url)) as stranger:
        response = await stranger.post(path, json=body)
    assert (response.status_code, world_of(site)) == (401, before)


async def test_a_key_from_another_run_is_refused(site: Site) -> None:
    other = await start_webchat(site.sandbox, port=0)
    await other.stop()
    async with httpx.AsyncClient(base_url=origin_of(site.web.url)) as stranger:
        response = await stranger.get("/", params={"token": other.access.token})
    assert response.status_code == 401


async def test_the_printed_address_opens_the_page_and_keeps_the_key_in_a_strict_cookie(
    site: Site,
) -> None:
    async with httpx.AsyncClient() as browser:
        page = await browser.get(site.web.url)
        cookie = page.headers["set-cookie"]
        state = await browser.get(origin_of(site.web.url) + "api/state")
    assert (page.status_code, "<html" in page.text.lower()) == (200, True)
    assert cookie.startswith(f"commons_webchat_{site.web.port}={site.web.access.token};")
    assert {part.strip() for part in cookie.split(";")[1:]} == {
        "HttpOnly",
        "Path=/",
        "SameSite=Strict",
    }
    assert (state.status_code, state.json()["chat"]["id"]) == (200, site.chat_id)


async def test_the_printed_address_of_a_real_run_works_and_nothing_else(tmp_path: Path) -> None:
    process = await start_bot(tmp_path, COMMONS_WEB_PORT="0", COMMONS_WEB_HOSTS=EXTRA_HOST)
    try:
        url = await web_chat_url(process)
        async with httpx.AsyncClient() as stranger:
            refused = await stranger.get(origin_of(url) + "api/state")
        async with open_web_chat(url) as client:
            port = httpx.URL(url).port
            state = await client.get("/api/state")
            named = await client.get("/api/state", headers={"Host": f"{EXTRA_HOST}:{port}"})
            foreign = await client.get("/api/state", headers={"Host": f"attacker.example:{port}"})
    finally:
        await stop(process)
    assert url.startswith("http://127.0.0.1:") and "/?token=" in url
    assert [r.status_code for r in (refused, state, named, foreign)] == [401, 200, 200, 403]
