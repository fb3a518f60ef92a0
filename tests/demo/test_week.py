"""``python -m bot demo`` tells the story of a day and a week, and the story holds together."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.core.corpus import Entry, load_corpus
from bot.demo.talks import TALKS, Talk, talk_about
from bot.demo.week import run_demo

CORPUS = {entry.id: entry for entry in load_corpus(None)}
DAYS = ("Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Words too common to show that a reply is about its passage.
COMMON = frozenset(
    {
        "that", "this", "with", "from", "what", "have", "they", "them", "their", "there",
        "would", "could", "about", "which", "when", "were", "into", "more", "than", "only",
        "also", "just", "like", "each", "some", "does", "maybe", "think", "says",
    }
)  # fmt: skip


def words(text: str) -> set[str]:
    """Return the telling words of a text: lowercase, four letters or more, not too common."""
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in COMMON}


def flat(text: str) -> str:
    """Return text with every run of whitespace as one space (the transcript wraps lines)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the transcript of one whole run of the demo (shared: it takes a few seconds)."""
    lines: list[str] = []
    path = Path(tmp_path_factory.mktemp("demo")) / "demo.db"
    assert asyncio.run(run_demo(db_path=path, echo=lines.append)) == 0
    return "\n".join(lines)


@pytest.mark.parametrize("entry_id", sorted(TALKS))
def test_every_scripted_reply_names_words_of_its_own_passage_or_counterpoint(
    entry_id: str,
) -> None:
    entry = CORPUS[entry_id]
    own = words(entry.passage + " " + entry.counterpoint)
    unfitting = [text for _, text, _ in TALKS[entry_id].replies if not words(text) & own]
    assert unfitting == []


def test_an_unscripted_passage_gets_replies_in_its_own_words() -> None:
    entry = Entry("x-1", "x", "Gardens grow slowly in shared soil.", "soil remembers", 1)
    talk = talk_about(entry)
    assert [bool(words(text) & {"gardens", "soil"}) for _, text, _ in talk.replies] == [
        True,
        True,
    ]


@pytest.mark.slow
def test_the_first_day_has_the_post_nested_replies_curiosities_and_an_edit(
    transcript: str,
) -> None:
    monday = transcript.split("\n════ Tuesday ═")[0]
    assert "Counterpoint" in monday  # the morning post
    assert "Bo  ↳ replying to Ana" in monday and "Cy  ↳ replying to Bo" in monday
    assert "Noted for tonight's digest" in monday
    digest = monday.split("Evening digest · Monday")[1]
    assert "│    ↳ Cy: But people find their freedom by connecting." in digest  # three deep
    assert "Counterpoint: need to also/first free people" in digest
    assert "far more than 'platforms'" in digest  # the edit, not the first version
    assert "Ana and Dee are both wondering about" in digest  # a resonance


def test_each_days_replies_answer_that_days_passage(transcript: str) -> None:
    sections = re.split(r"\n════ (?:" + "|".join(DAYS) + r") ═", transcript)
    assert len(sections) == 7
    # The bot posts the corpus in order from the first entry, one a day; on Wednesday the
    # suggestion approved on Tuesday evening comes first, and the book waits for it.
    book = list(CORPUS.values())[:6]
    entries: list[Entry | None] = [*book[:2], None, *book[2:]]
    for section, entry in zip(sections, entries, strict=True):
        text = flat(section)
        if entry is None:
            assert "Commons, Wednesday" in text and "· suggested by Cy" in text
            assert "who enforces the rules when a neighbour cheats?" in text
            continue
        talk: Talk = TALKS[entry.id]
        assert flat(entry.counterpoint) in text
        assert [flat(reply) in text for _, reply, _ in talk.replies] == [True] * len(talk.replies)


def test_a_suggestion_is_approved_with_the_button_and_shown_coming(transcript: str) -> None:
    evening = flat(transcript.split("Late evening: Cy suggests a passage, Ana approves it")[1])
    evening = evening.split("════ Wednesday")[0]
    assert "Suggestion #1 is in the admins' queue" in evening
    assert "1 suggestion waiting #1 by Cy" in evening
    assert "(Ana pressed “Approve #1”)" in evening
    assert "Cy: your suggestion #1 was approved; it comes on Wednesday" in evening
    assert re.search(r"The next seven days Wed \d+ \w+ · suggestion #1 by Cy Thu", evening)


def test_the_week_ends_with_the_weekly_digest(transcript: str) -> None:
    last = transcript.rsplit("\n════ ", 2)[-2]
    assert last.startswith("Sunday 21:30: the weekly digest")
    assert "Weekly digest ·" in last
    assert transcript.count("Weekly digest ·") == 1


@pytest.mark.slow
def test_the_demo_speaks_the_language_its_corpus_names(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.md"
    seed = (Path(__file__).resolve().parents[2] / "seeds" / "corpus.md").read_text("utf-8")
    corpus.write_text(seed.replace("\nlanguage: en\n", "\nlanguage: ru\n", 1), "utf-8")
    lines: list[str] = []
    code = asyncio.run(
        run_demo(db_path=tmp_path / "demo.db", days=1, echo=lines.append, corpus_path=corpus)
    )
    transcript = flat("\n".join(lines))
    assert code == 0
    assert "Здравствуйте! Я Commons Bot." in transcript
    assert "Вечерняя сводка · " in transcript
    assert "Hello! I am" not in transcript


def test_every_evening_shows_where_the_group_stood_and_who_reacted(transcript: str) -> None:
    text = flat(transcript)
    digests = text.split("Evening digest · ")[1:]
    assert len(digests) == 7
    # Everyone votes each day, so each poll's totals come to the five members.
    stood = [re.search(r"Where we stood: (.*?) (?:The threads|Curious today)", d) for d in digests]
    for found in stood:
        assert found is not None
        assert sum(int(n) for n in re.findall(r"\d+", found.group(1))) == 5
    # Those who wrote nothing on a day reacted to its passage, and are named.
    assert any("Also with us today:" in d for d in digests)
    assert re.search(r"Today's passage · [^↗]*· [👍❤🤔🙏👏] \d", text)
    assert "With us this week: Ana, Bo, Cy, Dee and Eli." in text
