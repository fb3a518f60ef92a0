"""The archive's named operations: work that takes several steps, run as one call.

Each function takes the Store first and runs on the database thread (the bot reaches them
through ``Archive.run``) or directly (the command line): what is due across every chat, claiming
a slot, gathering a day's rows for a digest, moving a chat, noting a curiosity with its author.
A loop over every chat or a busy day's rows never holds the event loop, and a multi-step change
is one transaction. Rows go up from here; building and rendering a digest is
``bot.planning``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Unpack

from bot.archive.agenda import brings_on, passage_entry
from bot.archive.rows import Chat, ChatIdentity, Curiosity, PersonalDigest
from bot.archive.store import Store
from bot.core.agenda import DayBrings
from bot.core.corpus import Entry
from bot.core.personal import gets_passages, reader_calendar
from bot.core.reactions import merged, totals_by_message
from bot.core.records import DayInput, Recall
from bot.core.schedule import Slot, due_day, local_date, may_claim, sent_on
from bot.core.text import CLAIM_KINDS, PERSONAL_KIND, POST_KINDS, PostKind, message_link
from bot.core.updates import Author

# How far back a change of time zone re-dates what was sent: today and yesterday, anywhere.
REDATE_SECONDS = 2 * 24 * 3600
# A private chat is its person's own: the passage (and its digests) only once they ask with
# /passage on, and a quiet day there sends nothing, not even a line saying so.
PRIVATE_DEFAULTS: dict[str, Any] = {"passages": False, "quiet_day": "silent"}


def gather_day(
    store: Store, chat: Mapping[str, Any], day: date, corpus: Sequence[Entry]
) -> DayInput:
    """Return one day's passage, post, thread messages, curiosities, reactions and poll."""
    iso = day.isoformat()
    post = store.get_post(chat["id"], iso, "passage")
    curiosities = store.curiosities_between(chat["id"], iso, iso)
    if post is None or post["message_id"] is None:
        return DayInput(day, None, post, [], curiosities, poll=poll_totals(store, chat["id"], iso))
    root = post["message_id"]
    messages = store.thread_messages(chat["id"], root)
    entry = passage_entry(store, chat["id"], post["passage_id"], corpus)
    return replace(
        day_voices(store, chat["id"], iso, root),
        local_date=day,
        entry=entry,
        post=post,
        messages=messages,
        curiosities=curiosities,
    )


def day_voices(store: Store, chat_id: int, local_date: str, root: int) -> DayInput:
    """Return a day's voices without words (the rest of the day left empty): each message's
    reaction totals, the passage's (all its copies), who reacted, and the poll's totals."""
    people = store.reactions_under(chat_id, root)
    reactions = totals_by_message(people, store.reaction_counts_under(chat_id, root))
    copies = {root, *store.copies_of(chat_id, root)}
    reactors = {r["user_id"]: {"user_id": r["user_id"], "author": r["author"]} for r in people}
    return DayInput(
        date.fromisoformat(local_date),
        reactions=reactions,
        passage_reactions=merged(reactions.get(c, ()) for c in copies),
        reactors=[{**row, "opted_out": False} for row in reactors.values()],
        poll=poll_totals(store, chat_id, local_date),
    )


def poll_totals(store: Store, chat_id: int, local_date: str) -> tuple[int, ...] | None:
    """Return the day's poll totals, or None if it had no poll that reached Telegram."""
    poll = store.get_poll(chat_id, local_date)
    return tuple(poll["totals"]) if poll and poll["message_id"] else None


def recall_passage(
    store: Store, chat: Mapping[str, Any], passage_id: str, local_date: str
) -> Recall | None:
    """Return the chat's last day on this passage before local_date, or None if it has none.

    Only people may be named who spoke in their own name and have not opted out; a forgotten
    person's messages are gone, so their name is too.
    """
    post = store.earlier_passage(chat["id"], passage_id, local_date)
    if post is None or post["message_id"] is None:
        return None
    speakers: dict[int, str] = {}
    for message in store.thread_messages(chat["id"], post["message_id"]):
        user_id = message["user_id"]
        if user_id is not None and not message["opted_out"] and message["author"]:
            speakers.setdefault(user_id, message["author"])
    # Alphabetical, so the order says nothing about who spoke first or most.
    names = tuple(sorted(speakers.values(), key=str.casefold))
    link = message_link(chat, post["message_id"])
    return Recall(date.fromisoformat(post["local_date"]), link, names)


# the schedule


