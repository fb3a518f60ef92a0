"""``python -m bot check``'s line for a chat's next slot (the command line speaks English)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.cli.check import describe_next
from tests.core.test_schedule import BERLIN, make_chat, utc


@pytest.mark.parametrize(
    ("kind", "now", "expected"),
    [
        ("passage", utc(2025, 11, 24, 4, 48), "Mon 24 Nov 09:00 Europe/Berlin (in 3 h 12 min)"),
        ("digest", utc(2025, 11, 24, 19, 58, 30), "Mon 24 Nov 21:00 Europe/Berlin (in 1 min)"),
        (
            "digest",
            utc(2025, 11, 24, 19, 59, 59),
            "Mon 24 Nov 21:00 Europe/Berlin (in under a minute)",
        ),
        ("weekly", utc(2025, 11, 24, 4, 48), "Sun 30 Nov 18:00 Europe/Berlin (in 6 d 12 h)"),
        ("passage", utc(2025, 11, 24, 8, 50), "Tue 25 Nov 09:00 Europe/Berlin (in 23 h 10 min)"),
    ],
)
def test_describe_next(kind: str, now: datetime, expected: str) -> None:
    assert describe_next(make_chat(timezone=BERLIN), kind, now) == expected
