"""Digests planned from the archive's rows: a preview reads as the chat would, and a weekly
digest covers the seven days up to its day."""

from __future__ import annotations

from datetime import date

from bot.archive import Store
from bot.core.corpus import Entry, load_corpus
from bot.planning.digests import preview_digest
from tests.archive.support import CHAT, NOW, POST, make_message, with_thread
from tests.compose.test_resonance_days import LONERS

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


# Three of a dozen wondering about their city: a resonance in a group that seldom says "city".
CITY_DAY = [
    "How could a city listen to every voice each day?",
    "Could our city kitchen become a commons?",
    "What would a city that listens to curiosity feel like?",
    *LONERS[:9],
]
EARLIER = ["2024-03-01", "2024-03-03", "2024-03-05", "2024-03-07", "2024-03-09"]


def say(store: Store, day: str, texts: list[str], first_user: int = 1) -> None:
    """Store each text as a curiosity of the day, each by another member."""
    for n, text in enumerate(texts):
        user = first_user + n
        store.upsert_user(user, first_name=f"Member{user}")
        store.add_curiosity(CHAT, user_id=user, local_date=day, text=text, now=NOW + n)


def resonance_lines(store: Store, day: date = date(2024, 3, 10)) -> list[str]:
    chat = store.get_chat(CHAT)
    plain = preview_digest(store, chat, day, load_corpus(), weekly=False, html=False)
    return plain.split("Resonances\n", 1)[1].splitlines() if "Resonances\n" in plain else []


def test_a_word_the_group_says_every_few_days_joins_nobody_today(store: Store) -> None:
    with_thread(store)
    say(store, "2024-03-10", CITY_DAY)
    assert resonance_lines(store) == ["Member1, Member2 and Member3 are all wondering about city."]
    for day in EARLIER:  # the city is this group's subject: one of four says it every time
        say(store, day, ["Who cleans the city square?", *CITY_DAY[4:7]], first_user=20)
    assert resonance_lines(store) == []


def test_a_rare_word_said_on_one_or_two_earlier_days_still_joins_two_today(store: Store) -> None:
    with_thread(store)
    say(store, "2024-03-10", ["Who brews kombucha at home?", "Is kombucha safe for kids?"])
    say(store, "2024-03-10", CITY_DAY[3:12], first_user=3)
    for day in EARLIER[:2]:
        say(store, day, ["I tried kombucha once.", *CITY_DAY[4:7]], first_user=20)
    assert resonance_lines(store) == ["Member1 and Member2 are both wondering about kombucha."]


def test_the_group_s_habits_are_heard_from_the_four_weeks_before_only(store: Store) -> None:
    with_thread(store)
    say(store, "2024-03-10", CITY_DAY)
    for day in ["2024-02-01", "2024-02-03", "2024-02-05", "2024-02-07"]:  # over a month ago
        say(store, day, ["Who cleans the city square?", *CITY_DAY[4:7]], first_user=20)
    assert resonance_lines(store) == ["Member1, Member2 and Member3 are all wondering about city."]


def test_the_habits_of_a_member_who_opted_out_are_not_heard(store: Store) -> None:
    with_thread(store)
    say(store, "2024-03-10", CITY_DAY)
    for day in EARLIER:  # one member says "city" every time, then opts out
        say(store, day, ["Who cleans the city square?"], first_user=20)
        say(store, day, CITY_DAY[4:7], first_user=21)
    store.opt_out(20)
    assert resonance_lines(store) == ["Member1, Member2 and Member3 are all wondering about city."]


def test_a_weekly_digest_hears_the_habits_of_the_weeks_before_it(store: Store) -> None:
    with_thread(store)
    say(store, "2024-03-10", CITY_DAY)

    def city_line() -> list[str]:
        chat = store.get_chat(CHAT)
        week = preview_digest(
            store, chat, date(2024, 3, 10), load_corpus(), weekly=True, html=False
        )
        return [line for line in week.split("\n") if "wondering about city" in line]

    assert city_line() == ["Member1, Member2 and Member3 are all wondering about city:"]
    for day in ["2024-02-20", "2024-02-22", "2024-02-24", "2024-02-26"]:  # before the week
        say(store, day, ["Who cleans the city square?", *CITY_DAY[4:7]], first_user=20)
    assert city_line() == []
