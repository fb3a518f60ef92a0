"""Exactly once by the group's calendar: a change of time zone never gives a chat two passages
(or two digests) on one local day of its new zone, east or west of UTC, either side of midnight.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.harness import BotWorld, make_world

MARCH_5 = datetime(2030, 3, 5, tzinfo=UTC)


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await make_world(sandbox, tmp_path, ("Ana", "Bo"))


def at(hours: float) -> datetime:
    return MARCH_5 + timedelta(hours=hours)


def kind_of(sent: dict) -> str:
    """Tell a morning passage from an evening digest; answers and the welcome are other."""
    text = sent["text"] or ""
    if sent["reply_to_message_id"] is not None or "/settz" in text:
        return "other"
    if "written in the margin" in text:  # digests quote the counterpoint too
        return "passage"
    return "digest" if "Evening digest" in text or "a quiet day" in text else "other"


def local_days(world: BotWorld, group: dict, kind: str, zone: str) -> Counter[str]:
    """Count the bot's posts of a kind by their local date in zone."""
    tz = ZoneInfo(zone)
    return Counter(
        datetime.fromtimestamp(s["date"], UTC).astimezone(tz).date().isoformat()
        for s in world.sent(group)
        if kind_of(s) == kind
    )


async def run_until(world: BotWorld, until: datetime) -> None:
    """Move the clock in ten-minute steps, running the sweep at each."""
    while world.clock() < until:
        world.clock.advance(minutes=10)
        await world.deliver_due()


CASES = {
    # 23:40 UTC: the bot joins and posts at once (UTC's 09:00 has passed); it is already the
    # 6th in Berlin, so a 01:00 Berlin post would be a second passage on the 6th.
    "east-across-midnight": (
        at(23 + 40 / 60), [], ["/settz Europe/Berlin", "/settime 01:00"], "Europe/Berlin",
        {"2030-03-06": 1, "2030-03-07": 1, "2030-03-08": 1}, "Thu 7 Mar 01:00",
    ),
    # 10:00 UTC post is 19:00 in Tokyo on the 5th; a 20:00 Tokyo post would be the second.
    "east-same-day": (
        at(10), [], ["/settz Asia/Tokyo", "/settime 20:00"], "Asia/Tokyo",
        {"2030-03-05": 1, "2030-03-06": 1, "2030-03-07": 1}, "Wed 6 Mar 20:00",
    ),
    # 00:10 UTC on the 6th is 19:10 on the 5th in New York; 20:00 New York is the same day.
    "west-across-midnight": (
        at(0), ["/settime 00:10"], ["/settz America/New_York", "/settime 20:00"],
        "America/New_York", {"2030-03-04": 1, "2030-03-05": 1, "2030-03-06": 1}, "Tue 5 Mar 20:00",
    ),
    # 10:00 UTC is 05:00 in New York on the 5th; a 06:00 post there would be the second.
    "west-same-day": (
        at(10), [], ["/settz America/New_York", "/settime 06:00"], "America/New_York",
        {"2030-03-05": 1, "2030-03-06": 1, "2030-03-07": 1}, "Wed 6 Mar 06:00",
    ),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("join", "before", "change", "zone", "expected", "next_post"), CASES.values(), ids=CASES
)
async def test_a_zone_change_never_gives_two_passages_on_one_local_day(
    world, join, before, change, zone, expected, next_post
):
    world.clock.set(join)
    async with world.running():
        group = await world.group_with_bot(members=["Ana"])
        for command in before:
            await world.command(group, "Ana", command)
        world.clock.advance(minutes=10)
        await world.deliver_due()
        answers = [await world.command(group, "Ana", command) for command in change]
        await run_until(world, join + timedelta(days=2, hours=12))
    passages = local_days(world, group, "passage", zone)
    assert dict(sorted(passages.items())[: len(expected)]) == expected
    assert set(passages.values()) == {1}
    assert f"Morning passage: next {next_post} ({zone})" in answers[-1]


@pytest.mark.slow
async def test_a_zone_change_never_gives_two_digests_on_one_local_day(world):
    world.clock.set(at(8))
    async with world.running():
        group = await world.group_with_bot(members=["Ana"])
        await run_until(world, at(21.5))  # the 21:00 UTC digest is out: 06:00 on the 6th in Tokyo
        await world.command(group, "Ana", "/settz Asia/Tokyo")
        answer = await world.command(group, "Ana", "/setdigest 07:00")
        await run_until(world, at(21.5 + 60))
    digests = local_days(world, group, "digest", "Asia/Tokyo")
    assert sorted(digests.items()) == [("2030-03-06", 1), ("2030-03-07", 1), ("2030-03-08", 1)]
    assert "Evening digest: next Thu 7 Mar 07:00 (Asia/Tokyo)" in answer
