"""The python-telegram-bot Application and the durable polling service around it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.conversations import Conversations, build_conversations
from bot.channels.telegram.admin import add_admin_handlers
from bot.channels.telegram.checkin_sender import CheckinSender
from bot.channels.telegram.documents import document_source
from bot.channels.telegram.handlers import TelegramHandlers, on_error
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.relay import Relay
from bot.channels.telegram.texts import COMMANDS
from bot.channels.telegram.worker import InboxWorker
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600
SCRUB_EVERY_SECONDS = 60
STOP_GRACE_S = 2.0


def create_application(
    settings: Settings | None = None,
    conversations: Conversations | None = None,
    *,
    rate_limit: bool = True,
    request: BaseRequest | None = None,
) -> Application:
    """The configured Application (handlers, store, flows, relay, worker), not yet started.

    It has no Updater: updates come from the inbox (``bot_data["worker"]``), replies go out
    through the outbox (``bot_data["relay"]``). ``request`` replaces python-telegram-bot's
    HTTP client (a proxy, or an in-process fake).
    """
    settings = settings or load_settings()
    if settings.telegram_bot_token is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN: is not set")
    conversations = conversations or build_conversations(settings)
    builder = (
        ApplicationBuilder().token(settings.telegram_bot_token.get_secret_value()).updater(None)
    )
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base)
        if base.endswith("/bot"):
            builder = builder.base_file_url(base[: -len("bot")] + "file/bot")
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data["conversations"] = conversations
    documents = document_source(app.bot, conversations)
    relay = app.bot_data["relay"] = Relay(app.bot, conversations.store, documents=documents)
    app.bot_data["worker"] = InboxWorker(app, relay)
    app.bot_data["checkins"] = CheckinSender(
        conversations, relay, conversations.clock, bot_id=settings.bot_id
    )
    handlers = TelegramHandlers(conversations)
    add_admin_handlers(app, handlers, settings)
    add_handlers(app, handlers)
    if app.job_queue is not None:
        app.job_queue.run_repeating(_purge, interval=PURGE_EVERY_SECONDS, first=1)
        app.job_queue.run_repeating(_scrub, interval=SCRUB_EVERY_SECONDS, first=SCRUB_EVERY_SECONDS)
    return app


def add_handlers(app: Application, handlers: TelegramHandlers) -> None:
    """Register every handler; only private chats get the health check."""
    private = filters.ChatType.PRIVATE
    message = filters.UpdateType.MESSAGE & private  # edited messages never re-run anything
    # First: most updates are button presses, and no other handler takes a callback query.
    app.add_handler(CallbackQueryHandler(handlers.button))
    for name in ("start", "back", "restart", "summary", "export", "help", "forget", "checkins"):
        app.add_handler(CommandHandler(name, getattr(handlers, name), filters=message))
    app.add_handler(MessageHandler(message & filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(message & filters.TEXT, handlers.text))
    app.add_handler(MessageHandler(message, handlers.other))
    # In groups, only our own commands get an answer (not /start@OtherBot, not "/word").
    ours = [name for name, _ in COMMANDS]
    app.add_handler(
        CommandHandler(ours, handlers.group, filters=filters.UpdateType.MESSAGE & ~private)
    )
    app.add_error_handler(on_error)


async def register_commands(app: Application) -> None:
    """The commands menu; a convenience the bot works without."""
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    except TelegramError as exc:
        log.warning("could not register the commands menu: %s", exc)


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    store = context.bot_data["conversations"].store
    try:
        sessions, ids = await asyncio.to_thread(store.purge_expired, datetime.now(UTC))
    except Exception as exc:  # the next run tries again
        log.warning("retention: purge failed: %s", exc)
        return
    if sessions or ids:
        log.info("retention: deleted %s idle sessions and %s old update ids", sessions, ids)
    await _scrub(context, only_if_due=False)


async def _scrub(context: ContextTypes.DEFAULT_TYPE, *, only_if_due: bool | None = None) -> None:
    """Leave no erased or processed personal data in SQLite's WAL or PostgreSQL's dead
    tuples: SQLite every run (a checkpoint costs milliseconds), PostgreSQL's VACUUM after
    an erasure and hourly."""
    store = context.bot_data["conversations"].store
    due = not store.embedded if only_if_due is None else only_if_due
    try:
        await asyncio.to_thread(store.scrub, only_if_due=due)
    except Exception as exc:  # the next run tries again
        store.scrub_due = True
        log.warning("retention: scrub failed: %s", exc)


def run_polling(settings: Settings, conversations: Conversations | None = None) -> int:
    """Run the bot with long polling until SIGINT/SIGTERM; return the exit code."""
    app = create_application(settings, conversations)
    where = settings.telegram_base_url or "the Telegram Bot API"
    return asyncio.run(serve(app, where))


async def serve(
    app: Application,
    where: str = "the Telegram Bot API",
    feed: Callable[[Application], Awaitable[None]] | None = None,
) -> int:
    """Feed the inbox (long polling, or ``feed``: the webhook), process it, deliver the
    outbox; stop cleanly on SIGINT/SIGTERM."""
    store = app.bot_data["conversations"].store
    try:
        await app.initialize()
    except InvalidToken:
        log.error("TELEGRAM_BOT_TOKEN: Telegram refused the token; check the one BotFather gave")
        store.close()
        return 1
    except NetworkError as exc:
        log.error("TELEGRAM_BASE_URL: cannot reach %s: %s", where, exc)
        store.close()
        return 1
    await app.start()
    await register_commands(app)
    relay: Relay = app.bot_data["relay"]
    worker: InboxWorker = app.bot_data["worker"]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    feeding = feed(app) if feed is not None else Poller(app, store, worker).run()
    poller = asyncio.create_task(feeding, name="poller")
    workers = [
        asyncio.create_task(worker.run(), name="inbox"),
        asyncio.create_task(relay.run(), name="outbox"),
        asyncio.create_task(app.bot_data["checkins"].run(), name="checkins"),
        *(
            asyncio.create_task(run(), name=name)
            for name, run in app.bot_data.get("background", ())
        ),
    ]
    stopping = asyncio.create_task(stop.wait())
    log.info("bot @%s is ready", app.bot.username)
    done, _ = await asyncio.wait([stopping, poller, *workers], return_when=asyncio.FIRST_COMPLETED)
    code = 0
    for task in done - {stopping}:
        if isinstance(task.exception(), InvalidToken):
            log.error("TELEGRAM_BOT_TOKEN: Telegram refused the token")
        elif type(task.exception()).__name__ == "FeedFailed":
            pass  # its one line was logged
        else:
            log.error("the %s task stopped", task.get_name(), exc_info=task.exception())
        code = 1
    poller.cancel()
    await asyncio.gather(poller, return_exceptions=True)  # no update is handed over after this
    await worker.stop(STOP_GRACE_S)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(relay.drain(rounds=20), STOP_GRACE_S)
    for task in [*workers, stopping]:
        task.cancel()
    await asyncio.gather(poller, *workers, stopping, return_exceptions=True)
    await app.stop()
    await app.shutdown()
    store.close()
    return code