def due_slots(
    store: Store, now: datetime, kinds: tuple[PostKind, ...] = CLAIM_KINDS
) -> list[Slot]:
    """Return every slot of every active chat and every person that is due now and not done."""
    now_ts = int(now.timestamp())
    slots = []
    for chat in store.each_active_chat():
        if not gets_passages(chat):
            continue
        for kind in (k for k in kinds if k in POST_KINDS):
            day = due_day(chat, kind, now)
            if not day or not may_claim(store.get_post(chat["id"], day, kind), now_ts):
                continue
            if not _sent_that_day(store, chat, slot := Slot(chat["id"], kind, day)):
                slots.append(slot)
    if PERSONAL_KIND in kinds:
        slots += _due_personal(store, now)
    return slots


def _due_personal(store: Store, now: datetime) -> list[Slot]:
    """Return the personal digests due now: one per person and their own local day."""
    slots = []
    for reader in store.personal_readers():
        # The person's time is read as a chat's digest time, so the same local-time rules
        # (daylight saving, a time set after it passed) apply to it.
        day = due_day(reader_calendar(reader), "digest", now)
        post = store.get_post(reader["user_id"], day, PERSONAL_KIND) if day else None
        if day and may_claim(post, int(now.timestamp())):
            slots.append(Slot(reader["user_id"], PERSONAL_KIND, day))
    return slots


def _sent_that_day(store: Store, chat: Mapping[str, Any], slot: Slot) -> bool:
    """True if a post of the slot's kind, claimed for another date, went out on the slot's
    local day (a change of time zone moved it there)."""
    last = store.last_sent_at(slot.chat_id, slot.kind, other_than=slot.local_date)
    return sent_on(chat, slot.local_date, last)


def _passes_over(store: Store, chat: Mapping[str, Any], slot: Slot, brings: DayBrings) -> bool:
    """True if the slot's day sends none of its kind: it had its post already (the zone
    changed since), or it is a skipped date (no passage, no evening digest; the weekly one
    still comes)."""
    if _sent_that_day(store, chat, slot):
        return True
    return slot.kind != "weekly" and brings.brings == "skipped"


def claim_slot(store: Store, slot: Slot, *, now_ts: int, passage_id: str | None = None) -> bool:
    """Claim a slot for this process; True means send now, False means someone else has it.

    A group's slot whose local day already had its post (the zone changed since), or that
    is a skipped date, is marked skipped. A passage claimed for a suggestion names it, so a
    copy that goes out unrecorded is still known. A personal digest is claimed under the
    person's private chat, which needs a row.
    """
    if slot.kind == PERSONAL_KIND:
        store.ensure_private_chat(slot.chat_id, now=now_ts)
    chat = store.get_chat(slot.chat_id)
    if chat is not None and slot.kind != PERSONAL_KIND:
        brings = brings_on(store, chat, date.fromisoformat(slot.local_date))
        if _passes_over(store, chat, slot, brings):
            store.skip_slot(slot.chat_id, slot.local_date, slot.kind, now=now_ts)
            return False
        if slot.kind == "passage":
            passage_id = passage_id or brings.passage_id
    if store.claim_post(
        slot.chat_id, slot.local_date, slot.kind, now=now_ts, passage_id=passage_id
    ):
        return True
    post = store.get_post(slot.chat_id, slot.local_date, slot.kind)
    if not may_claim(post, now_ts):
        return False
    # Compare-and-swap on the old claim time, so two processes cannot both re-claim it.
    return store.reclaim_post(
        slot.chat_id,
        slot.local_date,
        slot.kind,
        now=now_ts,
        previous_claimed_at=post["claimed_at"] if post else 0,
        passage_id=passage_id,
    )


def record_passage(
    store: Store,
    chat_id: int,
    local_date: str,
    *,
    message_id: int,
    sent_at: int,
    thread_id: int | None,
    passage_id: str,
    poll: bool,
) -> None:
    """Record the day's passage as sent and, if the chat wants one, make the day's poll due
    with it: a crash between the two cannot leave a passage without its poll."""
    with store.db.atomic():
        store.record_passage_sent(
            chat_id,
            local_date,
            message_id=message_id,
            sent_at=sent_at,
            thread_id=thread_id,
            passage_id=passage_id,
        )
        if poll:
            store.make_poll_due(chat_id, local_date, now=sent_at)


def skip_slots(store: Store, chat_id: int, slots: Sequence[tuple[str, str]], *, now: int) -> None:
    """Mark each (kind, local date) skipped unless sent or in flight, in one transaction."""
    with store.db.atomic():
        for kind, day in slots:
            store.skip_slot(chat_id, day, kind, now=now)


# chats


