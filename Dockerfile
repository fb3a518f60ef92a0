# Commons Bot: one container, the archive on a volume, configured by environment.
# PYTHON_IMAGE: a Debian-based Python 3.11+ image with `python` and `pip` on PATH. The official
# image is the default; CI, which reaches no container registry, passes one it builds itself.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

# COMMONS_LISTEN: inside a container the web chat (and a webhook) must listen on every
# interface, or a published port (-p 8080:8080) reaches nothing.
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
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY seeds ./seeds
# /data is 0700: the archive holds what people said, for the bot's user alone.
RUN pip install . \
    && useradd --create-home --uid 10001 commons \
    && mkdir -p /data \
    && chown commons:commons /data \
    && chmod 0700 /data

USER 10001:10001
VOLUME ["/data"]
# The web chat, when no token is set (docker run -p 8080:8080 commons-bot).
EXPOSE 8080

# The sweep touches a heartbeat beside the archive at start and every minute; a stale one
# means a stuck bot. (The first check runs one interval after start.)
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

ENTRYPOINT ["tini", "--", "python", "-m", "bot"]
CMD ["run"]
