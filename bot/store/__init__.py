"""Durable sessions, with an update inbox and a reply outbox, on SQLite or PostgreSQL."""

from bot.store.database import DatabaseUnavailable, is_unavailable
from bot.store.inbox import Inbox, Pending
from bot.store.outbox import LastPrompt, Outbox, Outgoing
from bot.store.sessions import SessionStore
from bot.store.tx import Tx
from bot.store.work import TxResult, Work

__all__ = [
    "DatabaseUnavailable",
    "Inbox",
    "LastPrompt",
    "Outbox",
    "Outgoing",
    "Pending",
    "SessionStore",
    "Tx",
    "TxResult",
    "Work",
    "is_unavailable",
]
