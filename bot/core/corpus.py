"""The corpus: passages and their counterpoints, read from a Markdown file people write by hand.

The format, in short (the README's "The corpus" section has the long version)::

    # Title                      optional, once, before the first entry
    source: ...                  optional "key: value" lines about the file; the bot ignores them

    ## ch1-01                    an entry: "## " and an id of a-z, 0-9 and "-", unique
    chapter: ch1 intro           fields under the heading; "chapter" is the one known field

    > the passage, quoted        the passage: ">" lines; a lone ">" separates paragraphs
    >
    > its second paragraph

    the counterpoint             plain paragraphs up to the next "## "

    <!-- notes -->               HTML comments are skipped anywhere

Text is taken literally: no Markdown formatting is applied, so what is written is what is posted.
Loading checks the whole file and reports every problem with its line; it never returns half a
corpus.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

KNOWN_FIELDS = ("chapter",)
ID_PATTERN = re.compile(r"[a-z0-9-]+")
# "key: value", the colon followed by a space or the line's end, so "http://..." is plain text.
FIELD_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):(?:\s+(.*))?$")
# An ATX heading needs a space after its marks, so "#hashtag" is plain text.
HEADING_LINE = re.compile(r"(#{1,6})(?:\s+(.*))?$")
QUOTE_AFTER_COUNTERPOINT = "passage line ('>') after the counterpoint: the passage must come first"

Line = tuple[int, str]
Problem = tuple[int, str]


@dataclass(frozen=True)
class Entry:
    """One daily post: a passage and its counterpoint, paragraphs separated by a blank line."""

    id: str
    chapter: str
    passage: str
    counterpoint: str
    line: int
    # A passage a member suggested: who, credited where the book names its chapter. None for
    # the book's own passages; '' for a person who asked to be forgotten.
    suggested_by: str | None = None


class CorpusError(Exception):
    """A corpus file that cannot be used, with every problem found as (line, message)."""

    def __init__(self, path: str | Path, problems: Sequence[Problem]) -> None:
        self.path = Path(path)
        # Stable sort: problems on one line keep the order they were found in.
        self.problems: list[Problem] = sorted(problems, key=lambda problem: problem[0])
        self.line, self.message = self.problems[0]
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}:{line}: {message}" for line, message in self.problems)


@dataclass
class _Draft:
    """An entry while its lines are being read."""

    id: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    passage: list[str] = field(default_factory=list)
    counterpoint: list[str] = field(default_factory=list)


def default_corpus_path() -> Path:
    """Return the bundled seed corpus: bot/seeds/corpus.md if installed, else seeds/corpus.md."""
    return _seed_path(Path(__file__).resolve().parent.parent)


def _seed_path(package_dir: Path) -> Path:
    # A wheel carries seeds/ as bot/seeds/; a checkout (or editable install) keeps it beside bot/.
    bundled = package_dir / "seeds" / "corpus.md"
    return bundled if bundled.is_file() else package_dir.parent / "seeds" / "corpus.md"


def load_corpus(path: Path | None = None) -> list[Entry]:
    """Return every entry of the corpus file, in file order (default: the bundled seed corpus).

    Raises CorpusError listing every problem; a missing file raises FileNotFoundError.
    """
    path = default_corpus_path() if path is None else Path(path)
    text = read_utf8(path)
    problems: list[Problem] = []
    lines = _strip_comments(text, problems)
    drafts = _read_drafts(lines, problems)
    entries = _build_entries(drafts, problems)
    if not drafts:
        problems.append((1, "no entries: each entry starts with a line '## <id>'"))
    if problems:
        raise CorpusError(path, problems)
    logger.debug("loaded %d corpus entries from %s", len(entries), path)
    return entries


def corpus_language(path: Path | None = None) -> str | None:
    """Return the language its header says the corpus is in ('language: es'), lower case.

    The header is what comes before the first entry; None if it does not say.
    """
    path = default_corpus_path() if path is None else Path(path)
    for line in read_utf8(path).splitlines():
        heading = HEADING_LINE.match(line.strip())
        if heading and len(heading[1]) == 2:
            break
        field = FIELD_LINE.match(line.strip())
        if field and field[1].lower() == "language" and field[2]:
            return field[2].strip().lower()
    return None


def entry_at(corpus: Sequence[Entry], position: int) -> Entry:
    """Return the entry a chat at this position posts next: the corpus walked in order, looping."""
    if not corpus:
        raise ValueError("the corpus is empty")
    return corpus[position % len(corpus)]


def read_utf8(path: Path) -> str:
    """Return a file's text without a byte order mark; CorpusError names the first bad byte."""
    return _decode(path, path.read_bytes())


