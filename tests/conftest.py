"""Shared fixtures: the loopback Bot API sandbox, and a guard against any real network access."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from bot.sandbox import Sandbox
from tests.harness import NAMES, BotWorld, make_world

# PTB 22 warns (PTBDeprecationWarning) whenever a duration such as RetryAfter.retry_after is read
# as int; opting in to timedelta values is the forward-compatible fix, and warnings fail tests.
os.environ.setdefault("PTB_TIMEDELTA", "true")

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host is None or host == "" or str(host).lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False
    # 0.0.0.0 and :: are wildcard binds for local servers, and connect to this host only.
    return address.is_loopback or address.is_unspecified


class NetworkAccessBlocked(OSError):
    """A test tried to reach past 127.0.0.1."""


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse any connection or lookup beyond loopback, and fail the test that tried one."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address: Any) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            attempts.append(str(address))
            raise NetworkAccessBlocked(f"tests reach only loopback, not {address}")

    def connect(sock: socket.socket, address: Any) -> None:
        check(address)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        check((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    # Libraries may swallow the OSError (PTB retries network errors), so fail here as well.
    if attempts:
        pytest.fail(f"test reached past loopback: {attempts}")


SandboxFactory = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxFactory]:
    """Factory: ``sb = await sandbox(**Sandbox options)`` starts one on 127.0.0.1, port 0.

    Every sandbox started through it is stopped at teardown.
    """
    started: list[Sandbox] = []

    async def start(**options: Any) -> Sandbox:
        instance = Sandbox(**options)
        await instance.start("127.0.0.1", 0)
        started.append(instance)
        return instance

    yield start
    for instance in reversed(started):
        await instance.stop()


# In CI a test that cannot run fails the run instead of skipping quietly, unless .ci/run names
# the reason in COMMONS_CI_ALLOWED_SKIPS (a "|"-separated list of skip-reason fragments).
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI", "").lower() != "true" or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    allowed = [r for r in os.environ.get("COMMONS_CI_ALLOWED_SKIPS", "").split("|") if r]
    if not any(fragment in reason for fragment in allowed):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI without a reason named by .ci/run: {reason}"


@pytest.fixture
async def world(sandbox: SandboxFactory, tmp_path: Any) -> BotWorld:
    """The real bot's world: a sandbox on the frozen clock with five members (``NAMES``).

    A test module that needs other members or settings defines its own ``world``.
    """
    return await make_world(sandbox, tmp_path, NAMES)
