"""The SQLite archive: chats, exactly-once posts, reply threads, curiosities, people.

``Store`` is synchronous (sqlite-utils); ``Archive`` runs it on one worker thread for the bot.
"""

from bot.archive.chats import UnknownChatError
from bot.archive.store import Store
from bot.archive.worker import Archive

__all__ = ["Archive", "Store", "UnknownChatError"]
