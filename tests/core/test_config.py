"""Settings come from the environment once, with defaults and clear errors."""

from pathlib import Path

import pytest

from bot.core.config import Config, ConfigError


def test_defaults_without_environment():
    config = Config.from_env({})
    assert (config.token, config.db_path, config.web_port, config.sandboxed) == (
        None,
        Path("./data/commons.db"),
        8080,
        True,
    )


def test_environment_and_overrides():
    env = {"TELEGRAM_BOT_TOKEN": "1:x", "COMMONS_DB": "/tmp/a.db", "COMMONS_RETENTION_DAYS": "30"}
    config = Config.from_env(env, db_path=Path("/tmp/b.db"))
    assert (config.token, config.db_path, config.retention_days, config.sandboxed) == (
        "1:x",
        Path("/tmp/b.db"),
        30,
        False,
    )


def test_a_bad_number_says_which_variable():
    with pytest.raises(ConfigError, match="COMMONS_WEB_PORT must be a whole number, not 'eighty'"):
        Config.from_env({"COMMONS_WEB_PORT": "eighty"})
