"""``python -m bot run`` as a person runs it: a real process, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start_bot(tmp_path: Path, **env: str) -> asyncio.subprocess.Process:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))}
    environ |= {"COMMONS_DB": str(tmp_path / "commons.db"), "PYTHONPATH": str(ROOT)} | env
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=environ,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def wait_until_responds(url: str, timeout: float = 20) -> httpx.Response:
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            try:
                return await client.get(url)
            except httpx.TransportError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.1)


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=15)
    return output.decode()


async def test_run_without_token_serves_the_web_chat_and_stops_on_sigterm(tmp_path):
    port = free_port()
    process = await start_bot(tmp_path, COMMONS_WEB_PORT=str(port))
    try:
        page = await wait_until_responds(f"http://127.0.0.1:{port}/")
        state = await wait_until_responds(f"http://127.0.0.1:{port}/api/state")
    finally:
        output = await stop(process)
    assert (page.status_code, "<html" in page.text.lower()) == (200, True)
    assert state.json()["chat"]["title"] == "Commons Reading Group"
    assert f"Open the web chat: http://127.0.0.1:{port}/" in output
    assert process.returncode == 0
    assert (tmp_path / "commons.db").exists()


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


async def test_a_rejected_token_stops_at_once_with_one_line(sandbox, tmp_path):
    box = await sandbox()
    wrong = box.token.split(":")[0] + ":" + "x" * 35
    process = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_BASE_URL=box.base_url)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    lines = output.decode().strip().splitlines()
    assert (process.returncode, lines[-1]) == (
        1,
        "Error: Telegram rejected the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN.",
    )
    assert "Traceback" not in output.decode()
    assert wrong not in output.decode()
