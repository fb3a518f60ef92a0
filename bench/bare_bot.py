"""A bare PTB bot for the process benchmarks: N jobs scheduled, then long polling, nothing else.

    python bench/bare_bot.py TOKEN BASE_URL JOBS

It is what the bot would be without its archive, corpus and handlers: the yardstick that
``bench_process.py`` divides the bot's start-up time and peak memory by.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def ignore(_: Update | ContextTypes.DEFAULT_TYPE, __: object = None) -> None:
    """Do nothing (a handler and a job alike)."""


def main() -> None:
    token, base_url, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

    async def schedule(app: Application) -> None:
        assert app.job_queue is not None
        for n in range(count):
            app.job_queue.run_once(
                ignore, when=timedelta(hours=6), name=f"job-{n}", job_kwargs={"id": f"job-{n}"}
            )

    builder = ApplicationBuilder().token(token).base_url(base_url).post_init(schedule)
    app = builder.build()
    app.add_handler(MessageHandler(filters.ALL, ignore))
    app.run_polling()


if __name__ == "__main__":
    main()
