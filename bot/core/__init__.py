"""The rules of the bot, in the standard library alone: the corpus, each chat's calendar,
reply threads, resonances, and Telegram's text rules. Nothing here does I/O or knows Telegram.
"""
