"""Skipped dates and /upcoming through the real bot, the days run with the clock: what
/upcoming shows is what the days post, across a change of time zone and daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.archive.store import Store
from bot.core.agenda import suggestion_number
from tests.handlers.suggesting import ask, quick_world
from tests.harness import BotWorld


@pytest.fixture
async def world(sandbox, tmp_path) -> BotWorld:
    return await quick_world(sandbox, tmp_path)


async def run_hours(world: BotWorld, start: datetime, hours: int) -> None:
    """Move the clock an hour at a time, doing what the minute's sweep does at each."""
    for hour in range(hours):
        world.clock.set(start + timedelta(hours=hour))
        await world.deliver_due()


async def posted(world: BotWorld, chat_id: int, first: str, last: str, kind: str) -> dict:
    """Return {local date: what the day's post of that kind did} from the archive."""
    posts = await world.archive.read(Store.posts_between, chat_id, first, last, kind)
    return {p["local_date"]: (p["status"], p["passage_id"]) for p in posts}


def as_upcoming(status_and_id: tuple[str, str | None] | None, authors: dict[int, str]) -> str:
    """Say what a day's post was, the way /upcoming says what it will be."""
    if status_and_id is None or status_and_id[0] == "skipped":
        return "skipped"
    number = suggestion_number(status_and_id[1])
    if number is not None:
        return f"suggestion #{number} by {authors[number]}"
    return f"passage {status_and_id[1]}"


async def test_upcoming_is_what_the_next_seven_days_post(world):
    async with world.running():
        group = await world.group_with_passage()  # Tuesday 5 March: today's passage is out
        await ask(world, group, "Bo", "/suggest Seeds travel further when nobody owns them.")
        await ask(world, group, "Cy", "/suggest A library of tools is a library of trust.")
        await ask(world, group, "Ana", "/approve 2")
        await ask(world, group, "Ana", "/approve 1")
        skipped = await ask(world, group, "Ana", "/skip 2030-03-08")
        shown = await ask(world, group, "Dee", "/upcoming")
        await run_hours(world, datetime(2030, 3, 6, 0, 0, tzinfo=UTC), 7 * 24)
        passages = await posted(world, group["id"], "2030-03-06", "2030-03-12", "passage")
        digests = await posted(world, group["id"], "2030-03-06", "2030-03-12", "digest")
        weekly = await posted(world, group["id"], "2030-03-06", "2030-03-12", "weekly")
    lines = shown.splitlines()
    assert lines[0] == "The next seven days"
    assert [line.split(" · ")[0] for line in lines[1:]] == [
        "Wed 6 Mar", "Thu 7 Mar", "Fri 8 Mar", "Sat 9 Mar",
        "Sun 10 Mar", "Mon 11 Mar", "Tue 12 Mar",
    ]  # fmt: skip
    days = [(date(2030, 3, 6) + timedelta(days=n)).isoformat() for n in range(7)]
    authors = {1: "Bo", 2: "Cy"}
    assert [line.split(" · ")[1] for line in lines[1:]] == [
        as_upcoming(passages.get(day), authors) for day in days
    ]
    assert lines[1:4] == [
        "Wed 6 Mar · suggestion #2 by Cy",  # approved first, posted first
        "Thu 7 Mar · suggestion #1 by Bo",
        "Fri 8 Mar · skipped",
    ]
    assert skipped.startswith("Friday 8 March is skipped: no passage and no evening digest")
    # A skipped date: no passage and no evening digest; the weekly one (Sunday) still comes.
    assert passages["2030-03-08"][0] == "skipped" and digests["2030-03-08"][0] == "skipped"
    assert [d for d, (status, _) in digests.items() if status == "sent"] == [
        d for d in days if d != "2030-03-08"
    ]
    assert weekly == {"2030-03-10": ("sent", None)}


