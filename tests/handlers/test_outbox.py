"""The outbox: where a post goes in a forum, and the order a digest's parts go out in."""

from __future__ import annotations

from typing import Any

from bot.core.records import Delivery
from bot.handlers import outbox


def test_posts_go_to_the_chosen_forum_topic_only_in_a_forum() -> None:
    assert outbox.topic_of({"is_forum": True, "topic_thread_id": "12"}) == 12
    assert outbox.topic_of({"is_forum": False, "topic_thread_id": 12}) is None
    assert outbox.topic_of({"is_forum": True, "topic_thread_id": None}) is None
    assert outbox.topic_of({}) is None


async def test_a_digest_goes_out_in_order_then_its_file_and_answers_with_its_first_part():
    sent: list[Any] = []

    async def send(text: str) -> Any:
        sent.append(text)
        return None if text == "lost" else f"message {len(sent)}"

    async def send_file(filename: str, data: bytes) -> Any:
        sent.append((filename, data))
        return "file"

    plan = Delivery(messages=("lost", "two", "three"), document=("day.html", b"<p>"))
    assert await outbox.send_digest(plan, send, send_file) == "message 2"
    assert sent == ["lost", "two", "three", ("day.html", b"<p>")]
    sent.clear()
    assert await outbox.send_digest(Delivery(("one",), None), send, send_file) == "message 1"
    assert sent == ["one"]