def _decode(path: Path, data: bytes) -> str:
    # Editors on Windows like to start UTF-8 files with a byte order mark; it is not text.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = (
            f"not UTF-8: byte 0x{data[error.start]:02x} at column {column} cannot be read; "
            "save the file as UTF-8"
        )
        raise CorpusError(path, [(line, message)]) from None


def _strip_comments(text: str, problems: list[Problem]) -> list[Line]:
    """Return (line number, text) pairs with HTML comments cut out; comment-only lines vanish."""
    # Split on "\n" only: str.splitlines() also breaks on characters editors show inline, which
    # would make our line numbers disagree with the editor's.
    result: list[Line] = []
    opened_at = 0  # line where the comment we are inside began; 0 when outside one
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip("\r")
        kept, opened_at = _cut_comments(raw, opened_at, number)
        if kept.strip() or not raw.strip():
            result.append((number, kept.rstrip()))
    if opened_at:
        problems.append((opened_at, "comment '<!--' is never closed with '-->'"))
    return result


def _cut_comments(raw: str, opened_at: int, number: int) -> tuple[str, int]:
    """Return the line without its comment parts, and where an unclosed comment began (or 0)."""
    kept, rest = "", raw
    while rest:
        if opened_at:
            end = rest.find("-->")
            if end < 0:
                return kept, opened_at
            rest, opened_at = rest[end + 3 :], 0
        else:
            start = rest.find("<!--")
            if start < 0:
                return kept + rest, 0
            kept, rest, opened_at = kept + rest[:start], rest[start + 4 :], number
    return kept, opened_at


def _read_drafts(lines: list[Line], problems: list[Problem]) -> list[_Draft]:
    """Group lines into draft entries; note text outside entries and misplaced lines."""
    drafts: list[_Draft] = []
    preamble: list[Line] = []
    for number, text in lines:
        heading = HEADING_LINE.match(text.strip())
        if heading and len(heading.group(1)) == 2:
            drafts.append(_Draft(id=(heading.group(2) or "").strip(), line=number))
        elif drafts:
            _add_line(drafts[-1], number, text, problems)
        else:
            preamble.append((number, text))
    _check_preamble(preamble, problems)
    return drafts


def _check_preamble(lines: list[Line], problems: list[Problem]) -> None:
    """Allow one '# title' and 'key: value' lines before the first entry; report other text."""
    titled = False
    stray = False  # inside a run of stray text: report only its first line
    for number, text in lines:
        stripped = text.strip()
        heading = HEADING_LINE.match(stripped)
        if not stripped:
            stray = False
        elif heading and len(heading.group(1)) == 1 and not titled:
            titled = True
        elif not FIELD_LINE.match(stripped):
            if not stray:
                problems.append((number, _outside_message(stripped)))
            stray = True


def _outside_message(stripped: str) -> str:
    heading = HEADING_LINE.match(stripped)
    if heading and len(heading.group(1)) == 1:
        return "only one '# title' line is allowed; entries start with '## <id>'"
    if heading:
        return f"heading {_quote(stripped)} is not an entry: entries start with '## <id>'"
    return (
        f"text outside an entry: {_quote(stripped)}; "
        "entries start with '## <id>' (or make it a comment: <!-- ... -->)"
    )


