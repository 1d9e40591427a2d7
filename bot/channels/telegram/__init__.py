"""The Telegram channel (python-telegram-bot)."""

from bot.channels.telegram.app import create_application, run_polling

__all__ = ["create_application", "run_polling"]
