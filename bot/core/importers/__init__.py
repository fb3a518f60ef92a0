"""Importers: highlights and notes from reading tools, turned into a corpus file.

Kindle's ``My Clippings.txt``, a Readwise CSV export, a Hypothesis JSON export and Markdown notes
(Obsidian style) are read into ``Highlight`` values, then written in the corpus format. A
passage with no note has no counterpoint, so it is skipped unless asked for. Pure: a file in,
text and a summary out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.core.corpus import read_utf8
from bot.core.importers.hypothesis import parse_hypothesis
from bot.core.importers.kindle import parse_kindle
from bot.core.importers.model import Highlight, Parsed
from bot.core.importers.notes import parse_notes
from bot.core.importers.readwise import parse_readwise
from bot.core.importers.writer import Summary, entry_id, render_corpus

__all__ = [
    "FORMATS",
    "Highlight",
    "ImportProblem",
    "Parsed",
    "Summary",
    "detect_format",
    "entry_id",
    "import_source",
    "parse_source",
]

Parser = Callable[[str, Path], Parsed]
FORMATS: dict[str, Parser] = {
    "kindle": parse_kindle,
    "readwise": parse_readwise,
    "hypothesis": parse_hypothesis,
    "markdown": parse_notes,
}
SUFFIXES = {".txt": "kindle", ".csv": "readwise", ".json": "hypothesis", ".md": "markdown"}
MAX_LISTED_BOOKS = 8


class ImportProblem(ValueError):
    """A request the source cannot answer (an unknown format, a book it does not hold)."""


def detect_format(path: Path) -> str:
    """Return the format a file's name suggests, or raise ImportProblem."""
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise ImportProblem(
            f"cannot tell the format of {path.name}: give --format ({', '.join(FORMATS)})"
        )
    return found


def parse_source(path: Path, format: str | None = None, *, book: str | None = None) -> Parsed:
    """Return the highlights of a source file, only those of ``book`` if given.

    Raises CorpusError (file:line) for a file that cannot be read, ImportProblem for a wrong
    format name or a book that is not there.
    """
    name = format or detect_format(path)
    if name not in FORMATS:
        raise ImportProblem(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    parsed = FORMATS[name](read_utf8(path), path)
    return parsed if book is None else _one_book(parsed, book)


def import_source(
    path: Path,
    format: str | None = None,
    *,
    book: str | None = None,
    with_empty: bool = False,
    title: str | None = None,
) -> tuple[str, Summary]:
    """Return a corpus file's text made from a source file, and what was imported or skipped."""
    parsed = parse_source(path, format, book=book)
    books = list(dict.fromkeys(h.book for h in parsed.highlights if h.book))
    heading = title or (books[0] if len(books) == 1 else f"Highlights from {path.name}")
    return render_corpus(parsed, title=heading, source=path.name, with_empty=with_empty)


def _one_book(parsed: Parsed, wanted: str) -> Parsed:
    """Keep the highlights of the book whose title holds ``wanted`` (case-insensitive)."""
    folded = wanted.casefold().strip()
    kept = [h for h in parsed.highlights if folded in h.book.casefold()]
    if not kept:
        books = sorted({h.book for h in parsed.highlights})
        more = "; …" if len(books) > MAX_LISTED_BOOKS else ""
        listed = "; ".join(books[:MAX_LISTED_BOOKS]) + more
        raise ImportProblem(f"no book matches {wanted!r}; the source holds: {listed or 'none'}")
    skipped = parsed.skipped.copy()
    skipped["in another book"] += len(parsed.highlights) - len(kept)
    return Parsed(kept, skipped)
