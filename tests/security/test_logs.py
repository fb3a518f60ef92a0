"""What the bot's logging lets through, as installed by ``python -m bot run``: no token, no
webhook secret, and no member's words, even from a library logger turned up to DEBUG."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.cli.logs import configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "a-webhook-secret-of-this-run"
WORDS = "words a member said in the group"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """The bot's logging, installed at DEBUG into a buffer; removed after the test."""
    stream = io.StringIO()
    handler = configure_logging("DEBUG", secrets=(TOKEN, SECRET), stream=stream)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("library", ["httpx", "telegram.ext.Updater", "aiohttp.access"])
def test_a_library_logger_turned_to_debug_never_prints_the_token_or_secret(log, library):
    logger = logging.getLogger(library)
    previous = logger.level
    logger.setLevel(logging.DEBUG)  # as someone debugging the bot might
    try:
        logger.warning("POST https://api.telegram.org/bot%s/setWebhook %s", TOKEN, SECRET)
        logger.debug("payload %s", {"secret_token": SECRET, "text": WORDS})
    finally:
        logger.setLevel(previous)
    printed = log.getvalue()
    assert "bot[REDACTED]/setWebhook [REDACTED]" in printed
    assert TOKEN not in printed and SECRET not in printed and WORDS not in printed


def test_an_update_a_library_could_not_parse_is_logged_without_its_data(log):
    logging.getLogger("telegram.ext.Updater").critical(
        "Something went wrong processing the data received from Telegram. "
        "Received data was *not* processed! Received data was: %r",
        {"update_id": 1, "message": {"text": WORDS}},
    )
    printed = log.getvalue()
    assert "Received data was" in printed and WORDS not in printed
