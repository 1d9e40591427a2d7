"""Publishing flows safely: what a change does to the advice people get."""

from bot.publish.diff import FlowDiff, diff_flows

__all__ = ["FlowDiff", "diff_flows"]
