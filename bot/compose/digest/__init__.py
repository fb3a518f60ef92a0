"""The evening and weekly digests: archive rows in, Telegram HTML messages (or a file) out.

``daily`` and ``weekly`` build a Digest of blocks from the rows, ``lines`` holds the pieces both
are made of, and ``render`` turns a Digest into messages that fit Telegram, a standalone HTML
page, or plain text. Pure: no I/O.
"""

from bot.compose.digest.daily import build_daily_digest
from bot.compose.digest.render import (
    Digest,
    plan_delivery,
    render_chunks,
    render_document,
    render_plain,
)
from bot.compose.digest.weekly import build_weekly_digest
from bot.core.text import message_link

__all__ = [
    "Digest",
    "build_daily_digest",
    "build_weekly_digest",
    "message_link",
    "plan_delivery",
    "render_chunks",
    "render_document",
    "render_plain",
]
