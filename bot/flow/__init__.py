"""The flow language: YAML flow files -> validated, immutable ``Flow`` objects."""

from bot.flow.errors import FlowError, FlowLoadError
from bot.flow.loader import (
    check_flow_file,
    check_flow_text,
    check_flows,
    flow_files,
    load_flow,
    load_flows,
    read_flow_text,
)
from bot.flow.model import FINISH, SEVERITY_RANK, Flow, Option, Outcome, Question, Trigger

__all__ = [
    "FINISH",
    "SEVERITY_RANK",
    "Flow",
    "FlowError",
    "FlowLoadError",
    "Option",
    "Outcome",
    "Question",
    "Trigger",
    "check_flow_file",
    "check_flow_text",
    "check_flows",
    "flow_files",
    "load_flow",
    "load_flows",
    "read_flow_text",
]
