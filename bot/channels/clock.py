"""The bot's clock: the time every step and every due check-in is measured by."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


def shifted_clock(path: Path) -> Clock:
    """FOR TESTS ONLY (setting TEST_CLOCK_SHIFT_FILE): the system clock moved forward by the
    number of seconds written in ``path``, read at every call, so a test can move the time
    of a running bot (a check-in due in a week fires at once)."""

    def now() -> datetime:
        try:
            shift = float(path.read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            shift = 0.0
        return system_clock() + timedelta(seconds=shift)

    return now
