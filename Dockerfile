# Commons Bot: one container, the archive on a volume, configured by environment.
# PYTHON_IMAGE: a Debian-based Python 3.11+ image with `python` and `pip` on PATH. The official
# image is the default; CI, which reaches no container registry, passes one it builds itself.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

# COMMONS_LISTEN: inside a container the web chat (and a webhook) must listen on every
# interface, or a published port reaches nothing. Publish the web chat on this machine only
# (-p 127.0.0.1:8080:8080): anything that reaches the port can try it, and only its key, in the
# address it prints (docker logs), stands in the way.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COMMONS_DB=/data/commons.db \
    COMMONS_LISTEN=0.0.0.0

# tini runs as PID 1 and passes SIGTERM on: PID 1 itself ignores signals it has no handler for,
# so without it a `docker stop` in the first second waits 10 s and then kills the bot.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the locked releases, each checked against its hashes (the lock also holds the build
# backend, so nothing is resolved at build time); its own layer, rebuilt only when it changes.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY seeds ./seeds
# pip check: with --no-deps nothing else would notice a lock that misses a dependency.
# /data and /backups are 0700: the archive holds what people said, for the bot's user alone.
RUN pip install --no-deps --no-build-isolation . \
    && pip check \
    && useradd --create-home --uid 10001 commons \
    && mkdir -p /data /backups \
    && chown commons:commons /data /backups \
    && chmod 0700 /data /backups

USER 10001:10001
# The archive, and the nightly backups when COMMONS_BACKUP_DIR=/backups.
VOLUME ["/data", "/backups"]
# The web chat, when no token is set (docker run -p 127.0.0.1:8080:8080 commons-bot).
EXPOSE 8080

# The sweep touches a heartbeat beside the archive at start and every minute; a stale one
# means a stuck bot. (The first check runs one interval after start.)
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

ENTRYPOINT ["tini", "--", "python", "-m", "bot"]
CMD ["run"]
