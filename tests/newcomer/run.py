"""A newcomer's run under test: the real bot, its sandbox, the web chat and the page's client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bot.archive import Archive
from bot.handlers.app import App
from bot.sandbox import Sandbox
from bot.webchat import WebChat

# A Monday mid-morning years ahead of the real clock, so the JobQueue's own timers stay quiet.
MONDAY = datetime(2030, 6, 3, 10, 0, tzinfo=UTC)
PASSAGE = "written in the margin by a reader"


@dataclass
class Run:
    """What ``python -m bot run`` starts without a token, and a client holding the page's key."""

    sandbox: Sandbox
    web: WebChat
    app: App
    client: httpx.AsyncClient

    @property
    def archive(self) -> Archive:
        archive: Archive = self.app.bot_data["commons"].archive
        return archive

    def morning_post(self) -> int:
        """Return the message id of the demo group's morning post."""
        sent = self.sandbox.sent_messages(self.web.chat_id)
        return int(next(s["message_id"] for s in sent if PASSAGE in (s["text"] or "")))
