"""Telegram's HTML parse mode as the Bot API applies it: plain text and entities, or an error.

Shared by the HTTP emulator (tests/e2e) and the in-process fake (tests/fake_bot_api.py).
"""

from __future__ import annotations

import html
import re
from typing import Any

JSON = dict[str, Any]

_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_TAG_NAME = re.compile(r"<([a-zA-Z0-9-]*)")
_ATTR_RE = r"""([a-zA-Z0-9_-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?"""
_START_TAG = re.compile(rf"<[a-zA-Z0-9-]+((?:\s+{_ATTR_RE})*)\s*/?>")
_ATTR = re.compile(_ATTR_RE)
_END_TAG = re.compile(r"</([a-zA-Z0-9-]*)\s*>")
_CHAR_REF = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")


class ApiError(Exception):
    """An error answered in Bot API form: ``{"ok": false, "error_code", "description"}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (plain text, entities); raise ApiError if malformed."""

    def error(message: str) -> ApiError:
        return ApiError(400, f"Bad Request: can't parse entities: {message}")

    def at(pos: int) -> str:
        return f" at byte offset {len(text[:pos].encode())}"

    out: list[str] = []
    stack: list[tuple[str, int, JSON]] = []  # (tag, UTF-16 start offset, entity or {})
    entities: list[JSON] = []
    pos = length = 0
    while pos < len(text):
        if text[pos] == "&" and (ref := _CHAR_REF.match(text, pos)):
            piece, pos = html.unescape(ref.group()), ref.end()
        elif text[pos] != "<":
            piece, pos = text[pos], pos + 1
        elif text.startswith("</", pos):
            if not (end := _END_TAG.match(text, pos)):
                raise error(f"Unclosed end tag{at(pos)}")
            if not stack:
                raise error(f"Unexpected end tag{at(pos)}")
            name, start, opened = stack.pop()
            if (found := end.group(1).lower()) != name:
                raise error(f'Unmatched end tag{at(pos)}, expected "</{name}>", found "</{found}>"')
            if opened and length > start:
                entities.append({**opened, "offset": start, "length": length - start})
            pos = end.end()
            continue
        else:
            name = _TAG_NAME.match(text, pos).group(1).lower()  # type: ignore[union-attr]
            if name not in _TAG_TYPES:
                raise error(f'Unsupported start tag "{name}"{at(pos)}')
            if not (tag := _START_TAG.match(text, pos)):
                raise error(f"Unclosed start tag{at(pos)}")
            attrs = {k.lower(): html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag[1])}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise error(f'Tag "span" must have class "tg-spoiler"{at(pos)}')
            entity: JSON = {"type": _TAG_TYPES[name]}
            if name == "a":
                entity = {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else {}
            elif name == "blockquote" and "expandable" in attrs:
                entity = {"type": "expandable_blockquote"}
            stack.append((name, length, entity))
            pos = tag.end()
            continue
        out.append(piece)
        length += utf16_len(piece)
    if stack:
        raise error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))
