"""The bot as a person runs it: a real ``python -m bot run`` process, started, waited on, stopped.

No test depends on a fixed port being free: each run gets ports the system hands out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
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


WEB_CHAT_LINE = "Open the web chat: "


async def web_chat_url(process: asyncio.subprocess.Process, timeout: float = 20) -> str:
    """Return the address, key and all, the bot printed for its web chat (it listens by then).

    The lines read before it are gone from what ``stop`` returns.
    """
    seen: list[str] = []
    async with asyncio.timeout(timeout):
        assert process.stdout is not None
        while line := (await process.stdout.readline()).decode():
            if line.startswith(WEB_CHAT_LINE):
                return line.removeprefix(WEB_CHAT_LINE).strip()
            seen.append(line)
    raise AssertionError(f"the bot ended without a web chat: {''.join(seen)}")


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


async def wait_until_exists(path: Path, timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not path.exists():
        assert asyncio.get_running_loop().time() < deadline, f"{path} never appeared"
        await asyncio.sleep(0.1)


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=15)
    return output.decode()


def run_refused(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot run`` to its end (a refusal), with ``env`` over a clean environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COMMONS_"))}
    # A free web chat port unless the test names one: 8080 may be busy on this machine, and
    # the web chat's port is checked before the setting a test is about.
    environ |= {
        "COMMONS_DB": str(tmp_path / "commons.db"),
        "COMMONS_WEB_PORT": str(free_port()),
        "PYTHONPATH": str(ROOT),
    } | env
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=environ,
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