def ensure_chat(store: Store, chat_id: int, *, now: int, **identity: Unpack[ChatIdentity]) -> Chat:
    """Return the chat, registering it from ``identity`` the first time it is seen."""
    stored = store.get_chat(chat_id)
    return stored if stored is not None else register_chat(store, chat_id, now=now, **identity)


def register_chat(
    store: Store, chat_id: int, *, now: int, **identity: Unpack[ChatIdentity]
) -> Chat:
    """Return the chat registered from ``identity``, or active again with its settings kept.

    A private chat new to the archive starts with ``PRIVATE_DEFAULTS``.
    """
    with store.db.atomic():
        known = store.get_chat(chat_id) is not None
        chat = store.register_chat(chat_id, now=now, **identity)
        if not known and identity["type"] == "private":
            chat = store.update_chat(chat_id, **PRIVATE_DEFAULTS)
        return chat


def open_private_chat(
    store: Store, user_id: int, *, now: int, **identity: Unpack[ChatIdentity]
) -> tuple[Chat, PersonalDigest | None]:
    """The person (re)started their private chat: register it or mark it active again, note
    them greeted, and let their personal digest through again; return the chat and digest."""
    with store.db.atomic():
        chat = register_chat(store, user_id, now=now, **identity)
        store.claim_greeting(user_id, now=now)
        return chat, store.resume_personal_digest(user_id)


def greet_privately(store: Store, user_id: int, *, now: int, language: str) -> bool:
    """Make sure the person's private chat has a row, in their language if it has none yet;
    True if they were never greeted there (the caller says the one hello)."""
    with store.db.atomic():
        store.ensure_private_chat(user_id, now=now, language=language)
        return store.claim_greeting(user_id, now=now)


def turn_passages(store: Store, chat_id: int, *, on: bool, now: int, **settings: Any) -> Chat:
    """Start or stop a private chat's morning passage, with a new time or zone if given."""
    with store.db.atomic():
        if on:
            store.set_active(chat_id, True)  # made inactive by a digest's claim, or a refusal
        return change_settings(store, chat_id, now=now, passages=on, **settings)


def change_settings(store: Store, chat_id: int, *, now: int, **settings: Any) -> Chat:
    """Save a chat's settings; a new time zone also re-dates its latest posts.

    Each post is keyed by the local date it was claimed for. After a change of zone, a post's
    day is the date it went out in the new zone: the 23:40 UTC passage is Berlin's passage of
    the next day (so Berlin gets no second one), and a 00:10 UTC passage is New York's of the
    day before (so New York's next day still gets its own).
    """
    with store.db.atomic():
        chat = store.update_chat(chat_id, **settings)
        if "timezone" in settings:
            for post in store.sent_since(chat_id, now - REDATE_SECONDS):
                sent = datetime.fromtimestamp(post["sent_at"] or 0, UTC)
                day = local_date(sent, chat["timezone"]).isoformat()
                if day != post["local_date"]:
                    store.redate_post(chat_id, post["kind"], post["local_date"], day)
        return chat


def move_chat(store: Store, old_id: int, new_id: int, *, now: int) -> Chat | None:
    """Move a group's archive to its new supergroup id; return the new chat, None if unknown."""
    with store.db.atomic():
        readers = store.personal_readers_of(old_id)
        store.migrate_chat(old_id, new_id)
        moved = store.get_chat(new_id)
        if moved is None:  # a chat the bot never registered: nothing to move
            return None
        for user_id in readers:
            store.add_personal_chat(user_id, new_id)
        return store.register_chat(
            new_id,
            type="supergroup",
            title=moved["title"],
            username=moved["username"],
            is_forum=moved["is_forum"],
            now=now,
        )


# curiosities


def note_curiosity(
    store: Store,
    chat_id: int,
    *,
    author: Author,
    local_date: str,
    text: str,
    message_id: int | None,
    now: int,
) -> int | None:
    """Remember the author's name and add the curiosity; None if the author is silenced."""
    user_id, sender_chat_id = author.user_id, author.sender_chat_id
    with store.db.atomic():
        if sender_chat_id is not None:
            store.upsert_sender_chat(sender_chat_id, title=author.name)
        elif user_id is not None:
            store.upsert_user(user_id, first_name=author.name, username=author.username)
        return store.add_curiosity(
            chat_id,
            user_id=user_id,
            local_date=local_date,
            text=text,
            message_id=message_id,
            now=now,
        )


def curiosities_of_day(store: Store, chat_id: int, local_date: str) -> list[Curiosity]:
    """Return the chat's curiosities of one local date."""
    return store.curiosities_between(chat_id, local_date, local_date)
