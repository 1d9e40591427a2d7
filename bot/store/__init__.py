"""Durable sessions: one load-step-save transaction per update."""

from bot.store.sessions import SessionStore, TxResult

__all__ = ["SessionStore", "TxResult"]
