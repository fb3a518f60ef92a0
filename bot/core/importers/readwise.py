"""Readwise's CSV export: one row per highlight, with its note, book and location.

The export's columns are ``Highlight, Book Title, Book Author, Amazon Book ID, Note, Color, Tags,
Location Type, Location, Highlighted at, Document tags``; only Highlight, Book Title and Note are
needed, and the order does not matter.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.core.importers.model import Highlight, Parsed, clean_text, digest_of, source_error

REQUIRED = ("Highlight", "Book Title", "Note")


def parse_readwise(text: str, path: Path) -> Parsed:
    """Return the highlights of a Readwise CSV export; CorpusError if it is not one."""
    reader = csv.DictReader(io.StringIO(text.replace("\ufeff", ""), newline=""), strict=True)
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
    if missing:
        found = ", ".join(reader.fieldnames or []) or "nothing"
        raise source_error(
            path, 1, f"not a Readwise CSV export: no column {', '.join(missing)} (found {found})"
        )
    parsed = Parsed()
    line = reader.line_num + 1
    try:
        for row in reader:
            _add_row(parsed, row, line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise source_error(path, line, f"not valid CSV: {error}") from None
    return parsed


def _add_row(parsed: Parsed, row: dict[str, str | None], line: int) -> None:
    passage = clean_text(row.get("Highlight") or "")
    if not passage:
        parsed.skipped["empty highlight"] += 1
        return
    location = (row.get("Location") or "").strip()
    kind = (row.get("Location Type") or "").strip().lower() or "loc"
    key = f"{kind}-{location}" if location else digest_of(passage)
    book = (row.get("Book Title") or "").strip()
    parsed.highlights.append(
        Highlight(book, passage, clean_text(row.get("Note") or ""), key, line)
    )
