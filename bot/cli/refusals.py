"""Checks before the bot starts: each failure is a ConfigError that names the setting to change.

They run before anything is opened or sent, so a refused start leaves the archive as it was.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
from concurrent.futures import Future
from pathlib import Path

from bot.archive.inspection import UnusableArchive, archive_owner, check_archive
from bot.core.config import Config, ConfigError

# Whatever the umask, the archive, its -wal/-shm, the heartbeat (0600) and the data folder (0700)
# are readable by the bot's own user alone: they hold what people said.
PRIVATE_UMASK = 0o077


def begin_archive_check(db_path: Path) -> Future[None]:
    """Begin checking the archive (``check_archive``) on a thread; return its coming verdict.

    SQLite's quick_check reads the whole file: about half a second for a million messages, and
    more as the archive grows. It runs without Python's lock, so the bot's modules are imported
    meanwhile; ``check_start`` waits for the verdict before anything opens the archive.
    """
    os.umask(PRIVATE_UMASK)  # as for every file the bot may make, though this only reads
    verdict: Future[None] = Future()

    def check() -> None:
        try:
            check_archive(db_path)
        except BaseException as error:
            verdict.set_exception(error)
        else:
            verdict.set_result(None)

    threading.Thread(target=check, name="commons-archive-check", daemon=True).start()
    return verdict


def check_start(config: Config, archive_checked: Future[None] | None = None) -> None:
    """Raise ConfigError if the listening port, the data folder or the archive would fail.

    ``archive_checked``: the verdict of ``begin_archive_check``, if it was begun already.
    """
    if config.sandboxed:
        check_port(config.listen, config.web_port, "COMMONS_WEB_PORT")
    elif config.webhook_url:
        check_port(config.listen, config.port, "COMMONS_PORT")
    check_data_folder(config.db_path)
    try:
        if archive_checked is None:
            check_archive(config.db_path)
        else:
            archive_checked.result()
    except UnusableArchive as error:
        raise ConfigError(
            f"COMMONS_DB={config.db_path}: the file {error}; nothing was changed. Point "
            "COMMONS_DB at the right file, or move this one away to start a new archive"
        ) from error
    check_owner(config)


def bot_id_of(token: str) -> int:
    """Return the bot's id: the number before the colon of its token."""
    return int(token.split(":", 1)[0])


def sandbox_bot() -> int:
    """Return the id of the local sandbox's bot."""
    # Imported here: the sandbox, its aiohttp server with it, is not loaded by a bot on Telegram.
    from bot.sandbox import DEFAULT_TOKEN

    return bot_id_of(DEFAULT_TOKEN)


def check_owner(config: Config) -> None:
    """Raise ConfigError if the archive belongs to another bot than the one starting.

    The local sandbox (no token) never runs on a real bot's archive: its clock would send that
    bot's groups' posts into the sandbox, and its members' ids are real people's. An archive
    from before owners were recorded is taken by a bot with a token; the sandbox takes it only
    if it holds no chat.
    """
    owner = archive_owner(config.db_path)
    starting = bot_id_of(config.token) if config.token else sandbox_bot()
    if owner.bot_id == starting or (
        owner.bot_id is None and not (config.sandboxed and owner.chats)
    ):
        return
    where = f"COMMONS_DB={config.db_path}"
    if owner.bot_id is None:
        raise ConfigError(
            f"{where}: this archive holds {owner.chats} chats of a bot it does not name, and "
            "the local sandbox (no TELEGRAM_BOT_TOKEN) never runs on a real bot's archive; "
            "set COMMONS_DB to a file of its own for the rehearsal, or set the bot's token"
        )
    if owner.bot_id == sandbox_bot():
        raise ConfigError(
            f"{where}: this archive is the local sandbox's rehearsal, not bot {starting}'s; "
            "set COMMONS_DB to the bot's own archive, or to a new file"
        )
    if config.sandboxed:
        raise ConfigError(
            f"{where}: this archive belongs to bot {owner.bot_id}, and the local sandbox (no "
            "TELEGRAM_BOT_TOKEN) never runs on a real bot's archive; set COMMONS_DB to a file "
            "of its own for the rehearsal, or set that bot's token"
        )
    raise ConfigError(
        f"{where}: this archive belongs to bot {owner.bot_id}, and TELEGRAM_BOT_TOKEN is bot "
        f"{starting}'s; set COMMONS_DB to that bot's archive, or to a new file"
    )


def check_port(host: str, port: int, env: str) -> None:
    """Raise ConfigError naming ``env`` (or COMMONS_LISTEN) if ``host:port`` cannot be bound."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        raise ConfigError(f"COMMONS_LISTEN={host} is not an address of this machine") from None
    with socket.socket(family, kind) as probe:
        # As the servers themselves bind: a port left in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"{env}={port}: port {port} on {host} is already in use; stop what uses "
                    f"it or set {env} to a free port"
                ) from None
            raise ConfigError(
                f"COMMONS_LISTEN={host}: cannot listen on port {port} there ({error.strerror})"
            ) from None


def check_data_folder(db_path: Path) -> None:
    """Create the archive's folder (0700) if needed; raise ConfigError if it is not writable."""
    folder = db_path.parent
    fix = _fix_for(folder)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(
            f"COMMONS_DB={db_path}: {folder} or a folder above it is a file, not a folder; "
            "set COMMONS_DB to a path in a folder"
        ) from None
    except OSError as error:
        raise ConfigError(
            f"COMMONS_DB={db_path}: cannot create the folder {folder} ({error.strerror}); {fix}"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"COMMONS_DB={db_path}: the folder {folder} is {_not_writable()}; {fix}")
    if db_path.is_dir():
        raise ConfigError(f"COMMONS_DB={db_path} is a folder; give the path of a file in it")
    if db_path.exists() and not os.access(db_path, os.R_OK | os.W_OK):
        raise ConfigError(f"COMMONS_DB={db_path}: the file is {_not_writable()}; {fix}")


def _not_writable() -> str:
    return f"not writable by this process (uid {os.getuid()}, gid {os.getgid()})"


def _fix_for(folder: Path) -> str:
    uid, gid = os.getuid(), os.getgid()
    return (
        f"make {folder} writable by uid {uid} (for a Docker bind mount: chown {uid}:{gid} the "
        "host folder), or set COMMONS_DB to a path that is"
    )
