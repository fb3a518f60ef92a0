"""Writing a site's folder so that a build with nothing new touches no file.

A page is written only when its bytes differ from the file's, through a temporary file
renamed into place (a reader never sees half a page); a page the build no longer makes (a
day whose only curiosity was forgotten) is removed, so nothing of a person lingers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

# The folders the builder owns inside a site: a file there that a build does not make goes.
OWNED_FOLDERS = ("days", "passages")
# A folder holding these is a site this builder made (and may remove).
SITE_MARKS = ("index.html", "feed.atom", "upcoming.ics")


@dataclass(frozen=True)
class Written:
    """What a build did to the folder: files written, left as they were, and removed."""

    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def write_site(out: Path, files: Mapping[str, str]) -> Written:
    """Write each file (a path within ``out`` -> its text) whose bytes changed; remove the
    pages of the owned folders that are not among them."""
    written = [name for name, text in sorted(files.items()) if _write_if_changed(out, name, text)]
    removed = []
    for folder in OWNED_FOLDERS:
        for path in sorted((out / folder).glob("*.html")):
            name = path.relative_to(out).as_posix()
            if name not in files:
                path.unlink()
                removed.append(name)
    return Written(tuple(written), len(files) - len(written), tuple(removed))


def _write_if_changed(out: Path, name: str, text: str) -> bool:
    """Write one file if its bytes differ from what is there; True if it was written."""
    path = out / name
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def remove_unpublished(out: Path, published: Collection[int]) -> list[Path]:
    """Remove the sites in ``out`` (one folder per chat id) of chats no longer published;
    return the folders removed. Only a folder named by a chat id and holding a site's files
    is touched."""
    removed = []
    for folder in sorted(p for p in out.glob("*") if p.is_dir()):
        try:
            chat_id = int(folder.name)
        except ValueError:
            continue
        made_here = all((folder / mark).is_file() for mark in SITE_MARKS)
        if chat_id not in published and made_here:
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
