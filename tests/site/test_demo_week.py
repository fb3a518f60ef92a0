"""The demo's week as a site: each day's page holds what that evening's digest gathered, every
thread and every curiosity, except a member who opted out, and nothing of another chat."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.archive import Store
from bot.archive.operations import gather_day
from bot.planning.digests import preview_digest
from bot.site import build_site
from tests.site.conftest import CORPUS, NOW

pytestmark = pytest.mark.slow
ELI = "Eli"  # opts out after the week


def test_each_day_page_holds_every_voice_of_its_digest_but_an_opted_out_one(
    demo_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    store = Store.open(path)
    [chat] = [c for c in store.active_chats() if c["type"] == "supergroup"]
    week = store.curiosities_between(chat["id"], "0000", "9999")
    eli = next(c["user_id"] for c in week if c["author"] == ELI)
    store.opt_out(eli)
    store.register_chat(-1009, type="supergroup", title="Elsewhere", now=0)
    store.update_chat(-1009, published=True)
    store.add_curiosity(-1009, user_id=None, local_date="2030-01-01", text="elsewhere's", now=0)
    chat = store.update_chat(chat["id"], published=True)
    build_site(store, chat, CORPUS, tmp_path / "site", NOW)
    days = sorted((tmp_path / "site" / "days").glob("*.html"))
    assert len(days) == 7
    left_out = 0
    for page in days:
        day = date.fromisoformat(page.stem)
        html = page.read_text(encoding="utf-8")
        rows = gather_day(store, chat, day, CORPUS)
        digest = preview_digest(store, chat, day, CORPUS, weekly=False, html=False)
        shown = {f"m{m['message_id']}" for m in rows.messages if not m["opted_out"]}
        shown |= {f"c{c['id']}" for c in rows.curiosities if not c["opted_out"]}
        assert set(re.findall(r'<article class="\w+" id="(\w+)"', html)) == shown
        assert rows.messages  # every day of the demo has its talk (not every one curiosities)
        for row in [*rows.messages, *rows.curiosities]:
            opening = " ".join(row["text"].split())[:40]
            assert opening in " ".join(digest.split())  # the digest said it...
            left_out += row["opted_out"]
            if not row["opted_out"]:
                assert opening.replace("'", "&#x27;") in " ".join(
                    html.split()
                )  # ...and so does the page
        assert f">{ELI}<" not in html and "elsewhere" not in html.lower()
    assert left_out >= 2  # Eli spoke that week, and is on no page
    store.close()
