"""Alembic migrations of the bot's tables (see bot/store/migrate.py and the README)."""
