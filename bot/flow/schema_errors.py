"""Schema errors (pydantic's) worded in the flow's own vocabulary, with a hint each.

"question 'stress' needs at least 2 options", not "Tuple should have at least 2 items".
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel

from bot.flow.errors import FlowError
from bot.flow.model import UNION_TAGS, Flow
from bot.flow.yaml_source import YamlDocument

SIMILAR = 0.75  # how alike two names must be for "did you mean"
_KINDS = {"questions": "question", "outcomes": "outcome", "triggers": "trigger",
          "sections": "section", "sources": "source", "options": "option"}  # fmt: skip
_WHAT = {
    "string_type": ("must be text", ""),
    "bool_type": ("must be true or false", ""),
    "bool_parsing": ("must be true or false", ""),
    "int_type": ("must be a number", ""),
    "int_parsing": ("must be a number", ""),
    "float_type": ("must be a number", ""),
    "float_parsing": ("must be a number", ""),
    "list_type": ("must be a list", "write each item on its own line starting with '- '"),
    "tuple_type": ("must be a list", "write each item on its own line starting with '- '"),
    "dict_type": ("must be a group of 'key: value' lines", "indent the keys under it"),
    "model_type": ("must be a group of 'key: value' lines", "indent the keys under it"),
    "model_attributes_type": ("must be a group of 'key: value' lines", "indent the keys"),
    "union_tag_invalid": ("must be an id, or a list of rules", "see 'Rules' in flows/README.md"),
}


def schema_error(err: Any, doc: YamlDocument, source: str) -> FlowError:
    """One pydantic error as a located FlowError in the flow's words."""
    loc = tuple(part for part in err["loc"] if part not in UNION_TAGS)
    line, col = doc.locate(loc)
    kind, ctx, key = err["type"], err.get("ctx") or {}, str(loc[-1]) if loc else "flow"
    owner = _owner(loc, doc.data)
    if isinstance(loc[-1] if loc else None, int):  # an item of a list: name the list
        key = str(loc[-2]) if len(loc) > 1 else key
    where = f"'{key}' of {owner}" if owner else f"'{key}'"

    def located(message: str, hint: str = "") -> FlowError:
        return FlowError(source, line, col, message, hint)

    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=SIMILAR)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
        return located(f"unknown key '{key}'" + (f" in {owner}" if owner else ""), hint)
    if kind == "missing":
        return located(f"{owner or 'the flow'} needs '{key}'", f"add '{key}: ...'")
    if kind == "string_pattern_mismatch":
        hint = "use lower-case letters, digits and '_', starting with a letter (at most 32)"
        return located(f"'{err['input']}' is not a valid id", hint)
    if kind in ("too_short", "string_too_short"):
        if kind == "string_too_short" or not ctx.get("min_length"):
            return located(f"{where} is empty", "write something, or remove the key")
        return located(f"{owner or 'the flow'} needs at least {ctx['min_length']} {key}")
    if kind in ("too_long", "string_too_long"):
        limit = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else key
        return located(f"{where} has more than {limit} {unit}", "shorten it")
    if kind == "literal_error":
        return located(f"{where} must be {ctx.get('expected', 'one of the allowed words')}")
    if kind in ("greater_than", "greater_than_equal"):
        bound = ctx.get("gt", ctx.get("ge"))
        word = "more than" if kind == "greater_than" else "at least"
        return located(f"{where} must be {word} {bound}")
    message, hint = _WHAT.get(kind, (err["msg"].lower(), ""))
    if kind == "string_type" and isinstance(err.get("input"), bool | int | float):
        hint = "put the value in quotes"
    return located(f"{where} {message}", hint)


def _owner(loc: tuple, data: Any) -> str:
    """ "question 'stress'", "option 'yes' of question 'stress'", or "" for the flow."""
    names: list[str] = []
    node = data
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and i > 0 and loc[i - 1] in _KINDS:
            ident = node.get("id") if isinstance(node, dict) else None
            kind = _KINDS[loc[i - 1]]
            names.append(f"{kind} '{ident}'" if isinstance(ident, str) else f"{kind} {part + 1}")
    return " of ".join(reversed(names))


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
