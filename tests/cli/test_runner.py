"""``python -m bot run`` as a person runs it: a real process, stopped with SIGTERM or refused."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.archive.store import Store
from tests.processes import (
    ROOT,
    WEB_CHAT_LINE,
    free_port,
    run_refused,
    start_bot,
    stop,
    wait_until_exists,
    web_chat_url,
)
from tests.webchat.site import open_web_chat


async def test_run_without_token_serves_the_web_chat_and_stops_on_sigterm(tmp_path):
    port = free_port()
    process = await start_bot(tmp_path, COMMONS_WEB_PORT=str(port))
    try:
        url = await web_chat_url(process)
        async with open_web_chat(url) as client:
            page = await client.get("/")
            state = await client.get("/api/state")
    finally:
        output = await stop(process)
    assert (page.status_code, "<html" in page.text.lower()) == (200, True)
    assert state.json()["chat"]["title"] == "Commons Reading Group"
    # The line printed: "Open the web chat: http://127.0.0.1:PORT/?token=KEY".
    assert (WEB_CHAT_LINE + url).startswith(f"Open the web chat: http://127.0.0.1:{port}/?token=")
    assert "Archive: " in output
    assert process.returncode == 0
    assert (tmp_path / "commons.db").exists()


async def test_the_web_chat_speaks_the_language_its_corpus_names(tmp_path):
    corpus = tmp_path / "corpus.md"
    seed = (ROOT / "seeds" / "corpus.md").read_text(encoding="utf-8")
    corpus.write_text(seed.replace("\nlanguage: en\n", "\nlanguage: es\n", 1), encoding="utf-8")
    process = await start_bot(tmp_path, COMMONS_WEB_PORT="0", COMMONS_CORPUS=str(corpus))
    try:
        async with open_web_chat(await web_chat_url(process)) as client:
            state = await wait_until_says(client, "¡Hola! Soy")
    finally:
        await stop(process)
    assert "Hello! I am" not in state


async def wait_until_says(client: httpx.AsyncClient, words: str, timeout: float = 20) -> str:
    """Return the web chat's state once its text holds words (the bot answers in its time)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while words not in (text := str((await client.get("/api/state")).json())):
        assert asyncio.get_running_loop().time() < deadline, f"never said {words!r}: {text}"
        await asyncio.sleep(0.1)
    return text


async def test_the_token_never_reaches_the_log(sandbox, tmp_path):
    box = await sandbox()
    process = await start_bot(
        tmp_path,
        TELEGRAM_BOT_TOKEN=box.token,
        TELEGRAM_BASE_URL=box.base_url,
        COMMONS_LOG_LEVEL="DEBUG",
    )
    try:
        await box.wait_for(lambda: bool(box.calls_to("getUpdates")), timeout=20)
    finally:
        output = await stop(process)
    assert "getUpdates" in output or "Application started" in output
    assert box.token not in output
    assert process.returncode == 0


# Start-up refusals: one line on stderr naming the setting, exit status 2, the archive untouched.

SECRETISH = "this-is-not-a-token"


def an_archive(path: Path) -> bytes:
    """Write a small real archive at ``path`` and return its bytes."""
    store = Store.open(path)
    store.register_chat(-100123, type="supergroup", title="Readers", now=0)
    store.close()
    return path.read_bytes()


