"""A long message typed in the web chat goes as several, as Telegram's apps send it: never cut.

Each part is at most 4,096 UTF-16 code units and ends at a paragraph, a line or a word; each is
a reply to the message the whole answered, and the bot stores each in that thread.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.archive.store import Store
from bot.sandbox.markup import utf16_len
from bot.webchat.parts import split_message
from tests.newcomer.run import Run


def words(count: int) -> str:
    """Return ``count`` numbered words on one line: 'w0000 w0001 ...'."""
    return " ".join(f"w{n:04d}" for n in range(count))


def test_a_message_within_the_limit_is_one_part() -> None:
    text = "x" * 4096
    assert split_message(text) == [text]


def test_a_long_line_is_cut_between_words() -> None:
    text = words(1000)  # 5,999 characters
    parts = split_message(text)
    assert [utf16_len(part) for part in parts] == [4091, 1907]
    assert " ".join(parts) == text
    assert all(part.startswith("w") and part[-4:].isdigit() for part in parts)


def test_a_line_break_is_preferred_to_a_space() -> None:
    text = words(500) + "\n" + words(500)  # each line 2,999 characters
    assert split_message(text) == [words(500), words(500)]


def test_the_limit_counts_utf16_units_and_never_splits_a_character() -> None:
    text = "🙂" * 3000  # 6,000 units, no space anywhere: cut where the part is full
    parts = split_message(text)
    assert [utf16_len(part) for part in parts] == [4096, 1904]
    assert "".join(parts) == text


@pytest.mark.timeout(60)
async def test_a_5000_character_reply_goes_in_parts_all_stored_in_its_thread(run: Run) -> None:
    root = run.morning_post()
    text = "\n".join(f"line {n:02d}: " + " ".join(["commons and care"] * 5) for n in range(54))
    assert len(text) == 5075
    sent = await run.client.post(
        "/api/send",
        json={"chat_id": run.web.chat_id, "name": "Bo", "text": text, "reply_to": root},
    )
    parts = [part["text"] for part in sent.json()["messages"]]
    assert "\n".join(parts) == text
    assert all(utf16_len(part) <= 4096 for part in parts)
    messages = run.sandbox.messages(run.web.chat_id)[-2:]
    assert [(m["text"], m["reply_to_message"]["message_id"]) for m in messages] == [
        (part, root) for part in parts
    ]
    assert await stored_in_thread(run, root, len(parts)) == parts


async def stored_in_thread(run: Run, root: int, count: int) -> list[str]:
    """Return the texts of the thread's last ``count`` messages once the bot has stored them."""
    async with asyncio.timeout(10):
        while True:
            rows = await run.archive.read(Store.thread_messages, run.web.chat_id, root)
            texts = [row["text"] or "" for row in rows if (row["text"] or "").startswith("line")]
            if len(texts) >= count:
                return texts[-count:]
            await asyncio.sleep(0.05)  # polled: the bot stores replies as it fetches them
