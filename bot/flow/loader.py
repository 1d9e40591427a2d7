"""Load flow files: YAML -> validated, immutable Flow, or every problem at once."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError

from bot.flow.checks import check_references
from bot.flow.errors import FlowError, FlowLoadError
from bot.flow.model import UNION_TAGS, Flow
from bot.flow.safety import check_safety
from bot.flow.yaml_source import MAX_FLOW_BYTES, Path, YamlDocument, read_yaml

FLOW_SUFFIXES = (".yaml", ".yml")


def check_flow_text(text: str, source: str) -> tuple[Flow | None, list[FlowError]]:
    """Validate flow text; return the flow (None when there are errors) and all errors."""
    doc, errors = read_yaml(text, source)
    if doc is None:
        return None, errors
    if not isinstance(doc.data, dict):
        return None, [FlowError(source, 1, 1, "a flow file must be a mapping of keys", "")]
    try:
        flow = Flow.model_validate(doc.data)
    except ValidationError as exc:
        return None, sorted(_schema_error(err, doc, source) for err in exc.errors())

    def locate(path: Path) -> tuple[int, int]:
        return doc.locate(path)

    errors = check_references(flow, source, locate) + check_safety(flow, source, locate)
    if errors:
        return None, sorted(errors)
    return flow.model_copy(update={"version": flow.content_hash()}), []


def check_flow_file(path: FsPath) -> tuple[Flow | None, list[FlowError]]:
    """Validate one flow file on disk."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_FLOW_BYTES:
            limit = MAX_FLOW_BYTES // 1024
            hint = "split it into several flows"
            return None, [FlowError(source, 1, 1, f"file is larger than {limit} KiB", hint)]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [FlowError(source, 1, 1, "file is not UTF-8 text", "save it as UTF-8")]
    except OSError as exc:
        return None, [FlowError(source, 1, 1, f"cannot read file: {exc.strerror}", "")]
    return check_flow_text(text, source)


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
    if not directory.is_dir():
        raise FlowLoadError([FlowError(str(directory), 1, 1, "flows directory not found", "")])
    flows: dict[str, Flow] = {}
    errors: list[FlowError] = []
    for path in flow_files(directory):
        flow, problems = check_flow_file(path)
        errors.extend(problems)
        if flow is not None and flow.id in flows:
            msg = f"flow id '{flow.id}' is used by another file too"
            errors.append(FlowError(str(path), 1, 1, msg, "give each flow its own id"))
        elif flow is not None:
            flows[flow.id] = flow
    if errors:
        raise FlowLoadError(errors)
    return flows


def _schema_error(err: typing.Any, doc: YamlDocument, source: str) -> FlowError:
    loc = tuple(part for part in err["loc"] if part not in UNION_TAGS)
    line, col = doc.locate(loc)
    kind = err["type"]
    key = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
        return FlowError(source, line, col, f"unknown key '{key}'", hint)
    if kind == "missing":
        return FlowError(source, line, col, f"missing required key '{key}'", f"add '{key}: ...'")
    if kind == "string_pattern_mismatch":
        hint = "use lower-case letters, digits and '_', starting with a letter (at most 32)"
        return FlowError(source, line, col, f"'{err['input']}' is not a valid id", hint)
    if kind in ("string_type", "string_too_short") and isinstance(err.get("input"), (bool, int)):
        hint = "put the value in quotes"
        return FlowError(source, line, col, f"'{key}' must be text", hint)
    return FlowError(source, line, col, f"'{key}': {err['msg']}", "")


def _allowed_keys(loc: tuple) -> list[str]:
    """Field names of the model that sits at ``loc`` in the flow document."""
    model: type[BaseModel] = Flow
    for part in loc:
        if isinstance(part, int):
            continue
        inner = (
            _model_in(model.model_fields[part].annotation) if part in model.model_fields else None
        )
        if inner is None:
            break
        model = inner
    return [name for name in model.model_fields if name != "version"]


def _model_in(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
