"""A person's transaction as a value (``Work``), and what it returned (``TxResult``)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import Context
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.engine import Session
from bot.store.tx import Tx

R = TypeVar("R")


@dataclass(frozen=True)
class TxResult(Generic[R]):
    """What a transaction returned; ``duplicate`` when the update was seen before."""

    result: R | None
    duplicate: bool = False
    out_of_order: bool = False


Stepper = Callable[[Session | None, Tx], tuple[Session | None, R]]


@dataclass(frozen=True)
class Work(Generic[R]):
    """One person's transaction: ``stepper`` on their session, marking ``update_id``
    processed. Work done by another task (a group commit) runs in ``context``, the context
    variables of whoever asked for it."""

    person: str
    stepper: Stepper[R]
    update_id: int | None = None
    context: Context | None = None
