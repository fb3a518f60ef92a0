"""The archive on a real file, opened fresh for each test, as the planning process reads it."""

from tests.archive.conftest import path, store

__all__ = ["path", "store"]
