"""feed.atom: valid Atom 1.0 as feedparser reads it, one entry per digest sent, ids that never
change, times in UTC."""

from __future__ import annotations

import calendar

import feedparser

from bot.archive.reading import sent_digests
from bot.i18n import translator
from bot.site import render_site, site_days
from bot.site.feed import render_feed
from tests.site.conftest import CHAT, CORPUS, NOW, Archive


def feed_of(archive: Archive, base_url: str | None = None) -> str:
    return render_site(archive.store, archive.chat(), archive.corpus, NOW, base_url=base_url)[
        "feed.atom"
    ]


def test_the_feed_is_atom_with_one_entry_per_digest_sent_the_latest_first(
    archive: Archive,
) -> None:
    parsed = feedparser.parse(feed_of(archive, "https://example.org/readers/"))
    assert (parsed.bozo, parsed.version) == (False, "atom10")
    assert parsed.feed.title == "Readers · reading room"
    assert [entry.title for entry in parsed.entries] == [
        "Evening digest, Tuesday 4 June 2030",
        "Evening digest, Monday 3 June 2030",
    ]
    assert [entry.link for entry in parsed.entries] == [
        "https://example.org/readers/days/2030-06-04.html",
        "https://example.org/readers/days/2030-06-03.html",
    ]


def test_entry_ids_are_stable_tag_uris_and_times_are_the_sends_in_utc(archive: Archive) -> None:
    text = feed_of(archive)
    parsed = feedparser.parse(text)
    assert [entry.id for entry in parsed.entries] == [
        f"tag:commons-bot,2030:chat/{CHAT}/digest/2030-06-04",
        f"tag:commons-bot,2030:chat/{CHAT}/digest/2030-06-03",
    ]
    sent = [archive.store.get_post(CHAT, day, "digest") for day in ("2030-06-04", "2030-06-03")]
    updated = [calendar.timegm(entry.updated_parsed) for entry in parsed.entries]
    assert updated == [post["sent_at"] for post in sent if post]
    assert "<updated>2030-06-04T19:00:00Z</updated>" in text  # 21:00 in Berlin, written in UTC
    assert feed_of(archive) == text


def test_an_entry_holds_the_days_threads_and_curiosities_of_people_who_may_be_shown(
    archive: Archive,
) -> None:
    monday = feedparser.parse(feed_of(archive)).entries[1]
    content = monday.content[0].value
    assert "Commons need caretakers." in content and "how do seed libraries work?" in content
    assert "wombats" not in content


def test_a_weekly_digest_gets_its_entry_linking_to_its_week(archive: Archive) -> None:
    archive.store.update_chat(CHAT, weekly_day=2)  # the week ends on Wednesday
    archive.store.claim_post(CHAT, "2030-06-05", "weekly", now=1)
    archive.store.mark_post_sent(
        CHAT, "2030-06-05", "weekly", message_id=800, sent_at=1_906_000_000
    )
    latest = feedparser.parse(feed_of(archive)).entries[0]
    assert " ".join(latest.title.split()) == "Weekly digest, 30 May – 5 June 2030"
    assert latest.link.endswith("index.html#week-2030-05-30")
    assert latest.id == f"tag:commons-bot,2030:chat/{CHAT}/weekly/2030-06-05"


def test_every_page_points_feed_readers_to_the_feed(archive: Archive) -> None:
    files = render_site(archive.store, archive.chat(), archive.corpus, NOW)
    assert files["feed.atom"].startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert 'href="../feed.atom"' in files["days/2030-06-03.html"]


def test_the_feed_carries_the_latest_digests_only(archive: Archive) -> None:
    days = {day.local_date: day for day in site_days(archive.store, archive.chat(), CORPUS)}
    digests = sent_digests(archive.store, CHAT)
    text = render_feed(translator("en"), archive.chat(), digests, days, most=1)
    parsed = feedparser.parse(text)
    assert [entry.title for entry in parsed.entries] == ["Evening digest, Tuesday 4 June 2030"]
    assert parsed.feed.updated == "2030-06-04T19:00:00Z"
