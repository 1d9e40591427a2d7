"""What a typed answer was understood as: record an option, read it back, or ask again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AskReason = Literal[
    "unclear",
    "mixed",
    "negated",
    "number",
    "duration",
    "count",
    "clarify",
    "rejected",
    "when",
    "first_time",
]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed answer was understood as.

    ``option_id`` with ``certain``: record it. ``option_id`` without: read it back and
    record it only when the person confirms. No ``option_id``: ask again, for ``reason``.
    """

    option_id: str | None = None
    certain: bool = False
    reason: AskReason = "unclear"

    @property
    def asks_again(self) -> bool:
        """Whether nothing was understood."""
        return self.option_id is None


def record(option_id: str) -> Reading:
    """Record ``option_id``: the words cannot mean anything else."""
    return Reading(option_id, certain=True)


def read_back(option_id: str) -> Reading:
    """Read ``option_id`` back for the person to confirm."""
    return Reading(option_id, certain=False)


def ask(reason: AskReason) -> Reading:
    """Record nothing and ask again, saying why."""
    return Reading(None, reason=reason)
