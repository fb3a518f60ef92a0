# Commons Bot: one container, the archive on a volume, configured by environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COMMONS_DB=/data/commons.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY seeds ./seeds
RUN pip install . \
    && useradd --create-home --uid 10001 commons \
    && mkdir -p /data \
    && chown commons:commons /data

USER 10001:10001
VOLUME ["/data"]

# The sweep touches a heartbeat beside the archive every minute; a stale one means a stuck bot.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
