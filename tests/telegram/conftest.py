"""Fixtures of the Telegram channel's tests."""

from __future__ import annotations

import pytest

from tests.telegram.offline_bot import OfflineBot


@pytest.fixture
async def offline(database_url):
    bot = OfflineBot(database_url)
    await bot.app.initialize()
    yield bot
    await bot.app.shutdown()
    bot.store.close()
