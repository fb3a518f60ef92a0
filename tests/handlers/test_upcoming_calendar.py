"""/upcoming ics: the coming passages as a calendar file, sent in private to whoever asked."""

from __future__ import annotations

from icalendar import Calendar

from tests.harness import BotWorld


async def test_the_calendar_goes_in_private_and_holds_the_next_thirty_passages(
    world: BotWorld,
) -> None:
    async with world.running():
        group = await world.group_with_passage()
        bo = world.members["Bo"]
        private = await world.sandbox.create_private_chat(bo)
        await world.sandbox.send_message(private, bo, "/start")
        await world.sandbox.wait_for_sent(private, 1)
        await world.command(group, "Ana", "/skip 2030-03-08")
        await world.command(group, "Bo", "/suggest A library of tools is a library of trust.")
        await world.command(group, "Ana", "/approve 1")
        answer = await world.command(group, "Bo", "/upcoming ics")
        [sent] = [s for s in world.sent(private) if s["document"] is not None]
    assert answer == "I sent you the calendar of the coming passages in private."
    assert sent["document"]["filename"] == "upcoming.ics"
    calendar = Calendar.from_ical(sent["document"]["data"])
    days = [event.decoded("DTSTART").date().isoformat() for event in calendar.walk("VEVENT")]
    # Today's passage is out: from tomorrow, thirty passages, the skipped Friday left out.
    assert (len(days), days[0], days[1], days[2]) == (30, "2030-03-06", "2030-03-07", "2030-03-09")
    # Tomorrow brings Bo's approved suggestion; the book goes on after it.
    first, second = list(calendar.walk("VEVENT"))[:2]
    assert str(first["SUMMARY"]) == "Passage · suggested by Bo"
    assert str(first["DESCRIPTION"]) == "A library of tools is a library of trust."
    assert str(second["SUMMARY"]).startswith("Passage · ch")


async def test_someone_who_never_started_the_bot_is_told_how(world: BotWorld) -> None:
    async with world.running():
        group = await world.group_with_passage()
        answer = await world.command(group, "Cy", "/upcoming ics")
    assert "send /start, then /upcoming ics here again" in answer
