"""/status says what became of the last posts as a member would say it, never the archive's word.

The archive keeps a post 'claimed', 'sent', 'failed' or 'skipped'; /status turns each into
"being sent now", "sent ...", "will be retried after ..." or "nothing to post".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.archive import operations
from bot.compose.views import render_status
from bot.core.schedule import Slot
from bot.i18n import translator
from tests.core.test_schedule import make_chat, utc
from tests.harness import START, BotWorld

EN = translator("en")
NOW = utc(2030, 6, 3, 21, 0, 30)  # a Monday, just after the evening digest's 21:00
INTERNAL_WORDS = ("claimed", "failed", "skipped")


def post(day: str, status: str, at: datetime, **fields: Any) -> dict[str, Any]:
    """Return an evening digest's row as the archive keeps it."""
    stamp = int(at.timestamp())
    return {
        "chat_id": -100,
        "local_date": day,
        "kind": "digest",
        "status": status,
        "claimed_at": stamp,
        "sent_at": stamp if status == "sent" else None,
        "error": fields.get("error"),
        "message_id": None,
        "thread_id": None,
        "passage_id": None,
    }


def last_digest_line(row: dict[str, Any] | None) -> str:
    """Return the /status line on the last evening digest, with ``row`` as that digest."""
    chat = make_chat(created_at=int(utc(2030, 6, 1).timestamp()))
    text = render_status(EN, chat, NOW, {"digest": row}, sees=True)
    return next(line for line in text.splitlines() if line.startswith("Last evening digest"))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            post("2030-06-03", "sent", utc(2030, 6, 3, 21, 0, 5)),
            "sent Mon 3 Jun 21:00 (UTC)",
        ),
        (post("2030-06-03", "claimed", utc(2030, 6, 3, 21, 0)), "being sent now (Mon 3 Jun)"),
        (
            post("2030-06-03", "claimed", utc(2030, 6, 3, 20, 50)),
            "interrupted (Mon 3 Jun); will be retried after 21:00",
        ),
        (
            post("2030-06-02", "claimed", utc(2030, 6, 2, 21, 0)),
            "not sent (Sun 2 Jun): interrupted",
        ),
        (
            post("2030-06-03", "failed", utc(2030, 6, 3, 21, 0), error="Timed out"),
            "not sent yet (Mon 3 Jun): Timed out; will be retried after 21:01",
        ),
        (
            post("2030-06-02", "failed", utc(2030, 6, 2, 21, 0), error="Timed out"),
            "not sent (Sun 2 Jun): Timed out",
        ),
        (post("2030-06-03", "skipped", utc(2030, 6, 3, 21, 0)), "nothing to post (Mon 3 Jun)"),
        (None, "none yet"),
    ],
    ids=["sent", "sending", "interrupted", "lost", "retried", "failed", "skipped", "none"],
)
def test_the_last_post_is_told_in_members_words(row: dict[str, Any] | None, expected: str) -> None:
    line = last_digest_line(row)
    assert line == f"Last evening digest: {expected}"
    assert not any(word in line for word in INTERNAL_WORDS)


async def test_status_of_a_digest_claimed_and_not_yet_sent(world: BotWorld) -> None:
    evening = START.replace(hour=21)
    async with world.running():
        group = await world.group_with_passage()
        world.clock.set(evening.replace(second=30))
        # A delivery took the evening's claim and has not sent it yet.
        slot = Slot(group["id"], "digest", evening.date().isoformat())
        assert await world.archive.run(
            operations.claim_slot, slot, now_ts=int(evening.timestamp())
        )
        sending = await world.command(group, "Ana", "/status")
        world.clock.set(evening.replace(minute=5))  # the claim is stale: it was cut short
        interrupted = await world.command(group, "Ana", "/status")
    assert "Last evening digest: being sent now (Tue 5 Mar)" in sending
    assert "Last evening digest: interrupted (Tue 5 Mar); will be retried after 21:05" in (
        interrupted
    )
