"""Safe YAML reading that remembers where every value stands in the file.

Only plain data is built (mappings, lists, scalars). Aliases, custom tags,
duplicate keys and oversized files are refused, and ``yes``/``no``/``on``/``off``
stay strings (YAML 1.2 booleans), so an option id of ``yes`` means what it says.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.flow.errors import FlowError

MAX_FLOW_BYTES = 256 * 1024
MAX_NESTING = 40  # a flow needs about 8 levels; deeper is a mistake or an attack
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

Location = tuple[int, int]
Path = tuple[str | int, ...]


class _FlowLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans that refuses aliases."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in flow files", event.start_mark
            )
        return super().compose_node(parent, index)


_FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FlowLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class YamlDocument:
    """Plain data read from a flow file, with the location of every path in it."""

    def __init__(self, data: Any, locations: dict[Path, Location]):
        self.data = data
        self.locations = locations

    def locate(self, path: Path) -> Location:
        """Location of the longest prefix of ``path`` that exists in the file."""
        for end in range(len(path), -1, -1):
            found = self.locations.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)


def read_yaml(text: str, source: str) -> tuple[YamlDocument | None, list[FlowError]]:
    """Parse ``text``; return the document, or None with the errors found."""
    if len(text.encode("utf-8")) > MAX_FLOW_BYTES:
        return None, [
            FlowError(
                source,
                1,
                1,
                f"file is larger than {MAX_FLOW_BYTES // 1024} KiB",
                "split it into several flows",
            )
        ]
    control = _CONTROL.search(text)
    if control:
        line, col = _position(text, control.start())
        message = f"control character U+{ord(control.group()):04X} is not allowed"
        return None, [FlowError(source, line, col, message, _CONTROL_HINT)]
    too_deep = _too_deep(text, source)
    if too_deep:
        return None, [too_deep]
    loader = _FlowLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, [FlowError(source, 1, 1, "file is empty", "start from flows/README.md")]
        locations: dict[Path, Location] = {}
        errors: list[FlowError] = []
        data = _build(loader, root, (), locations, errors, source)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, source)]
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        return None, [FlowError(source, 1, 1, f"YAML: {exc}", _CONTROL_HINT)]
    finally:
        loader.dispose()
    return (None if errors else YamlDocument(data, locations)), errors


_CONTROL_HINT = "remove it; it may have come along when text was copied from another program"


def _position(text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> FlowError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = exc.problem or exc.context or "invalid YAML"
    return FlowError(source, line, col, f"YAML syntax: {message}", _yaml_hint(message))


def _too_deep(text: str, source: str) -> FlowError | None:
    """Refuse deep nesting before composing it (the composer recurses per level)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FlowLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    line, col = event.start_mark.line + 1, event.start_mark.column + 1
                    hint = "a flow needs only a few levels: check the indentation and brackets"
                    return FlowError(source, line, col, "the file is nested too deeply", hint)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported, located, by the real read
    return None


def _yaml_hint(message: str) -> str:
    if "alias" in message:
        return "write the value out again instead of referring to an anchor"
    if "tab" in message:
        return "indent with spaces, not tabs"
    if "mapping values" in message:
        return "put text containing ': ' in quotes"
    if "block end" in message or "block mapping" in message or "expected ':'" in message:
        return (
            "check the indentation: keys of one question or option must start in the same"
            " column (use spaces, two per level)"
        )
    return "check indentation and quoting around this position"


def _build(
    loader: _FlowLoader,
    node: Node,
    path: Path,
    locations: dict[Path, Location],
    errors: list[FlowError],
    source: str,
) -> Any:
    locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, ScalarNode) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"tag {node.tag} is not allowed in flow files", node.start_mark
        )
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "keys must be plain words", key_node.start_mark
                )
            key = loader.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                errors.append(
                    FlowError(source, line, col, f"duplicate key '{key}'", "remove one of them")
                )
            child = (*path, key)
            result[key] = _build(loader, value_node, child, locations, errors, source)
            locations[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return result
    if isinstance(node, SequenceNode):
        return [
            _build(loader, item, (*path, i), locations, errors, source)
            for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node)