def assert_one_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1, result.stderr
    for text in expected:
        assert text in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TELEGRAM_BOT_TOKEN": SECRETISH}, "TELEGRAM_BOT_TOKEN is not a bot token"),
        ({"TELEGRAM_BOT_TOKEN": "123456:ABC def"}, "TELEGRAM_BOT_TOKEN is not a bot token"),
        ({"COMMONS_WEB_PORT": "eighty"}, "COMMONS_WEB_PORT must be a whole number, not 'eighty'"),
        ({"COMMONS_PORT": "70000"}, "COMMONS_PORT must be a whole number from 1 to 65535"),
        ({"COMMONS_RETENTION_DAYS": "-1"}, "COMMONS_RETENTION_DAYS must be a whole number"),
        ({"COMMONS_LOG_LEVEL": "LOUD"}, "COMMONS_LOG_LEVEL must be DEBUG, INFO, WARNING"),
        ({"COMMONS_WEBHOOK_URL": "http://example.org/hook"}, "COMMONS_WEBHOOK_URL must start"),
        ({"TELEGRAM_BASE_URL": "api.telegram.org"}, "TELEGRAM_BASE_URL must start with http"),
        ({"COMMONS_WEBHOOK_SECRET": "a secret!"}, "COMMONS_WEBHOOK_SECRET must be 1 to 256"),
        (
            {"TELEGRAM_BASE_URL": "api.telegram.org/bot123456:" + "S" * 35},
            "not 'api.telegram.org/bot[REDACTED]'",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(tmp_path, env, expected):
    archive = an_archive(tmp_path / "commons.db")
    result = run_refused(tmp_path, **env)
    assert_one_line(result, expected)
    assert SECRETISH not in result.stderr  # a mistyped token is still a secret
    assert (tmp_path / "commons.db").read_bytes() == archive


def test_a_folder_where_the_archive_cannot_go_names_commons_db(tmp_path):
    (tmp_path / "a-file").write_text("")
    result = run_refused(tmp_path, COMMONS_DB=str(tmp_path / "a-file" / "commons.db"))
    assert_one_line(result, f"COMMONS_DB={tmp_path}/a-file/commons.db", "is a file, not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes any folder")
def test_a_folder_the_bot_cannot_write_names_commons_db_and_the_uid(tmp_path):
    (tmp_path / "locked").mkdir(mode=0o500)
    result = run_refused(tmp_path, COMMONS_DB=str(tmp_path / "locked" / "commons.db"))
    assert_one_line(result, "COMMONS_DB=", f"not writable by this process (uid {os.getuid()}")


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my reading notes, not an archive\n" * 200)
    result = run_refused(tmp_path, COMMONS_DB=str(notes))
    assert_one_line(result, f"COMMONS_DB={notes}: the file is not a SQLite database")
    assert notes.read_text() == "my reading notes, not an archive\n" * 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_archive_failing_quick_check_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "commons.db"
    an_archive(path)
    with sqlite3.connect(path) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'chats'").fetchone()
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
    broken = bytearray(path.read_bytes())
    broken[(root - 1) * page_size] = 0x07  # not a b-tree page type
    path.write_bytes(bytes(broken))
    result = run_refused(tmp_path)
    assert_one_line(result, f"COMMONS_DB={path}: the file", "nothing was changed")
    assert path.read_bytes() == bytes(broken)


def test_an_archive_from_a_newer_version_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "commons.db"
    an_archive(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('commons', 'm999_from_the_future', '2031-01-01')"
        )
    db.close()
    before = path.read_bytes()
    result = run_refused(tmp_path)
    assert_one_line(result, "migrated by a newer version", "m999_from_the_future")
    assert path.read_bytes() == before


def test_a_busy_web_chat_port_names_commons_web_port(tmp_path):
    archive = an_archive(tmp_path / "commons.db")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_refused(tmp_path, COMMONS_WEB_PORT=str(port))
    assert_one_line(result, f"COMMONS_WEB_PORT={port}: port {port} on 127.0.0.1 is already in use")
    assert (tmp_path / "commons.db").read_bytes() == archive


def test_an_address_this_machine_does_not_have_names_commons_listen(tmp_path):
    port = free_port()
    result = run_refused(tmp_path, COMMONS_LISTEN="192.0.2.1", COMMONS_WEB_PORT=str(port))
    # 192.0.2.1 is TEST-NET-1: never an address of this machine.
    assert_one_line(result, f"COMMONS_LISTEN=192.0.2.1: cannot listen on port {port} there")
    assert not (tmp_path / "commons.db").exists()


def test_a_busy_webhook_port_names_commons_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_refused(
            tmp_path,
            TELEGRAM_BOT_TOKEN="123456:" + "A" * 35,
            COMMONS_WEBHOOK_URL="https://bot.example.org/hook",
            COMMONS_PORT=str(port),
        )
    assert_one_line(result, f"COMMONS_PORT={port}: port {port} on 127.0.0.1 is already in use")
    assert not (tmp_path / "commons.db").exists()


async def test_a_token_telegram_refuses_is_one_line_and_touches_nothing(sandbox, tmp_path):
    box = await sandbox()
    archive = an_archive(tmp_path / "commons.db")
    refused = box.token.split(":")[0] + ":" + "R" * 35
    process = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=refused, TELEGRAM_BASE_URL=box.base_url)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert (process.returncode, output.decode().count("\n")) == (2, 1), output.decode()
    assert "TELEGRAM_BOT_TOKEN was refused by Telegram (401 Unauthorized)" in output.decode()
    assert refused not in output.decode()
    assert (tmp_path / "commons.db").read_bytes() == archive


async def test_files_the_bot_creates_are_private_whatever_the_umask(tmp_path):
    data = tmp_path / "data"
    previous = os.umask(0)  # inherited by the bot's process
    try:
        process = await start_bot(
            tmp_path, COMMONS_WEB_PORT="0", COMMONS_DB=str(data / "commons.db")
        )
    finally:
        os.umask(previous)
    try:
        await web_chat_url(process)
        await wait_until_exists(data / "commons.db.heartbeat")
        modes = {p.name: p.stat().st_mode & 0o777 for p in [data, *data.iterdir()]}
    finally:
        await stop(process)
    assert modes == {
        "data": 0o700,
        "commons.db": 0o600,
        "commons.db-wal": 0o600,
        "commons.db-shm": 0o600,
        "commons.db.heartbeat": 0o600,
        "commons.db.lock": 0o600,
    }


def test_a_bot_on_long_polling_loads_no_web_server() -> None:
    # aiohttp (the webhook's server, the sandbox's, the web chat's) is some 10 MB a bot on
    # Telegram with long polling would carry for nothing; the command line loads it where used.
    script = (
        "import sys; import bot.cli.main, bot.cli.refusals, bot.cli.runner, bot.handlers.app; "
        "print(sorted(m for m in ('aiohttp', 'bot.sandbox', 'bot.webchat') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
