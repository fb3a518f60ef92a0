"""Kindle's ``My Clippings.txt``: highlights, notes and bookmarks, in the Kindle's own language.

Each clipping is a title line, a header line, a blank line and the text, ended by a line of ten
``=``. The header's words follow the device's language::

    - Your Highlight on page 12 | Location 170-172 | Added on Sunday, 3 March 2019 10:15:42
    - Ihre Notiz bei Position 172 | Hinzugefügt am Sonntag, 3. März 2019 10:16:01
    - Tu marcador en la posición 180 | Añadido el domingo, 3 de marzo de 2019 10:20:00

A highlight that was edited or extended is written again, so of highlights whose locations
overlap only the last one is kept; a note pairs with the highlight whose range holds its
location. Bookmarks carry no text and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.importers.model import Highlight, Parsed, clean_text, source_error

SEPARATOR = "=========="
LANGUAGES = "English, German, Spanish, French, Italian and Portuguese"
# The header's first words name the kind of clipping, in each Kindle language.
KIND_WORDS = {
    "highlight": {
        "highlight", "markierung", "subrayado", "surlignement", "evidenziazione", "destaque",
    },
    "note": {"note", "notiz", "nota"},
    "bookmark": {"bookmark", "lesezeichen", "marcador", "signet", "segnalibro"},
}  # fmt: skip
LOCATION = re.compile(
    r"(?:location|loc\.|position|posición|emplacement|posizione|posição)\s*(\d+)(?:\s*-\s*(\d+))?",
    re.IGNORECASE,
)
PAGE = re.compile(r"(?:page|seite|página|pagina)\s*([0-9ivxlcdm]+)(?:\s*-\s*([0-9ivxlcdm]+))?",
                  re.IGNORECASE)  # fmt: skip
AUTHOR = re.compile(r"\s*\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class Clipping:
    """One clipping as read: its book, kind, place and text."""

    book: str
    kind: str
    start: int
    end: int
    unit: str  # "loc" or "p": which numbers start and end count
    text: str
    line: int


def parse_kindle(text: str, path: Path) -> Parsed:
    """Return the highlights of a My Clippings file, each with its note; CorpusError if unread."""
    parsed = Parsed()
    clippings = [c for c in _read_clippings(text, path) if _keep(c, parsed)]
    chains = _versions([c for c in clippings if c.kind == "highlight"], parsed)
    notes = [chain[-1] for chain in _versions([c for c in clippings if c.kind == "note"], parsed)]
    noted = _pair_notes(chains, notes, parsed)
    for index, chain in enumerate(chains):
        last = chain[-1]
        note = noted[index].text if index in noted else ""
        key = f"{last.unit}-{last.start}"
        parsed.highlights.append(Highlight(last.book, last.text, note, key, last.line))
    return parsed


def _keep(clipping: Clipping, parsed: Parsed) -> bool:
    if clipping.kind == "bookmark":
        parsed.skipped["bookmark"] += 1
        return False
    if not clipping.text:
        parsed.skipped[f"empty {clipping.kind}"] += 1
        return False
    return True


def _read_clippings(text: str, path: Path) -> list[Clipping]:
    """Split the file into clippings and read each one's title, header and text."""
    clippings: list[Clipping] = []
    block: list[tuple[int, str]] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.replace("\ufeff", "").strip() == SEPARATOR:
            if any(part.strip() for _, part in block):
                clippings.append(_read_clipping(block, path))
            block = []
        else:
            block.append((number, line))
    if any(part.strip() for _, part in block):
        number = next(n for n, part in block if part.strip())
        raise source_error(path, number, f"clipping is not closed by a line '{SEPARATOR}'")
    return clippings


