"""The Telegram shell: updates in, core calls, replies out. ``build_application`` wires it."""

from bot.handlers.app import build_application

__all__ = ["build_application"]
