"""Anonymous audit of what the bot advised, and statistics for admins (no personal data)."""

from bot.audit.recorder import PREVIEW_PREFIX, record_step

__all__ = ["PREVIEW_PREFIX", "record_step"]
