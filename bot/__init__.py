"""Nostril twitch check bot: what an embedder needs, and nothing more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from telegram.ext import Application

__all__ = ["Settings", "create_application", "load_settings"]


def create_application(settings: Settings | None = None, **options: object) -> Application:
    """The configured python-telegram-bot Application, not started (see channels.telegram)."""
    from bot.channels.telegram import create_application as create

    return create(settings, **options)
