"""Personal digests in the archive: settings, the exactly-once claim, privacy, moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.archive import Store
from bot.archive.operations import claim_slot, due_slots, move_chat
from bot.core.corpus import Entry
from bot.core.schedule import Slot
from bot.planning.digests import plan_personal_digests
from tests.archive.support import CHAT, NOW, make_message

GROUP, OTHER, ANA = -1001, -1002, 7
MORNING = datetime(2030, 3, 6, 10, 30, tzinfo=UTC)  # 07:30 in São Paulo
SUBSCRIBED = int((MORNING - timedelta(days=1)).timestamp())
CORPUS = [Entry("one", "ch1", "The passage.", "the reply", 1)]


@pytest.fixture
def store(path):
    opened = Store.open(path)
    for chat_id in (GROUP, OTHER):
        opened.register_chat(chat_id, type="supergroup", title=f"G{chat_id}", now=0)
    yield opened
    opened.close()


def personal_due(store: Store, now: datetime) -> list[Slot]:
    return [slot for slot in due_slots(store, now) if slot.kind == "personal"]


def subscribe(store: Store, chat_id: int = GROUP) -> None:
    store.set_personal_digest(
        ANA, chat_id, now=SUBSCRIBED, timezone="America/Sao_Paulo", digest_time="07:30"
    )


def test_one_time_and_zone_per_person_and_a_list_of_groups(store):
    subscribe(store)
    store.set_personal_digest(ANA, OTHER, now=SUBSCRIBED + 5)
    reader = store.get_personal_digest(ANA)
    assert reader == {
        "user_id": ANA,
        "timezone": "America/Sao_Paulo",
        "digest_time": "07:30",
        "since": SUBSCRIBED,
        "refused_at": None,
        "chat_ids": [OTHER, GROUP],
    }
    assert (store.stop_personal_digest(ANA, GROUP), store.stop_personal_digest(ANA, GROUP)) == (
        True,
        False,
    )
    assert store.get_personal_digest(ANA)["chat_ids"] == [OTHER]
    store.stop_personal_digest(ANA, OTHER)
    assert store.get_personal_digest(ANA) is None  # nothing kept about them for nothing


def test_due_at_the_persons_local_time_and_claimed_once(store):
    subscribe(store)
    assert personal_due(store, MORNING - timedelta(minutes=1)) == []
    [slot] = personal_due(store, MORNING)
    assert slot == Slot(ANA, "personal", "2030-03-06")
    now = int(MORNING.timestamp())
    assert (claim_slot(store, slot, now_ts=now), claim_slot(store, slot, now_ts=now)) == (
        True,
        False,
    )
    store.mark_post_sent(ANA, "2030-03-06", "personal", message_id=3, sent_at=now)
    assert personal_due(store, MORNING + timedelta(hours=5)) == []
    assert personal_due(store, MORNING + timedelta(days=1)) == [
        Slot(ANA, "personal", "2030-03-07")
    ]


def test_the_claim_lives_under_an_inactive_private_chat(store):
    subscribe(store)
    [slot] = personal_due(store, MORNING)
    claim_slot(store, slot, now_ts=int(MORNING.timestamp()))
    private = store.get_chat(ANA)
    assert (private["type"], private["active"]) == ("private", False)
    # So no morning passage or group digest is ever due there.
    later = due_slots(store, MORNING + timedelta(hours=12))
    assert [s.kind for s in later if s.chat_id == ANA] == ["personal"]  # its stale claim only


def test_a_refusal_stops_every_try_until_the_person_starts_the_bot(store):
    subscribe(store)
    store.refuse_personal_digest(ANA, now=0)
    assert personal_due(store, MORNING) == []
    store.resume_personal_digest(ANA)
    assert personal_due(store, MORNING) == [Slot(ANA, "personal", "2030-03-06")]


def test_forgetting_a_person_drops_their_digest(store):
    subscribe(store)
    store.forget_user(ANA)
    assert (store.get_personal_digest(ANA), personal_due(store, MORNING)) == (None, [])


def test_a_purged_group_leaves_no_subscription_and_a_moved_one_keeps_it(store):
    subscribe(store, GROUP)
    store.set_personal_digest(ANA, OTHER, now=SUBSCRIBED)
    store.purge_chat(OTHER)
    assert store.get_personal_digest(ANA)["chat_ids"] == [GROUP]
    move_chat(store, GROUP, -1003, now=0)
    assert store.get_personal_digest(ANA)["chat_ids"] == [-1003]


def test_only_days_with_talk_are_planned_and_they_are_the_groups_latest_evening(store):
    store.claim_post(GROUP, "2030-03-05", "passage", now=0, passage_id="one")
    store.record_passage_sent(GROUP, "2030-03-05", message_id=500, sent_at=0, passage_id="one")
    store.upsert_user(2, first_name="Bo")
    store.keep_messages([make_message(501, chat_id=GROUP, user_id=2, text="bo replies")])
    chats = [store.get_chat(GROUP), store.get_chat(OTHER)]
    [(chat, day, plan)] = plan_personal_digests(store, chats, MORNING, CORPUS)
    assert (chat["id"], day.isoformat()) == (GROUP, "2030-03-05")
    assert "bo replies" in plan.messages[0]
    evening = MORNING.replace(hour=21)  # the group's 21:00 UTC: its own, quiet, day now
    assert plan_personal_digests(store, chats, evening, CORPUS) == []


def test_a_personal_digest_defaults_to_nine_in_the_evening_utc(store: Store) -> None:
    store.register_chat(CHAT, type="group", now=NOW)
    made = store.set_personal_digest(5, CHAT, now=NOW)
    assert (made["timezone"], made["digest_time"], made["chat_ids"]) == ("UTC", "21:00", [CHAT])
    store.refuse_personal_digest(5, now=NOW + 1)
    assert store.personal_readers() == []
    resumed = store.resume_personal_digest(5)
    assert resumed is not None and (resumed["user_id"], resumed["refused_at"]) == (5, None)
    readers = store.personal_readers()
    assert [(r["user_id"], r["chat_ids"]) for r in readers] == [(5, [])]
    assert store.resume_personal_digest(6) is None


def test_a_persons_groups_are_those_the_bot_is_still_active_in(store: Store) -> None:
    for chat_id in (GROUP, OTHER, -1003):
        store.register_chat(chat_id, type="supergroup", title=f"Group {chat_id}", now=NOW)
    assert store.personal_chats(ANA) == []  # no digest asked for
    store.set_personal_digest(ANA, GROUP, now=NOW)
    store.add_personal_chat(ANA, OTHER)
    store.add_personal_chat(ANA, -1003)
    store.set_active(OTHER, False)  # the bot was removed from it
    chats = store.personal_chats(ANA)
    assert sorted((c["id"], c["title"], c["active"]) for c in chats) == [
        (-1003, "Group -1003", True),
        (GROUP, f"Group {GROUP}", True),
    ]
