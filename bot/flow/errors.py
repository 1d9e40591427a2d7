"""The one error value every flow check reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FlowError:
    """A problem in a flow file, located at 1-based line and column."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: error: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class FlowLoadError(Exception):
    """Raised when a flow file cannot be loaded; carries every problem found."""

    def __init__(self, errors: list[FlowError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
