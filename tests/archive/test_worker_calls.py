"""Every async archive call reaches the Store (or the named operation) with what it was given.

A handler awaits ``archive.get_post(chat_id, day, kind)``; if the worker passed the day as the
kind, or dropped ``thread_id``, the bot would answer about the wrong post. Each call is made with
a distinct value per parameter, and what the Store function receives is compared by name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from bot.archive import operations as ops
from bot.archive.attribution import join_bot_reply
from bot.archive.store import Store
from bot.archive.worker import Archive

# Archive methods that are not one Store call: the machinery itself.
MACHINERY = {"start", "close", "run", "read", "plan"}
# Calls whose settings or identity travel as keyword arguments.
EXTRA_KEYWORDS = {"timezone": "Europe/Rome", "title": "Circle"}
# The methods as written: plain names (a tool may add renamed copies of them to the class).
CALLS = sorted(
    name
    for name, member in vars(Archive).items()
    if inspect.iscoroutinefunction(member)
    and name.isascii()
    and not name.startswith("_")
    and name not in MACHINERY
)


def target_of(name: str) -> Callable[..., Any]:
    if name == "join_bot_reply":
        return join_bot_reply
    return getattr(Store, name, None) or getattr(ops, name)


class Recorder(Archive):
    """An Archive whose worker only notes which function it would run, and with what."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.calls: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    async def run(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        self.calls.append(("run", fn, args, kwargs))

    async def read(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        self.calls.append(("read", fn, args, kwargs))

    async def plan(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        self.calls.append(("plan", fn, args, kwargs))


def given(name: str, *, with_defaults: bool) -> tuple[list[Any], dict[str, Any]]:
    """A distinct value for each parameter of the Archive method (optional ones if asked)."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in list(inspect.signature(getattr(Archive, name)).parameters.values())[1:]:
        value = f"{name}:{parameter.name}"
        if parameter.kind is parameter.VAR_KEYWORD:
            kwargs.update(EXTRA_KEYWORDS)
        elif parameter.default is not parameter.empty and not with_defaults:
            continue
        elif parameter.kind is parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = value
        else:
            args.append(value)
    return args, kwargs


def received(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What the Store function's parameters are bound to, defaults filled in."""
    bound = inspect.signature(fn).bind("the store", *args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def test_every_call_is_checked() -> None:
    assert len(CALLS) > 50
    assert {"get_chat", "join_bot_reply", "plan_digest", "search", "record_answer"} <= set(CALLS)


@pytest.mark.parametrize("with_defaults", [True, False], ids=["every argument", "required only"])
@pytest.mark.parametrize("name", CALLS)
async def test_a_call_passes_its_arguments_through_unchanged(name: str, with_defaults: bool):
    archive = Recorder()
    args, kwargs = given(name, with_defaults=with_defaults)
    await getattr(Archive, name)(archive, *args, **kwargs)
    [(_, fn, sent_args, sent_kwargs)] = archive.calls
    expected = received(target_of(name), tuple(args), kwargs)
    assert (fn, received(fn, sent_args, sent_kwargs)) == (target_of(name), expected)


READS = {"thread_messages", "thread_of", "search", "export_chat"}
PLANS = {"plan_digest", "plan_personal_digests"}


@pytest.mark.parametrize("name", CALLS)
async def test_long_reads_and_plans_stay_off_the_writer(name: str) -> None:
    archive = Recorder()
    args, kwargs = given(name, with_defaults=True)
    await getattr(Archive, name)(archive, *args, **kwargs)
    [(way, _, _, _)] = archive.calls
    assert way == ("read" if name in READS else "plan" if name in PLANS else "run")
