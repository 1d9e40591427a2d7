"""Logs without personal data, at every level.

Two layers, because one alone is not enough: libraries that dump whole updates and API
calls at DEBUG (python-telegram-bot, httpx) are kept at INFO or above, and every formatted
line — tracebacks included — passes through ``redact``, which blanks the values of fields
that hold names, texts or ids and turns person keys into opaque ones.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re

# Per process: opaque keys correlate lines of one run, never a chat id across runs.
_KEY = os.urandom(16)
_FIELDS = (
    "first_name|last_name|full_name|username|usernames|phone_number|bio|text|caption|title|"
    "description|chat_id|user_id|id|chat_instance|emoji|question|location|contact"
)
_VALUE = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+|[^,\s(){}\[\]]+)"""
_FIELD = re.compile(rf"""(?<![\w.])(['"]?)({_FIELDS})\1(\s*[:=]\s*){_VALUE}""")
_PERSON = re.compile(r"\b(telegram|console):[^\s,;'\")\]}]+")
# Libraries that log whole updates or API calls below this level.
QUIET = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "transitions": logging.WARNING,
    "apscheduler": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "psycopg": logging.INFO,
}


def opaque(person: str) -> str:
    """An opaque stand-in for a person key, stable within this process only."""
    digest = hmac.new(_KEY, person.encode(), hashlib.sha256).hexdigest()[:10]
    return f"person#{digest}"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` without secrets, personal field values and person keys."""
    for secret in secrets:
        text = text.replace(secret, "<token>")
    text = _FIELD.sub(lambda m: f"{m[1]}{m[2]}{m[1]}{m[3]}<redacted>", text)
    return _PERSON.sub(lambda m: opaque(m[0]), text)


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line (message, arguments, traceback) is redacted."""

    def __init__(self, fmt: str, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        """The record formatted as usual, then redacted."""
        return redact(super().format(record), self.secrets)


def quiet_libraries(level: int) -> None:
    """Keep libraries that dump personal data at DEBUG at a level where they do not."""
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, level))