async def test_a_skipped_date_holds_across_daylight_saving(world):
    async with world.running():
        group = await world.group_with_passage()
        await ask(world, group, "Ana", "/settz Europe/Berlin")
        # Clocks go forward in Berlin on Sunday 31 March 2030, at 02:00.
        await ask(world, group, "Ana", "/skip 2030-03-31")
        await run_hours(world, datetime(2030, 3, 29, 0, 0, tzinfo=UTC), 4 * 24)
        passages = await posted(world, group["id"], "2030-03-29", "2030-04-01", "passage")
    assert {day: status for day, (status, _) in passages.items()} == {
        "2030-03-29": "sent",
        "2030-03-30": "sent",
        "2030-03-31": "skipped",
        "2030-04-01": "sent",
    }
    morning_posts = [t for t in world.sent_texts(group) if t.startswith("Commons, ")]
    assert len([t for t in morning_posts if "March" in t or "April" in t]) == len(
        set(morning_posts)
    )


async def test_a_skipped_date_is_the_groups_calendar_date_after_a_change_of_zone(world):
    async with world.running():
        group = await world.group_with_passage()
        await ask(world, group, "Ana", "/settz Europe/Berlin")
        await ask(world, group, "Ana", "/skip 2030-03-12")
        # On the evening of the 11th (Berlin), the group moves to Los Angeles time, where it
        # is still the morning of the 11th.
        world.clock.set(datetime(2030, 3, 11, 19, 0, tzinfo=UTC))
        await world.deliver_due()
        await ask(world, group, "Ana", "/settz America/Los_Angeles")
        upcoming = await ask(world, group, "Ana", "/upcoming")
        await run_hours(world, datetime(2030, 3, 11, 19, 0, tzinfo=UTC), 3 * 24)
        passages = await posted(world, group["id"], "2030-03-11", "2030-03-14", "passage")
    assert upcoming.splitlines()[1] == "Tue 12 Mar · skipped"
    assert {day: status for day, (status, _) in passages.items()} == {
        "2030-03-11": "sent",
        "2030-03-12": "skipped",
        "2030-03-13": "sent",
        "2030-03-14": "sent",
    }


async def test_skip_and_unskip_answer_and_refuse_as_they_should(world):
    async with world.running():
        group = await world.group_with_passage()
        member = await ask(world, group, "Bo", "/skip 2030-03-20")
        past = await ask(world, group, "Ana", "/skip 2030-03-05")
        bad = await ask(world, group, "Ana", "/skip next friday")
        done = await ask(world, group, "Ana", "/skip 2030-03-20")
        again = await ask(world, group, "Ana", "/skip 2030-03-20")
        undone = await ask(world, group, "Ana", "/unskip 2030-03-20")
        never = await ask(world, group, "Ana", "/unskip 2030-03-21")
        position = (await world.archive.read(Store.get_chat, group["id"]))["corpus_position"]
        plain = await ask(world, group, "Ana", "/skip")
        moved = (await world.archive.read(Store.get_chat, group["id"]))["corpus_position"]
    assert member == "Sorry, only this chat's admins can change that."
    assert past == "Tuesday 5 March has begun or passed here: only a coming date can be skipped."
    assert bad.startswith("Usage: /skip skips the book's next passage; /skip YYYY-MM-DD")
    assert done.startswith("Wednesday 20 March is skipped")
    assert again == "Wednesday 20 March is skipped already."
    assert undone == "Wednesday 20 March brings its passage again."
    assert never == "Thursday 21 March was not skipped."
    assert plain.startswith("Skipped passage ")  # /skip alone: the book's next passage, as before
    assert moved == position + 1


async def test_a_paused_chat_sees_every_coming_day_paused_until_it_resumes(world):
    async with world.running():
        group = await world.group_with_passage()
        await ask(world, group, "Ana", "/pause")
        paused = await ask(world, group, "Bo", "/upcoming")
        await ask(world, group, "Ana", "/resume")
        resumed = await ask(world, group, "Bo", "/upcoming")
    assert [line.split(" · ")[1] for line in paused.splitlines()[1:]] == ["paused"] * 7
    assert resumed.splitlines()[1] == "Wed 6 Mar · passage ch1-02"
