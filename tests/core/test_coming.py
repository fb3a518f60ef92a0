"""Which local days bring the coming passages, and which passage each brings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.core.coming import coming_passages, first_coming_day
from bot.core.corpus import Entry

CORPUS = [Entry(f"e{n}", "ch", f"passage {n}", "", n) for n in range(5)]


def chat(**settings: Any) -> dict[str, Any]:
    return {
        "timezone": "America/New_York", "post_time": "09:00", "paused": False,
        "passages": True, "corpus_position": 3, **settings,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("now", "last_sent", "expected"),
    [
        # 03:00 UTC is still the evening before in New York.
        (datetime(2030, 6, 4, 3, 0, tzinfo=UTC), None, date(2030, 6, 3)),
        (datetime(2030, 6, 4, 3, 0, tzinfo=UTC), "2030-06-03", date(2030, 6, 4)),
        # Today's hour has passed but its passage has not gone out: it still comes today.
        (datetime(2030, 6, 4, 20, 0, tzinfo=UTC), "2030-06-03", date(2030, 6, 4)),
        (datetime(2030, 6, 4, 20, 0, tzinfo=UTC), "2030-06-04", date(2030, 6, 5)),
        # A change of zone left a passage on a later date than today's: the day after it.
        (datetime(2030, 6, 4, 20, 0, tzinfo=UTC), "2030-06-05", date(2030, 6, 6)),
    ],
)
def test_the_first_coming_day_is_today_unless_today_had_its_passage(
    now: datetime, last_sent: str | None, expected: date
) -> None:
    assert first_coming_day(chat(), now, last_sent) == expected


def test_the_coming_passages_walk_the_corpus_from_the_chats_place_one_a_day() -> None:
    coming = coming_passages(chat(), CORPUS, datetime(2030, 6, 4, 20, 0, tzinfo=UTC), None, 4)
    assert [(c.local_date.day, c.entry.id, c.at.hour) for c in coming] == [
        (4, "e3", 13), (5, "e4", 13), (6, "e0", 13), (7, "e1", 13),
    ]  # fmt: skip


@pytest.mark.parametrize("settings", [{"paused": True}, {"passages": False}])
def test_a_paused_chat_or_a_private_chat_without_passages_has_none_coming(
    settings: dict[str, Any],
) -> None:
    now = datetime(2030, 6, 4, tzinfo=UTC)
    assert coming_passages(chat(**settings), CORPUS, now, None) == []
