"""What every importer produces: highlights with their notes, and what was left out and why.

A ``Highlight`` is one passage someone marked in a book, with the note they wrote against it
(empty if none). Each importer reads its format into a ``Parsed``; ``bot.core.importers.writer``
turns that into a corpus file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.corpus import CorpusError

MAX_SLUG_CHARS = 24


@dataclass(frozen=True)
class Highlight:
    """A marked passage, the note written against it, and where it came from.

    ``key`` is what the source itself calls the place (a Kindle location, a Readwise location,
    a Hypothesis annotation id, a hash of the quote), so importing the same file again gives the
    same corpus ids.
    """

    book: str
    passage: str
    note: str
    key: str
    line: int


@dataclass
class Parsed:
    """An importer's result: highlights in source order, and how many were skipped for what."""

    highlights: list[Highlight] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def source_error(path: Path, line: int, message: str) -> CorpusError:
    """Return the one-line ``file:line: message`` error for a source that cannot be read."""
    return CorpusError(path, [(line, message)])


def slug(text: str, limit: int = MAX_SLUG_CHARS) -> str:
    """Return text as a short corpus id part: 'Étienne's Book!' -> 'etiennes-book'."""
    # Letters with accents keep their base letter; other scripts leave nothing behind, so
    # callers fall back to a hash when the slug is empty.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    cut = ""
    for word in words:
        joined = f"{cut}-{word}" if cut else word
        if len(joined) > limit:
            break
        cut = joined
    return cut or (words[0][:limit] if words else "")


def digest_of(text: str, length: int = 8) -> str:
    """Return a short, stable hexadecimal fingerprint of text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def key_part(key: str) -> str:
    """Return a source key as an id part: kept if it is already a-z0-9-, else fingerprinted."""
    cleaned = key.strip().lower()
    return cleaned if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", cleaned) else digest_of(key)


def clean_text(text: str) -> str:
    """Return text without byte order marks, with "\n" line ends and each line stripped."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.strip().split("\n"))
