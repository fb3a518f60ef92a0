"""The command line: ``python -m bot`` (or ``commons-bot``), the runner, start-up refusals,
``check`` and its findings, and logging. It sits on top: it may import every other part."""

from bot.cli.main import cli

__all__ = ["cli"]
