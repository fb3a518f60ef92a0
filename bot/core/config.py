"""Settings: the environment read once into a frozen dataclass.

Nothing else in the project reads ``os.environ``. Each setting has an environment variable, a
default and a help string; the README's configuration table is checked against ``SETTINGS`` by a
test, so the two cannot drift apart.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default and what it does."""

    env: str
    default: str | None
    help: str


SETTINGS: dict[str, Setting] = {
    "token": Setting(
        "TELEGRAM_BOT_TOKEN",
        None,
        "Bot token from @BotFather. Unset: the bot runs against its own local sandbox.",
    ),
    "base_url": Setting(
        "TELEGRAM_BASE_URL",
        None,
        "Bot API base URL, e.g. a self-hosted server: http://127.0.0.1:8081/bot",
    ),
    "db_path": Setting("COMMONS_DB", "./data/commons.db", "Path of the SQLite archive."),
    "corpus_path": Setting(
        "COMMONS_CORPUS", None, "Corpus file to post from (default: the bundled manifesto)."
    ),
    "webhook_url": Setting(
        "COMMONS_WEBHOOK_URL", None, "Public HTTPS URL for webhook mode; unset: long polling."
    ),
    "listen": Setting(
        "COMMONS_LISTEN",
        "127.0.0.1",
        "Address the webhook or web chat binds to (the Docker image sets 0.0.0.0).",
    ),
    "port": Setting("COMMONS_PORT", "8443", "Port of the webhook listener."),
    "webhook_secret": Setting(
        "COMMONS_WEBHOOK_SECRET", None, "Secret token Telegram sends with each webhook call."
    ),
    "web_port": Setting(
        "COMMONS_WEB_PORT", "8080", "Port of the local web chat (no-token mode only)."
    ),
    "web_hosts": Setting(
        "COMMONS_WEB_HOSTS",
        None,
        "Extra host names the web chat answers to, comma-separated (always: localhost, "
        "127.0.0.1, [::1]).",
    ),
    "retention_days": Setting(
        "COMMONS_RETENTION_DAYS",
        "0",
        "Delete stored replies older than this many days; 0 keeps all.",
    ),
    "log_level": Setting("COMMONS_LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING..."),
    "backup_dir": Setting(
        "COMMONS_BACKUP_DIR",
        None,
        "Folder of the daily backups (and of python -m bot backup); unset: no daily backup.",
    ),
    "backup_at": Setting("COMMONS_BACKUP_AT", "03:30", "UTC time of the daily backup, HH:MM."),
    "backup_keep": Setting("COMMONS_BACKUP_KEEP", "7", "How many daily backups are kept."),
}


class ConfigError(ValueError):
    """A setting has a value the bot cannot use."""


@dataclass(frozen=True)
class Config:
    """Everything the bot is told from outside. Build it with ``Config.from_env()``."""

    token: str | None = None
    base_url: str | None = None
    db_path: Path = Path("./data/commons.db")
    corpus_path: Path | None = None
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443
    webhook_secret: str | None = None
    web_port: int = 8080
    web_hosts: tuple[str, ...] = ()
    retention_days: int = 0
    log_level: str = "INFO"
    backup_dir: Path | None = None
    backup_at: str = "03:30"
    backup_keep: int = 7

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Return a Config from ``environ`` (default ``os.environ``), then ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, setting in SETTINGS.items():
            raw = env.get(setting.env) or setting.default
            if raw is not None:
                values[name] = _convert(name, setting, raw)
        # Options arrive as text, like the environment, so one conversion reports both.
        for name, value in overrides.items():
            if value is not None:
                text = isinstance(value, str)
                values[name] = _convert(name, SETTINGS[name], value) if text else value
        config = cls(**values)
        check_values(config)
        return config

    def with_(self, **changes: Any) -> Config:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)

    @property
    def sandboxed(self) -> bool:
        """True when no token is set and the bot should run against its own sandbox."""
        return not self.token


def heartbeat_path(db_path: Path) -> Path:
    """Return the file the running bot touches every minute, beside the archive."""
    return db_path.with_name(db_path.name + ".heartbeat")


# Telegram's shape: the bot's id, a colon, then a secret of letters, digits, "-" and "_". Kept
# loose on the secret's length so a self-hosted or test server's shorter tokens still pass.
TOKEN_SHAPE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")
CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def check_values(config: Config) -> None:
    """Raise ConfigError naming the first setting whose value the bot cannot use."""
    if config.token and not TOKEN_SHAPE.fullmatch(config.token):
        # Never echo the token: a near miss is still a secret.
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not a bot token: a token looks like 123456789:AAE4x... "
            "(digits, a colon, letters); copy it again from @BotFather, or unset it to run "
            "the sandbox"
        )
    if config.webhook_secret is not None and not WEBHOOK_SECRET_SHAPE.fullmatch(
        config.webhook_secret
    ):
        raise ConfigError(
            "COMMONS_WEBHOOK_SECRET must be 1 to 256 letters, digits, - or _ (Telegram's rule)"
        )
    _check_url("TELEGRAM_BASE_URL", config.base_url, ("http://", "https://"))
    _check_url("COMMONS_WEBHOOK_URL", config.webhook_url, ("https://",))
    _check_range("COMMONS_PORT", config.port, 1, 65535)
    _check_range("COMMONS_WEB_PORT", config.web_port, 0, 65535)
    _check_range("COMMONS_RETENTION_DAYS", config.retention_days, 0, 100_000)
    _check_range("COMMONS_BACKUP_KEEP", config.backup_keep, 1, 10_000)
    if not CLOCK_TIME.fullmatch(config.backup_at):
        raise ConfigError(
            f"COMMONS_BACKUP_AT must be a time of day as HH:MM (UTC), not {config.backup_at!r}"
        )
    if config.log_level.upper() not in logging.getLevelNamesMapping():
        raise ConfigError(
            f"COMMONS_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, "
            f"not {config.log_level!r}"
        )


def _check_url(env: str, url: str | None, schemes: tuple[str, ...]) -> None:
    if url is not None and not url.startswith(schemes):
        raise ConfigError(f"{env} must start with {' or '.join(schemes)}, not {url!r}")


def _check_range(env: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{env} must be a whole number from {low} to {high}, not {value}")


_TYPES = {f.name: f.type for f in fields(Config)}


def _convert(name: str, setting: Setting, raw: str) -> Any:
    kind = _TYPES[name]
    if "int" in str(kind):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{setting.env} must be a whole number, not {raw!r}") from None
    if "Path" in str(kind):
        return Path(raw)
    if "tuple" in str(kind):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