def _add_line(draft: _Draft, number: int, text: str, problems: list[Problem]) -> None:
    """Add one line to the entry being read: a field, a passage line or a counterpoint line."""
    stripped = text.strip()
    if HEADING_LINE.match(stripped):
        problems.append((number, _stray_heading_message(stripped)))
    elif stripped.startswith(">"):
        if draft.counterpoint:
            problems.append((number, QUOTE_AFTER_COUNTERPOINT))
        else:
            draft.passage.append(_unquote(stripped))
    elif draft.counterpoint or (draft.passage and stripped):
        draft.counterpoint.append(stripped)
    elif draft.passage:
        # A blank line between '>' lines parts paragraphs, as a lone '>' does.
        draft.passage.append("")
    elif stripped:
        _add_field_or_text(draft, number, stripped, problems)


def _add_field_or_text(draft: _Draft, number: int, stripped: str, problems: list[Problem]) -> None:
    """Read a line under the heading: a 'key: value' field, or the start of plain text."""
    match = FIELD_LINE.match(stripped)
    if match is None:
        draft.counterpoint.append(stripped)
        return
    key, value = match.group(1).lower(), (match.group(2) or "").strip()
    if key not in KNOWN_FIELDS:
        known = ", ".join(KNOWN_FIELDS)
        problems.append((number, f"unknown field {_quote(key)} (known fields: {known})"))
    elif key in draft.fields:
        problems.append((number, f"field {_quote(key)} is given twice"))
    elif not value:
        problems.append((number, f"field {_quote(key)} is empty"))
    draft.fields.setdefault(key, value)


def _stray_heading_message(stripped: str) -> str:
    if stripped.startswith("# ") or stripped == "#":
        return "a '# title' belongs at the top of the file, before the first entry"
    return f"unexpected heading {_quote(stripped)}: entries start with '## <id>'"


def _unquote(stripped: str) -> str:
    # Markdown's "> " marker: drop the ">" and at most one space after it.
    text = stripped[1:]
    return text[1:] if text.startswith(" ") else text


def _build_entries(drafts: list[_Draft], problems: list[Problem]) -> list[Entry]:
    """Turn drafts into entries, noting each id, chapter, passage or counterpoint problem."""
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for draft in drafts:
        problems.extend(_id_problems(draft, first_line))
        first_line.setdefault(draft.id, draft.line)
        entry = Entry(
            id=draft.id,
            chapter=draft.fields.get("chapter", ""),
            passage=_paragraphs(draft.passage),
            counterpoint=_paragraphs(draft.counterpoint),
            line=draft.line,
        )
        problems.extend(_content_problems(entry, "chapter" in draft.fields))
        entries.append(entry)
    return entries


def _id_problems(draft: _Draft, first_line: dict[str, int]) -> Iterator[Problem]:
    name = _quote(draft.id)
    if not draft.id:
        yield draft.line, "entry has no id: write '## <id>', e.g. '## ch1-01'"
    elif not ID_PATTERN.fullmatch(draft.id):
        yield draft.line, f"bad id {name}: use a-z, 0-9 and '-' only, e.g. 'ch1-01'"
    elif draft.id in first_line:
        yield draft.line, f"duplicate id {name} (first used at line {first_line[draft.id]})"


def _content_problems(entry: Entry, has_chapter: bool) -> Iterator[Problem]:
    name = f"entry {_quote(entry.id)}" if entry.id else "this entry"
    if not has_chapter:
        yield entry.line, f"{name} has no chapter: add a line 'chapter: ...' under its heading"
    if not entry.passage:
        yield entry.line, f"{name} has an empty passage: quote it in lines starting with '> '"
    if not entry.counterpoint:
        yield entry.line, f"{name} has no counterpoint: write it as paragraphs after the passage"


def _paragraphs(lines: list[str]) -> str:
    """Join lines into paragraphs: lines of a paragraph by newline, paragraphs by a blank line."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if stripped:
            paragraphs[-1].append(stripped)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs if paragraph)


def _quote(text: str, limit: int = 60) -> str:
    """Return text in single quotes, shortened so one problem stays on one readable line."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{short}'"
