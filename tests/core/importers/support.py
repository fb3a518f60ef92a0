"""What the importers' tests share: the fixtures, a Kindle clipping, and an import read back as
the bot loads a corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.corpus import CorpusError, Entry, load_corpus
from bot.core.importers import import_source, parse_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "highlights"
HEX6 = "[0-9a-f]{6}"
HEX8 = "[0-9a-f]{8}"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def clip(header: str, text: str = "", title: str = "Commons (Ostrom)", eol: str = "\n") -> str:
    """One Kindle clipping: title, '- ...' header, a blank line, the text, the separator."""
    return eol.join([title, f"- Your {header} | Added on Monday, 4 March 2019 09:01:00", "", text,
                     "=========="]) + eol  # fmt: skip


def kindle(tmp_path: Path, *clips: str) -> Path:
    return write(tmp_path, "My Clippings.txt", "".join(clips))


def ids_and_pairs(path: Path, **options: object) -> list[tuple[str, str, str]]:
    """The corpus made from a source, as the bot loads it: (id, passage, counterpoint)."""
    text, _ = import_source(path, **options)  # type: ignore[arg-type]
    out = path.with_name(path.name + ".corpus.md")
    out.write_text(text, encoding="utf-8")
    return [(e.id, e.passage, e.counterpoint) for e in load_corpus(out)]


def skipped(path: Path, **options: object) -> dict[str, int]:
    _, summary = import_source(path, **options)  # type: ignore[arg-type]
    return dict(summary.skipped)


def error_of(path: Path, format: str | None = None) -> str:
    with pytest.raises(CorpusError) as caught:
        parse_source(path, format)
    return str(caught.value)


def imported(tmp_path: Path, name: str, **options: object) -> list[Entry]:
    """Import a fixture, write it as a corpus file and load it back as the bot would."""
    text, _ = import_source(FIXTURES / name, **options)  # type: ignore[arg-type]
    out = tmp_path / f"{name}.md"
    out.write_text(text, encoding="utf-8")
    return load_corpus(out)


def pairs(entries: list[Entry]) -> list[tuple[str, str]]:
    return [(e.passage, e.counterpoint) for e in entries]
