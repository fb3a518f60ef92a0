"""What a published site may read of a chat: its days, their rows without people who opted out,
the digests that went out."""

from __future__ import annotations

from bot.archive import Store
from bot.archive.reading import (
    last_passage_sent,
    published_chats,
    sent_digests,
    site_dates,
    site_day,
)
from tests.site.conftest import BO, CHAT, CY, MONDAY, OTHER, TUESDAY, WEDNESDAY, fill


def test_only_chats_whose_admins_published_are_listed(store: Store) -> None:
    fill(store)
    store.register_chat(-5, type="supergroup", title="Quiet", now=0)
    store.update_chat(OTHER, published=False)
    assert [chat["id"] for chat in published_chats(store)] == [CHAT]
    assert published_chats(store)[0]["published"] is True


def test_a_day_is_a_sent_passage_or_a_curiosity_of_someone_who_may_be_shown(
    store: Store,
) -> None:
    fill(store)
    store.add_curiosity(CHAT, user_id=BO, local_date="2030-06-07", text="shown", now=1)
    store.add_curiosity(CHAT, user_id=CY, local_date="2030-06-08", text="opted out", now=1)
    store.claim_post(CHAT, "2030-06-09", "passage", now=1)  # claimed, never sent
    assert site_dates(store, CHAT) == [MONDAY, TUESDAY, WEDNESDAY, "2030-06-07"]


def test_a_days_rows_leave_out_people_who_opted_out(store: Store) -> None:
    fill(store)
    day = site_day(store, CHAT, MONDAY)
    assert day.post is not None and day.post["message_id"] == 500
    assert [m["message_id"] for m in day.messages] == [501, 502, 505]
    assert [c["text"] for c in day.curiosities] == ["how do seed libraries work?"]
    assert site_day(store, CHAT, "2030-06-09").post is None


def test_the_digests_sent_and_the_last_passage(store: Store) -> None:
    fill(store)
    store.claim_post(CHAT, WEDNESDAY, "digest", now=1)  # claimed, not sent: no entry
    assert [(d["local_date"], d["kind"]) for d in sent_digests(store, CHAT)] == [
        (MONDAY, "digest"),
        (TUESDAY, "digest"),
    ]
    last = last_passage_sent(store, CHAT)
    assert last is not None and (last["local_date"], last["message_id"]) == (WEDNESDAY, 700)
    assert last_passage_sent(store, -5) is None
