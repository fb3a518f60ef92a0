"""A long message goes as several, as Telegram's apps send it: each within Telegram's limit.

A part ends at a paragraph, else a line, else a word, in the second half of what fits, so no
part is a stub; a word longer than half a message is cut where the part is full. The space or
line break a part ends at is left out (Telegram trims it anyway): the parts joined with them
are the message.
"""

from __future__ import annotations

from bot.sandbox.markup import utf16_len

MAX_UNITS = 4096  # Telegram's limit for one message, in UTF-16 code units
# Where a part may end, best first.
BREAKS = ("\n\n", "\n", " ")


def split_message(text: str, limit: int = MAX_UNITS) -> list[str]:
    """Return ``text`` as parts of at most ``limit`` UTF-16 units each, none of them blank."""
    parts = []
    rest = text
    while utf16_len(rest) > limit:
        head = rest[: max(1, fitting(rest, limit))]  # one character at least, to go on
        end, skip = part_end(head)
        parts.append(rest[:end])
        rest = rest[end + skip :]
    parts.append(rest)
    return [part for part in parts if part.strip()]


def fitting(text: str, limit: int) -> int:
    """Return how many characters of ``text`` fit in ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def part_end(head: str) -> tuple[int, int]:
    """Return where a part that is at most ``head`` ends, and how many characters to drop there."""
    for mark in BREAKS:
        at = head.rfind(mark, len(head) // 2)
        if at >= 0:
            return at, len(mark)
    return len(head), 0
