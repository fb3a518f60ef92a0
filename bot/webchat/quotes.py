"""Turn what a member selected on the page into Telegram's quote of the replied-to message.

The page shows the bot's HTML, whose text is not always the message's text character for
character (a block's line break, runs of spaces), so the selection is looked up in the message's
own text: exactly if it can be, else with any run of whitespace matching any other; of several
places, the one nearest where the selection started on the page.
"""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.markup import utf16_len

MAX_QUOTE = 1024  # Telegram keeps at most this many characters of a quote


def quote_of(parent: dict[str, Any], selected: str, hint: int | None = None) -> dict[str, Any]:
    """Return ``{"text", "position"}`` quoting ``parent``; ValueError if it is not in it."""
    whole = parent.get("text") or parent.get("caption") or ""
    found = find_quote(whole, selected.strip(), hint)
    if found is None:
        raise ValueError("the selected text is not part of the message it replies to")
    start, end = found
    return {"text": whole[start:end][:MAX_QUOTE], "position": utf16_len(whole[:start])}


def find_quote(whole: str, selected: str, hint: int | None) -> tuple[int, int] | None:
    """Return (start, end) in ``whole`` of the selected text, nearest ``hint``; None if absent."""
    words = selected.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    spans = [match.span() for match in pattern.finditer(whole)]
    if not spans:
        return None
    return min(spans, key=lambda span: abs(span[0] - (hint or 0)))
