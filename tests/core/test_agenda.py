"""What each local date brings, decided in one place: queue first, skipped dates, the book's
place, a pause, a book that starts again."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.agenda import (
    DayBrings,
    Outlook,
    Queued,
    suggestion_number,
    suggestion_passage_id,
    what_date_brings,
    what_dates_bring,
)

MONDAY = date(2030, 3, 4)
BOOK = ("a", "b", "c")


def brought(outlook: Outlook, count: int = 5) -> list[str]:
    """Return each date's outcome in a word: a passage id, 's3', 'skipped' or 'paused'."""
    return [
        f"s{day.suggestion.number}" if day.suggestion else day.passage_id or day.brings
        for day in what_dates_bring(outlook, MONDAY, count)
    ]


@pytest.mark.parametrize(
    ("outlook", "expected"),
    [
        (Outlook(False, BOOK, 0), ["a", "b", "c", "a", "b"]),  # the book starts again
        (Outlook(False, BOOK, 4), ["b", "c", "a", "b", "c"]),
        (
            Outlook(False, BOOK, 1, (Queued(3, "Ana"), Queued(1, "Bo"))),
            ["s3", "s1", "b", "c", "a"],
        ),
        (
            Outlook(False, BOOK, 0, (Queued(3, "Ana"),), frozenset({"2030-03-04", "2030-03-06"})),
            ["skipped", "s3", "skipped", "a", "b"],
        ),
        (Outlook(True, BOOK, 0, (Queued(3, "Ana"),)), ["paused"] * 5),
        (
            Outlook(False, (), 0, (Queued(3, "Ana"),)),
            ["s3", "passage", "passage", "passage", "passage"],
        ),
    ],
)
def test_what_the_dates_bring(outlook: Outlook, expected: list[str]) -> None:
    assert brought(outlook) == expected


def test_one_date_is_the_first_of_the_dates() -> None:
    outlook = Outlook(False, BOOK, 2, (Queued(7, "Cy"),))
    assert what_date_brings(outlook, MONDAY) == DayBrings(
        MONDAY, "suggestion", "suggestion:7", Queued(7, "Cy")
    )


@pytest.mark.parametrize(
    ("passage_id", "number"),
    [
        ("suggestion:7", 7),
        ("ch1-07", None),
        (None, None),
        ("suggestion:x", None),
        ("suggestion:", None),
    ],
)
def test_a_passage_id_names_a_suggestion_or_the_book(
    passage_id: str | None, number: int | None
) -> None:
    assert suggestion_number(passage_id) == number
    if number is not None:
        assert suggestion_passage_id(number) == passage_id
