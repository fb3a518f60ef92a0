"""The reading room: a published chat's days, threads and passages as plain HTML, built again
only where something changed, and nothing of a person who left it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.core.updates import Author
from bot.site import NotPublished, build_site, render_site
from tests.site.conftest import ANA, BO, CHAT, DEE, MONDAY, MORNING, NOW, OTHER, Archive


class Page(HTMLParser):
    """What a test reads of a page: its text, its links, its tags and each element's id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag in ("a", "link") and found.get("href"):
            self.links.append(str(found["href"]))
        if found.get("id"):
            self.ids.append(str(found["id"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The folder a site is built in (beside the archive's file)."""
    return tmp_path / "site"


def said_of(page: Page) -> str:
    """Return a page's words without the times and links between a name and its words."""
    return " ".join(re.sub(r"\b\d\d:\d\d\b|↗", " ", page.words).split())


def build(archive: Archive, out: Path):  # type: ignore[no-untyped-def]
    return build_site(archive.store, archive.chat(), archive.corpus, out, NOW)


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def test_a_day_page_holds_the_passage_its_counterpoint_every_thread_and_the_curiosities(
    archive: Archive, site: Path
) -> None:
    build(archive, site)
    page = Page(read(site, "days/2030-06-03.html"))
    entry = archive.corpus[0]
    assert " ".join(entry.passage.split()[:8]) in page.words
    assert " ".join(entry.counterpoint.split()) in page.words
    for said in (
        "Ana Commons need caretakers.",
        "Bo Caretakers are free people too. Second line.",
        "Ana how do seed libraries work?",
        "Dee Seed libraries answer that.",
    ):
        assert said_of(page).count(said) == 1, said
    # Times in the group's zone (Berlin, summer time), and a link to each original message.
    assert "09:10" in page.words
    assert "https://t.me/readers/501" in page.links and "https://t.me/readers/500" in page.links
    assert page.ids == ["m501", "m502", "c1", "m505"]


def test_replies_nest_inside_what_they_answer(archive: Archive, site: Path) -> None:
    build(archive, site)
    html = read(site, "days/2030-06-03.html")
    # Bo answered Ana: Bo's article sits in a list of replies inside Ana's item.
    ana, bo = html.index('id="m501"'), html.index('id="m502"')
    between = html[ana:bo]
    assert '<ol class="replies">' in between and "</li>" not in between
    # Dee answered Ana's curiosity: under it, not among the threads.
    threads = html[html.index('class="threads"') : html.index('class="curiosities"')]
    assert 'id="m505"' not in threads


def test_nobody_who_opted_out_and_nothing_of_another_chat_is_anywhere(
    archive: Archive, site: Path
) -> None:
    files = render_site(archive.store, archive.chat(), archive.corpus, NOW)
    everything = "\n".join(files.values())
    assert "wombats" not in everything and "Cy" not in everything
    assert "the other chat's secret" not in everything and "Elsewhere" not in everything


def test_forgetting_or_opting_out_then_building_again_drops_the_person(
    archive: Archive, site: Path
) -> None:
    build(archive, site)
    archive.store.forget_user(ANA)
    archive.store.opt_out(BO)
    done = build(archive, site)
    text = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file())
    for words in ("caretakers", "seed libraries work", "Infrastructure"):
        assert words not in text, words
    named = set(re.findall(r"\b(Ana|Bo|Dee)\b", text.replace("Commons Bot", "")))
    assert named == {"Dee"}  # who stayed is still there
    assert "days/2030-06-03.html" in done.written


def test_a_second_build_with_nothing_new_writes_no_file(archive: Archive, site: Path) -> None:
    first = build(archive, site)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}
    second = build(archive, site)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}
    assert len(first.written) == len(before) == 9
    assert (second.written, second.unchanged, second.removed, after) == ((), 9, (), before)


def test_only_the_pages_a_new_reply_changes_are_written_again(
    archive: Archive, site: Path
) -> None:
    build(archive, site)
    reply = {
        "chat_id": CHAT, "message_id": 602, "root_message_id": 600, "reply_to_message_id": 601,
        "user_id": ANA, "sender_chat_id": None, "kind": "text", "text": "And people are slow.",
        "date": 1_906_000_000,
    }  # fmt: skip
    archive.store.keep_messages([reply])
    done = build(archive, site)
    passage = f"passages/{archive.corpus[1].id}.html"
    assert done.written == ("days/2030-06-04.html", "feed.atom", passage)


def test_a_passage_page_gathers_every_day_it_was_discussed_the_latest_first(
    archive: Archive, site: Path
) -> None:
    build(archive, site)
    page = Page(read(site, f"passages/{archive.corpus[0].id}.html"))
    words = page.words
    assert words.index("Wednesday 5 June 2030") < words.index("Monday 3 June 2030")
    assert "Back to caretakers, again." in words and "Commons need caretakers." in words
    day = Page(read(site, "days/2030-06-05.html"))
    assert f"../passages/{archive.corpus[0].id}.html" in day.links


def test_the_index_lists_the_weeks_and_every_link_of_the_site_leads_to_a_file(
    archive: Archive, site: Path
) -> None:
    build(archive, site)
    index = Page(read(site, "index.html"))
    assert "Week of 3 – 9 June" in index.words
    assert [link for link in index.links if link.startswith("days/")] == [
        "days/2030-06-03.html", "days/2030-06-04.html", "days/2030-06-05.html",
    ]  # fmt: skip
    for path in site.rglob("*.html"):
        page = Page(path.read_text(encoding="utf-8"))
        assert "script" not in page.tags, path
        for href in page.links:
            if not href.startswith(("https://", "#")):
                target = (path.parent / href.split("#")[0]).resolve()
                assert target.is_file(), (path.name, href)


def test_days_link_to_the_days_before_and_after(archive: Archive, site: Path) -> None:
    build(archive, site)
    tuesday = Page(read(site, "days/2030-06-04.html"))
    assert {"2030-06-03.html", "2030-06-05.html", "../index.html"} <= set(tuesday.links)


def test_an_unpublished_chat_gets_no_site(archive: Archive, site: Path) -> None:
    archive.store.update_chat(CHAT, published=False)
    with pytest.raises(NotPublished, match="has not published its archive"):
        build(archive, site)
    assert not site.exists()


def test_a_chat_speaking_german_gets_its_site_in_german(archive: Archive, site: Path) -> None:
    archive.store.update_chat(CHAT, language="de")
    build(archive, site)
    page = Page(read(site, "days/2030-06-03.html"))
    assert "Montag, 3. Juni 2030" in page.words or "Montag 3. Juni 2030" in page.words
    assert '<html lang="de">' in read(site, "index.html")


def test_another_chat_builds_its_own_site(archive: Archive, site: Path) -> None:
    build_site(archive.store, archive.chat(OTHER), archive.corpus, site, NOW)
    text = " ".join(Page(p.read_text(encoding="utf-8")).words for p in site.rglob("*.html"))
    assert "the other chat's secret" in text and "caretakers" not in text


def test_a_day_page_shows_reactions_and_where_the_group_stood(
    archive: Archive, site: Path
) -> None:
    store = archive.store
    for user_id, name in ((ANA, "Ana"), (BO, "Bo")):
        author = Author(user_id, None, name, None)
        store.keep_reactions(CHAT, 500, author, ["👍"], now=MORNING + 100)  # the passage
    store.keep_reactions(CHAT, 502, Author(DEE, None, "Dee", None), ["🔥"], now=MORNING + 950)
    store.make_poll_due(CHAT, MONDAY, now=MORNING)
    store.take_poll(CHAT, MONDAY, now=MORNING)
    store.record_poll_sent(CHAT, MONDAY, poll_id="p1", message_id=507, now=MORNING)
    store.close_poll(CHAT, MONDAY, [3, 1, 0, 2])
    build(archive, site)
    page = " ".join(read(site, f"days/{MONDAY}.html").split())
    assert '<p class="reactions">👍 2</p>' in page
    bo = re.search(r'<article class="message" id="m502">.*?</article>', page)
    assert bo is not None and bo.group(0).endswith('<p class="reactions">🔥 1</p></article>')
    assert (
        "<b>Where we stood:</b> with the passage 3 · with the counterpoint 1 · between 0 · "
        "not sure 2"
    ) in page
