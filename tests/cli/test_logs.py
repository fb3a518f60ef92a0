"""The token never reaches a log line."""

import logging

from bot.cli.logs import RedactingFilter

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def render(record: logging.LogRecord, redactor: RedactingFilter) -> str:
    redactor.filter(record)
    return logging.Formatter("%(message)s").format(record)


def make_record(msg, *args, exc_info=None):
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, exc_info)


def test_token_in_a_request_url_is_redacted():
    record = make_record(
        'HTTP Request: POST %s "HTTP/1.1 200 OK"',
        f"https://api.telegram.org/bot{TOKEN}/getUpdates",
    )
    line = render(record, RedactingFilter([TOKEN]))
    assert (
        line
        == 'HTTP Request: POST https://api.telegram.org/bot[REDACTED]/getUpdates "HTTP/1.1 200 OK"'
    )


def test_token_shaped_strings_are_redacted_even_when_not_configured():
    line = render(make_record("calling %s", f"/bot{TOKEN}/sendMessage"), RedactingFilter())
    assert TOKEN not in line
    assert "[REDACTED]" in line


def test_token_in_a_traceback_is_redacted():
    try:
        raise RuntimeError(f"failed to reach /bot{TOKEN}/getMe")
    except RuntimeError:
        import sys

        record = make_record("network trouble", exc_info=sys.exc_info())
    redactor = RedactingFilter([TOKEN])
    line = render(record, redactor)
    assert TOKEN not in line
    assert "failed to reach /bot[REDACTED]/getMe" in line
