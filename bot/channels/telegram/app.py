"""The python-telegram-bot Application: handlers, rate limiting, commands menu, retention."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from telegram import BotCommand, Update
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
from bot.channels.telegram.handlers import TelegramHandlers, on_error
from bot.channels.telegram.texts import COMMANDS
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600


def create_application(
    settings: Settings | None = None,
    conversations: Conversations | None = None,
    *,
    rate_limit: bool = True,
    request: BaseRequest | None = None,
) -> Application:
    """The configured Application (handlers, store, flows), not yet started.

    ``request`` replaces python-telegram-bot's HTTP client (a proxy, or an in-process fake).
    """
    settings = settings or load_settings()
    if settings.telegram_bot_token is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN: is not set")
    conversations = conversations or build_conversations(settings)
    builder = ApplicationBuilder().token(settings.telegram_bot_token.get_secret_value())
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base)
        if base.endswith("/bot"):
            builder = builder.base_file_url(base[: -len("bot")] + "file/bot")
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.post_init(_post_init).post_shutdown(_post_shutdown).build()
    app.bot_data["conversations"] = conversations
    add_handlers(app, TelegramHandlers(conversations))
    if app.job_queue is not None:
        app.job_queue.run_repeating(_purge, interval=PURGE_EVERY_SECONDS, first=1)
    return app


def add_handlers(app: Application, handlers: TelegramHandlers) -> None:
    """Register every handler; only private chats get the health check."""
    private = filters.ChatType.PRIVATE
    for name in ("start", "back", "restart", "summary", "help", "forget"):
        app.add_handler(CommandHandler(name, getattr(handlers, name), filters=private))
    app.add_handler(CallbackQueryHandler(handlers.button))
    message = filters.UpdateType.MESSAGE & private
    app.add_handler(MessageHandler(message & filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(message & filters.TEXT, handlers.text))
    app.add_handler(MessageHandler(message, handlers.other))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~private, handlers.group))
    app.add_error_handler(on_error)


async def _post_init(app: Application) -> None:
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    except TelegramError as exc:  # the menu is a convenience; the bot works without it
        log.warning("could not register the commands menu: %s", exc)
    log.info("bot @%s is ready", app.bot.username)


async def _post_shutdown(app: Application) -> None:
    app.bot_data["conversations"].store.close()


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    store = context.bot_data["conversations"].store
    sessions, ids = await asyncio.to_thread(store.purge_expired, datetime.now(UTC))
    if sessions or ids:
        log.info("retention: deleted %s idle sessions and %s old update ids", sessions, ids)


def run_polling(settings: Settings, conversations: Conversations | None = None) -> int:
    """Run the bot with long polling until SIGINT/SIGTERM; return the exit code."""
    app = create_application(settings, conversations)
    where = settings.telegram_base_url or "the Telegram Bot API"
    try:
        app.run_polling(
            allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
            bootstrap_retries=5,
            timeout=10,
        )
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN: check the token BotFather gave you")
        return 1
    except NetworkError as exc:
        log.error("cannot reach %s: %s", where, exc)
        return 1
    return 0
