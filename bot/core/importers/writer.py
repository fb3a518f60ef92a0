"""Highlights to a corpus file: ids from the source, a chapter per book, and a summary line.

What a corpus cannot hold is skipped and counted, never changed: a note line that starts like a
quote (``>``) or a heading (``# ``) would be read as one, and ``<!--`` would start a comment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.core.importers.model import Highlight, Parsed, digest_of, key_part, slug

NO_NOTE = "without a note"
PLACEHOLDER = "<!-- the counterpoint: write the group's reply to this passage here -->"
MARKUP_LINE = re.compile(r"(?:>|#{1,6}(?:\s|$))")


@dataclass(frozen=True)
class Summary:
    """How many passages a source gave, how many it left out and why."""

    imported: int
    empty: int  # written with a placeholder for the counterpoint (--with-empty)
    skipped: Counter[str]

    def line(self, source: str) -> str:
        """Return e.g. 'clips.txt: 12 imported; 3 skipped (bookmark: 1, without a note: 2)'."""
        text = f"{source}: {self.imported} imported"
        if self.empty:
            text += f", {self.empty} of them waiting for a counterpoint"
        if self.skipped:
            reasons = ", ".join(f"{why}: {n}" for why, n in sorted(self.skipped.items()))
            text += f"; {sum(self.skipped.values())} skipped ({reasons})"
        return text


def render_corpus(
    parsed: Parsed, *, title: str, source: str, with_empty: bool = False
) -> tuple[str, Summary]:
    """Return the corpus file's text for the parsed highlights, and the import's summary."""
    skipped = Counter(parsed.skipped)
    entries: list[str] = []
    used: set[str] = set()
    empty = 0
    for highlight in parsed.highlights:
        problem = _unwritable(highlight)
        if problem or (not highlight.note and not with_empty):
            skipped[problem or NO_NOTE] += 1
            continue
        empty += not highlight.note
        entries.append(_entry(_unique(entry_id(highlight), used), highlight))
    header = f"# {_one_line(title)}\n\nsource: {_one_line(source)}\n"
    summary = Summary(imported=len(entries), empty=empty, skipped=skipped)
    return "\n".join([header, *entries]), summary


def entry_id(highlight: Highlight) -> str:
    """Return the highlight's corpus id: its book's slug and the source's own key for it."""
    book = slug(highlight.book) or (f"b{digest_of(highlight.book, 6)}" if highlight.book else "")
    return f"{book or 'highlight'}-{key_part(highlight.key)}"


def _unique(wanted: str, used: set[str]) -> str:
    candidate, number = wanted, 1
    while candidate in used:
        number += 1
        candidate = f"{wanted}-{number}"
    used.add(candidate)
    return candidate


def _entry(entry_id: str, highlight: Highlight) -> str:
    quoted = _paragraph_lines(highlight.passage)
    passage = "\n".join(f"> {line}" if line else ">" for line in quoted)
    note = "\n".join(_paragraph_lines(highlight.note)) or PLACEHOLDER
    chapter = _one_line(highlight.book) or "imported"
    return f"## {entry_id}\nchapter: {chapter}\n\n{passage}\n\n{note}\n"


def _paragraph_lines(text: str) -> list[str]:
    """Return text's lines, stripped, with runs of blank lines made one paragraph break."""
    lines: list[str] = []
    for line in (raw.strip() for raw in text.split("\n")):
        if line or (lines and lines[-1]):
            lines.append(line)
    return lines[:-1] if lines and not lines[-1] else lines


def _unwritable(highlight: Highlight) -> str | None:
    if "<!--" in highlight.passage or "<!--" in highlight.note:
        return "text with '<!--', which a corpus reads as a comment"
    if any(MARKUP_LINE.match(line.strip()) for line in highlight.note.split("\n")):
        return "note with a line a corpus reads as a quote or heading"
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
