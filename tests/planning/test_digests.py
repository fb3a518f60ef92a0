"""Digests planned from the archive's rows: a preview reads as the chat would, and a weekly
digest covers the seven days up to its day."""

from __future__ import annotations

from datetime import date

from bot.archive import Store
from bot.core.corpus import Entry
from bot.planning.digests import preview_digest
from tests.archive.support import CHAT, NOW, POST, make_message, with_thread

CORPUS = [Entry("ch1-01", "Chapter one", "The commons is a verb.", "We do it together.", 1)]


def test_a_digest_preview_is_what_the_chat_would_read(store: Store) -> None:
    with_thread(store)
    store.db.execute("UPDATE posts SET passage_id = 'ch1-01' WHERE chat_id = ?", (CHAT,))
    store.keep_messages([make_message(501, text="we share the garden")])
    day = date(2024, 3, 10)
    plain = preview_digest(store, store.get_chat(CHAT), day, CORPUS, weekly=False, html=False)
    html = preview_digest(store, store.get_chat(CHAT), day, CORPUS, weekly=False, html=True)
    assert "we share the garden" in plain and "<b>" not in plain
    assert "we share the garden" in html and "<b>" in html
    store.update_chat(CHAT, quiet_day="silent")
    quiet = preview_digest(
        store, store.get_chat(CHAT), date(2024, 3, 12), CORPUS, weekly=False, html=False
    )
    assert quiet == "(a quiet day: this chat asked for no digest)"
    assert store.thread_root(CHAT, POST) == POST


def test_a_weekly_digest_covers_the_seven_days_up_to_its_day(store: Store) -> None:
    store.register_chat(CHAT, type="supergroup", title="Readers", now=NOW - 30 * 86_400)
    store.upsert_user(1, first_name="Ana")
    corpus = [
        Entry(f"ch1-0{n}", f"Chapter {n}", f"Passage number {n}.", f"Counter {n}.", n)
        for n in range(1, 6)
    ]
    for n, day in enumerate(["2024-03-03", "2024-03-04", "2024-03-06", "2024-03-10"], start=1):
        store.claim_post(CHAT, day, "passage", now=NOW)
        store.record_passage_sent(
            CHAT, day, message_id=100 + n, sent_at=NOW, passage_id=f"ch1-0{n}"
        )
        reply = make_message(
            200 + n, root_message_id=100 + n, reply_to_message_id=100 + n, text=f"reply on {day}"
        )
        store.keep_messages([reply])
    chat = store.get_chat(CHAT)
    text = preview_digest(store, chat, date(2024, 3, 10), corpus, weekly=True, html=False)
    lines = text.split("\n")
    assert lines[0] == "Weekly digest · 4\u2009–\u200910 March"
    assert [line for line in lines if line.startswith("• ") and "Chapter" in line] == [
        "• Mon 4 Mar · Chapter 2: Passage number 2. ↗",
        "• Wed 6 Mar · Chapter 3: Passage number 3. ↗",
        "• Sun 10 Mar · Chapter 4: Passage number 4. ↗",
    ]
    assert [line.split(" · ")[0] for line in lines if line.startswith("• Ana")] == [
        "• Ana: reply on 2024-03-04",
        "• Ana: reply on 2024-03-06",
        "• Ana: reply on 2024-03-10",
    ]
    daily = preview_digest(store, chat, date(2024, 3, 6), corpus, weekly=False, html=False)
    assert "reply on 2024-03-06" in daily and "reply on 2024-03-04" not in daily
