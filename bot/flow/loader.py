"""Load flow files: YAML -> validated, immutable Flow, or every problem at once."""

from __future__ import annotations

import stat
from functools import lru_cache
from pathlib import Path as FsPath

from pydantic import ValidationError

from bot.flow.checks import check_references
from bot.flow.errors import FlowError, FlowLoadError
from bot.flow.model import Flow
from bot.flow.safety import check_safety
from bot.flow.schema_errors import schema_error
from bot.flow.yaml_source import MAX_FLOW_BYTES, read_yaml

FLOW_SUFFIXES = (".yaml", ".yml")


def check_flow_text(text: str, source: str) -> tuple[Flow | None, list[FlowError]]:
    """Validate flow text; return the flow (None when there are errors) and all errors."""
    flow, errors = _check_remembered(text, source)
    return flow, list(errors)


# Start-up and the publish gate read the same files again; the safety proof is the slow part.
@lru_cache(maxsize=16)
def _check_remembered(text: str, source: str) -> tuple[Flow | None, tuple[FlowError, ...]]:
    flow, errors = _check(text, source)
    return flow, tuple(errors)


def _check(text: str, source: str) -> tuple[Flow | None, list[FlowError]]:
    doc, errors = read_yaml(text, source)
    if doc is None:
        return None, errors
    if not isinstance(doc.data, dict):
        return None, [FlowError(source, 1, 1, "a flow file must be a mapping of keys", "")]
    try:
        flow = Flow.model_validate(doc.data)
    except ValidationError as exc:
        return None, sorted(schema_error(err, doc, source) for err in exc.errors())

    errors = check_references(flow, source, doc.locate) + check_safety(flow, source, doc.locate)
    if errors:
        return None, sorted(errors)
    return flow.model_copy(update={"version": flow.content_hash()}), []


def check_flow_file(path: FsPath) -> tuple[Flow | None, list[FlowError]]:
    """Validate one flow file on disk."""
    text, errors = read_flow_text(path)
    if text is None:
        return None, errors
    return check_flow_text(text, str(path))


def read_flow_text(path: FsPath) -> tuple[str | None, list[FlowError]]:
    """A flow file's text, or why it cannot be read (never blocks on a FIFO)."""
    source = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            return None, [FlowError(source, 1, 1, "not a regular file", "name a .yaml file")]
        if info.st_size > MAX_FLOW_BYTES:
            limit = MAX_FLOW_BYTES // 1024
            hint = "split it into several flows"
            return None, [FlowError(source, 1, 1, f"file is larger than {limit} KiB", hint)]
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError:
        return None, [FlowError(source, 1, 1, "file is not UTF-8 text", "save it as UTF-8")]
    except OSError as exc:
        return None, [FlowError(source, 1, 1, f"cannot read file: {exc.strerror}", "")]


def load_flow(path: FsPath) -> Flow:
    """Load one flow file or raise FlowLoadError listing every problem."""
    flow, errors = check_flow_file(path)
    if flow is None:
        raise FlowLoadError(errors)
    return flow


def flow_files(directory: FsPath) -> list[FsPath]:
    """The flow files in a directory, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix in FLOW_SUFFIXES and p.is_file())


def load_flows(directory: FsPath) -> dict[str, Flow]:
    """Load every flow in ``directory`` by id; raise FlowLoadError with all problems."""
    flows, errors = check_flows(directory)
    if errors:
        raise FlowLoadError(errors)
    return flows


def check_flows(directory: FsPath) -> tuple[dict[str, Flow], list[FlowError]]:
    """Every flow in ``directory`` that loads, by id, and the problems of those that don't."""
    if not directory.is_dir():
        return {}, [FlowError(str(directory), 1, 1, "flows directory not found", "")]
    paths = flow_files(directory)
    if not paths:
        hint = "add a .yaml flow file (see flows/README.md), or point FLOWS_DIR elsewhere"
        return {}, [FlowError(str(directory), 1, 1, f"no flow files in {directory}", hint)]
    flows: dict[str, Flow] = {}
    errors: list[FlowError] = []
    for path in paths:
        flow, problems = check_flow_file(path)
        errors.extend(problems)
        if flow is not None and flow.id in flows:
            msg = f"flow id '{flow.id}' is used by another file too"
            errors.append(FlowError(str(path), 1, 1, msg, "give each flow its own id"))
        elif flow is not None:
            flows[flow.id] = flow
    return flows, errors
