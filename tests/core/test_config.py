"""Settings come from the environment once, with defaults and clear errors."""

from pathlib import Path

import pytest

from bot.core.config import Config, ConfigError, heartbeat_path


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


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TELEGRAM_BOT_TOKEN": "not a token"},
            "TELEGRAM_BOT_TOKEN is not a bot token: a token looks like 123456789:AAE4x... "
            "(digits, a colon, letters); copy it again from @BotFather, or unset it to run "
            "the sandbox",
        ),
        (
            {"COMMONS_WEBHOOK_SECRET": "a secret!"},
            "COMMONS_WEBHOOK_SECRET must be 1 to 256 letters, digits, - or _ (Telegram's rule)",
        ),
        (
            {"COMMONS_WEBHOOK_SECRET": "s" * 257},
            "COMMONS_WEBHOOK_SECRET must be 1 to 256 letters, digits, - or _ (Telegram's rule)",
        ),
        (
            {"TELEGRAM_BASE_URL": "ftp://api.example"},
            "TELEGRAM_BASE_URL must start with http:// or https://, not 'ftp://api.example'",
        ),
        (
            {"COMMONS_WEBHOOK_URL": "http://bot.example/hook"},
            "COMMONS_WEBHOOK_URL must start with https://, not 'http://bot.example/hook'",
        ),
        ({"COMMONS_PORT": "0"}, "COMMONS_PORT must be a whole number from 1 to 65535, not 0"),
        (
            {"COMMONS_PORT": "65536"},
            "COMMONS_PORT must be a whole number from 1 to 65535, not 65536",
        ),
        (
            {"COMMONS_WEB_PORT": "-1"},
            "COMMONS_WEB_PORT must be a whole number from 0 to 65535, not -1",
        ),
        (
            {"COMMONS_RETENTION_DAYS": "100001"},
            "COMMONS_RETENTION_DAYS must be a whole number from 0 to 100000, not 100001",
        ),
        (
            {"COMMONS_BACKUP_KEEP": "0"},
            "COMMONS_BACKUP_KEEP must be a whole number from 1 to 10000, not 0",
        ),
        (
            {"COMMONS_BACKUP_AT": "24:00"},
            "COMMONS_BACKUP_AT must be a time of day as HH:MM (UTC), not '24:00'",
        ),
        (
            {"COMMONS_BACKUP_AT": "3:30"},
            "COMMONS_BACKUP_AT must be a time of day as HH:MM (UTC), not '3:30'",
        ),
        (
            {"COMMONS_LOG_LEVEL": "LOUD"},
            "COMMONS_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'LOUD'",
        ),
    ],
)
def test_each_bad_value_is_refused_in_one_line_that_names_its_setting(env, message):
    with pytest.raises(ConfigError) as refused:
        Config.from_env(env)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "env",
    [
        {"TELEGRAM_BOT_TOKEN": "123456789:AAE4x-_z"},
        {"COMMONS_WEBHOOK_SECRET": "s" * 256},
        {"COMMONS_WEBHOOK_SECRET": "a-b_C9"},
        {"TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot"},
        {"TELEGRAM_BASE_URL": "https://api.example/bot"},
        {"COMMONS_WEBHOOK_URL": "https://bot.example/hook"},
        {"COMMONS_PORT": "1", "COMMONS_WEB_PORT": "0"},
        {"COMMONS_PORT": "65535", "COMMONS_WEB_PORT": "65535"},
        {"COMMONS_RETENTION_DAYS": "100000", "COMMONS_BACKUP_KEEP": "10000"},
        {"COMMONS_BACKUP_KEEP": "1", "COMMONS_BACKUP_AT": "00:00"},
        {"COMMONS_BACKUP_AT": "23:59", "COMMONS_LOG_LEVEL": "debug"},
    ],
)
def test_values_at_the_edges_of_what_is_allowed_are_taken(env):
    assert Config.from_env(env) is not None


def test_every_setting_is_read_from_its_variable_and_converted():
    env = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_BASE_URL": "http://127.0.0.1:1/bot",
        "COMMONS_DB": "/srv/commons.db",
        "COMMONS_CORPUS": "/srv/corpus.md",
        "COMMONS_WEBHOOK_URL": "https://bot.example/hook",
        "COMMONS_LISTEN": "0.0.0.0",
        "COMMONS_PORT": "8444",
        "COMMONS_WEBHOOK_SECRET": "s3cret",
        "COMMONS_WEB_PORT": "9090",
        "COMMONS_WEB_HOSTS": " chat.example , ,other.example",
        "COMMONS_RETENTION_DAYS": "3",
        "COMMONS_LOG_LEVEL": "WARNING",
        "COMMONS_BACKUP_DIR": "/srv/backups",
        "COMMONS_BACKUP_AT": "04:15",
        "COMMONS_BACKUP_KEEP": "14",
    }
    assert Config.from_env(env) == Config(
        token="123:abc",
        base_url="http://127.0.0.1:1/bot",
        db_path=Path("/srv/commons.db"),
        corpus_path=Path("/srv/corpus.md"),
        webhook_url="https://bot.example/hook",
        listen="0.0.0.0",
        port=8444,
        webhook_secret="s3cret",
        web_port=9090,
        web_hosts=("chat.example", "other.example"),
        retention_days=3,
        log_level="WARNING",
        backup_dir=Path("/srv/backups"),
        backup_at="04:15",
        backup_keep=14,
    )


def test_an_empty_variable_counts_as_unset_and_an_option_as_text_is_converted():
    config = Config.from_env({"COMMONS_PORT": ""}, web_port="7070", retention_days=None)
    assert (config.port, config.web_port, config.retention_days) == (8443, 7070, 0)
    assert Config.from_env({}, port=9000).port == 9000


def test_a_copy_with_changes_and_the_heartbeat_beside_the_archive():
    config = Config.from_env({})
    changed = config.with_(token="1:a", web_port=1)
    assert (changed.token, changed.web_port, changed.sandboxed, config.sandboxed) == (
        "1:a",
        1,
        False,
        True,
    )
    assert heartbeat_path(Path("/srv/data/commons.db")) == Path("/srv/data/commons.db.heartbeat")
