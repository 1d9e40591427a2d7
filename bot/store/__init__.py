"""Durable sessions: one load-step-save transaction per update."""

from bot.store.sessions import ERASE, SessionStore, TxResult

__all__ = ["ERASE", "SessionStore", "TxResult"]
