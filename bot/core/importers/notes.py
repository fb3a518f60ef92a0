"""Markdown notes, as Obsidian keeps them: a ``> quote`` and, after it, the reader's note.

::

    ---
    title: Peer to Peer          optional front matter; a title names the book
    ---
    # Peer to Peer               the first '# ' heading names the book (else the file name)

    > The quoted passage, which may
    > run over several lines. ^p2p-1

    The note: every paragraph up to the next quote or heading.

Obsidian's extras are understood: a callout's first line (``> [!quote] Title``) is not part of
the quote, and a block id (``^p2p-1``) at a line's end is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.importers.model import Highlight, Parsed, clean_text, digest_of, source_error

CALLOUT = re.compile(r"\[![\w-]+\][+-]?(?:\s.*)?$")
BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+$")
HEADING = re.compile(r"#{1,6}\s+(.*)$")
RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,})$")
FRONT_TITLE = re.compile(r"title:\s*(.+)$", re.IGNORECASE)


@dataclass
class _Quote:
    line: int
    lines: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)


def parse_notes(text: str, path: Path) -> Parsed:
    """Return each quote of a Markdown note with the paragraphs after it as its note."""
    lines = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, title = _front_matter(lines, path)
    book = title
    quotes: list[_Quote] = []
    for number, raw in enumerate(lines[start:], start=start + 1):
        stripped = raw.strip()
        heading = HEADING.match(stripped)
        if heading or RULE.fullmatch(stripped):
            book = book or (heading[1].strip() if heading and stripped.startswith("# ") else "")
            quotes.append(_Quote(number))  # closes the note before it
        elif stripped.startswith(">"):
            if not quotes or quotes[-1].note or not quotes[-1].lines:
                quotes.append(_Quote(number))
            quotes[-1].lines.append(_unquote(stripped))
        elif quotes and quotes[-1].lines:
            quotes[-1].note.append(stripped)
    return _collect(quotes, book or path.stem)


def _front_matter(lines: list[str], path: Path) -> tuple[int, str]:
    """Return where the body starts and the front matter's title, if any."""
    if not lines or lines[0].strip() != "---":
        return 0, ""
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            found = [FRONT_TITLE.match(raw.strip()) for raw in lines[1:index]]
            titles = [m[1].strip().strip("\"'") for m in found if m]
            return index + 1, titles[0] if titles else ""
    raise source_error(path, 1, "front matter '---' is never closed by a line '---'")


def _unquote(stripped: str) -> str:
    text = stripped[1:]
    text = text[1:] if text.startswith(" ") else text
    if CALLOUT.match(text):
        return ""
    return BLOCK_ID.sub("", text)


def _collect(quotes: list[_Quote], book: str) -> Parsed:
    parsed = Parsed()
    for quote in quotes:
        if not quote.lines:
            continue
        passage = clean_text("\n".join(quote.lines))
        if not passage:
            parsed.skipped["empty quote"] += 1
            continue
        note = clean_text("\n".join(BLOCK_ID.sub("", line) for line in quote.note))
        parsed.highlights.append(Highlight(book, passage, note, digest_of(passage), quote.line))
    return parsed
