"""Telegram HTML from core values: the morning post, command replies, and the digests.

Pure: values in, strings out. Every person-written string is escaped here, exactly once.
"""
