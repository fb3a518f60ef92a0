"""Hypothesis annotations exported as JSON: the quoted selection and the annotation's text.

Accepted shapes: the web export (``{"annotations": [...]}``), an API search result
(``{"rows": [...]}``) or a bare list. Each annotation holds its quote in a ``TextQuoteSelector``
(``target[0].selector[].exact``), its note in ``text`` and its page in ``document.title``.
Page notes and replies quote nothing, so they are skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.core.importers.model import Highlight, Parsed, clean_text, digest_of, source_error

SHAPES = "expected a list of annotations, or an object with 'annotations' or 'rows'"


def parse_hypothesis(text: str, path: Path) -> Parsed:
    """Return the quoted selections of a Hypothesis JSON export with their annotations."""
    try:
        data = json.loads(text.replace("\ufeff", ""))
    except json.JSONDecodeError as error:
        raise source_error(path, error.lineno, f"not valid JSON: {error.msg}") from None
    annotations = _annotations(data, path)
    parsed = Parsed()
    for index, annotation in enumerate(annotations):
        line = _line_of(text, annotation)
        if not isinstance(annotation, dict):
            raise source_error(path, line, f"annotation {index + 1} is not a JSON object")
        _add(parsed, annotation, line)
    return parsed


def _annotations(data: Any, path: Path) -> list[Any]:
    if isinstance(data, dict):
        data = data.get("annotations", data.get("rows"))
    if not isinstance(data, list):
        raise source_error(path, 1, f"not a Hypothesis export: {SHAPES}")
    return data


def _add(parsed: Parsed, annotation: dict[str, Any], line: int) -> None:
    quote = clean_text(_quote(annotation))
    if not quote:
        parsed.skipped["annotation with no quoted text"] += 1
        return
    key = digest_of(str(annotation.get("id") or quote))
    note = clean_text(str(annotation.get("text") or ""))
    parsed.highlights.append(Highlight(_title(annotation), quote, note, key, line))


def _quote(annotation: dict[str, Any]) -> str:
    for target in annotation.get("target") or []:
        for selector in (target.get("selector") or []) if isinstance(target, dict) else []:
            if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector":
                return str(selector.get("exact") or "")
    return ""


def _title(annotation: dict[str, Any]) -> str:
    titles = (annotation.get("document") or {}).get("title") or []
    title = titles[0] if isinstance(titles, list) and titles else titles
    return str(title or annotation.get("uri") or "").strip()


def _line_of(text: str, annotation: Any) -> int:
    """Return the line where the annotation's id is written (else 1), so problems point at it."""
    if isinstance(annotation, dict) and annotation.get("id"):
        found = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(annotation["id"])), text)
        if found:
            return text.count("\n", 0, found.start()) + 1
    return 1