def _read_clipping(block: list[tuple[int, str]], path: Path) -> Clipping:
    # Kindles put a byte order mark before some titles, and some blocks start with blank lines.
    while block and not block[0][1].replace("\ufeff", "").strip():
        block = block[1:]
    (number, title), *rest = block
    if not rest or not rest[0][1].strip().startswith("-"):
        raise source_error(
            path, number, "not a Kindle clipping: expected a title line, then a '- ...' header"
        )
    header_line, header = rest[0]
    kind = _kind(header, path, header_line)
    unit, start, end = _place(header, path, header_line)
    book = AUTHOR.sub("", title.replace("\ufeff", "").strip()) or title.strip()
    body = clean_text("\n".join(line for _, line in rest[1:]))
    return Clipping(book, kind, start, end, unit, body, number)


def _kind(header: str, path: Path, number: int) -> str:
    words = set(re.findall(r"\w+", header.split("|")[0].casefold()))
    for kind, names in KIND_WORDS.items():
        if words & names:
            return kind
    raise source_error(
        path, number, f"unknown clipping header {_short(header)}: headers are read in {LANGUAGES}"
    )


def _place(header: str, path: Path, number: int) -> tuple[str, int, int]:
    """Return ("loc", start, end) from the header's location, else ("p", ...) from its page."""
    parts = header.split("|")
    found = LOCATION.search(" ".join(parts[:-1]) if len(parts) > 1 else header)
    if found:
        start = int(found[1])
        return "loc", start, _range_end(start, found[2])
    page = PAGE.search(header)
    if page and page[1].isdigit():
        start = int(page[1])
        return "p", start, _range_end(start, page[2])
    if page:
        return "p", _roman(page[1]), _roman(page[2] or page[1])
    raise source_error(path, number, f"clipping header {_short(header)} has no location or page")


def _range_end(start: int, end: str | None) -> int:
    if not end or not end.isdigit():
        return start
    # Older Kindles shorten a range's end: "Loc. 1170-72" means 1170 to 1172.
    value = int(end)
    if value < start:
        value = int(str(start)[: len(str(start)) - len(end)] + end)
    return max(value, start)


def _roman(numeral: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    digits = [values[c] for c in numeral.lower()]
    return sum(-d if d < nxt else d for d, nxt in zip(digits, [*digits[1:], 0], strict=True))


def _overlaps(a: Clipping, b: Clipping) -> bool:
    return a.book == b.book and a.unit == b.unit and a.start <= b.end and b.start <= a.end


def _versions(clippings: list[Clipping], parsed: Parsed) -> list[list[Clipping]]:
    """Return chains of versions: clippings whose places overlap, oldest first.

    A chain stands where its first version stood, so extending an old highlight does not move
    it to the end of the corpus; only its last version is imported.
    """
    chains: list[list[Clipping]] = []
    for clipping in clippings:
        earlier = [i for i, chain in enumerate(chains) if _touches(chain, clipping)]
        if not earlier:
            chains.append([clipping])
            continue
        parsed.skipped[f"earlier version of an edited {clipping.kind}"] += len(earlier)
        merged = [version for i in earlier for version in chains[i]]
        chains[earlier[0]] = [*merged, clipping]
        for index in reversed(earlier[1:]):
            del chains[index]
    return chains


def _touches(chain: list[Clipping], clipping: Clipping) -> bool:
    return any(_overlaps(version, clipping) for version in chain)


def _pair_notes(
    chains: list[list[Clipping]], notes: list[Clipping], parsed: Parsed
) -> dict[int, Clipping]:
    """Return the note of each highlight chain (by index): the last one within its places."""
    noted: dict[int, Clipping] = {}
    for note in notes:
        home = [i for i, chain in enumerate(chains) if _touches(chain, note)]
        if not home:
            parsed.skipped["note with no highlight at its location"] += 1
        elif home[-1] in noted:
            parsed.skipped["earlier version of an edited note"] += 1
            noted[home[-1]] = note
        else:
            noted[home[-1]] = note
    return noted


def _short(text: str, limit: int = 60) -> str:
    text = text.strip()
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"
