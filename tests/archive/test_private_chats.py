"""A private chat is the person's own, in the archive: what it starts with, its one hello, and
the morning passage only when asked for."""

from __future__ import annotations

from bot.archive import operations
from bot.archive.store import Store
from bot.core.personal import gets_passages

ANA, GROUP, NOW = 7, -1001, 1_900_000_000


def test_a_private_chat_first_seen_asks_for_nothing_and_a_group_gets_its_passages(store: Store):
    private = operations.register_chat(store, ANA, now=NOW, type="private", title="Ana")
    group = operations.register_chat(store, GROUP, now=NOW, type="supergroup", title="Readers")
    assert (private["passages"], private["quiet_day"], gets_passages(private)) == (
        False,
        "silent",
        False,
    )
    assert (group["passages"], group["quiet_day"], gets_passages(group)) == (True, "line", True)


def test_a_known_private_chat_keeps_its_settings_when_seen_again(store: Store):
    operations.register_chat(store, ANA, now=NOW, type="private", title="Ana")
    operations.turn_passages(store, ANA, on=True, now=NOW, post_time="07:30")
    again = operations.register_chat(store, ANA, now=NOW + 60, type="private", title="Ana K")
    assert (again["passages"], again["post_time"], again["title"]) == (True, "07:30", "Ana K")


def test_starting_the_private_chat_greets_once_and_lets_a_refused_digest_through(store: Store):
    store.register_chat(GROUP, type="supergroup", title="Readers", now=NOW)
    store.set_personal_digest(ANA, GROUP, now=NOW)
    store.refuse_personal_digest(ANA, now=NOW)
    chat, digest = operations.open_private_chat(
        store, ANA, now=NOW + 1, type="private", title="Ana"
    )
    assert (chat["id"], chat["active"], digest is not None) == (ANA, True, True)
    assert digest is not None and digest["refused_at"] is None
    assert operations.greet_privately(store, ANA, now=NOW + 2, language="es") is False
    stored = store.get_chat(ANA)
    assert stored is not None and stored["greeted_at"] == NOW + 1


def test_the_one_hello_is_said_once_in_the_persons_language(store: Store):
    first = operations.greet_privately(store, ANA, now=NOW, language="es")
    second = operations.greet_privately(store, ANA, now=NOW + 5, language="de")
    chat = store.get_chat(ANA)
    assert (first, second) == (True, False)
    assert chat is not None
    assert (chat["language"], chat["greeted_at"], chat["active"], chat["passages"]) == (
        "es",
        NOW,
        False,
        False,
    )
    store.forget_greeting(ANA)  # Telegram refused the hello: it was never seen
    assert operations.greet_privately(store, ANA, now=NOW + 9, language="de") is True


def test_passages_in_private_start_and_stop_when_asked(store: Store):
    operations.register_chat(store, ANA, now=NOW, type="private", title="Ana")
    store.set_active(ANA, False)
    on = operations.turn_passages(
        store, ANA, on=True, now=NOW, post_time="06:45", timezone="Europe/Lisbon"
    )
    off = operations.turn_passages(store, ANA, on=False, now=NOW)
    assert (on["passages"], on["active"], on["post_time"], on["timezone"]) == (
        True,
        True,
        "06:45",
        "Europe/Lisbon",
    )
    assert (off["passages"], off["active"], off["post_time"]) == (False, True, "06:45")
