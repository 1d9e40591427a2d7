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

# Opaque keys correlate the lines about one person; without a bot token they hold for one
# run only. ``key_people_by`` keys them by the token, so all processes of a bot agree.
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
    "alembic": logging.WARNING,
}


def key_people_by(secret: str) -> None:
    """Derive the opaque keys from ``secret`` (the bot token), not from this run."""
    global _KEY
    _KEY = hashlib.sha256(b"opaque person keys\0" + secret.encode()).digest()


def opaque(person: str) -> str:
    """An opaque stand-in for a person key: it cannot be turned back into a chat id."""
    digest = hmac.new(_KEY, person.encode(), hashlib.sha256).hexdigest()[:10]
    return f"person#{digest}"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` without secrets, personal field values and person keys."""
    for secret in secrets:
        text = text.replace(secret, "<token>")
    text = _FIELD.sub(lambda m: f"{m[1]}{m[2]}{m[1]}{m[3]}<redacted>", text)
    return _PERSON.sub(lambda m: opaque(m[0]), text)


class RedactingFormatter(logging.Formatter):
    """Formats with ``inner`` (text or JSON) after redacting the message and traceback."""

    def __init__(self, inner: logging.Formatter, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        """The record with its message, arguments and traceback redacted, then formatted."""
        clean = logging.makeLogRecord(record.__dict__)
        clean.msg, clean.args = redact(record.getMessage(), self.secrets), None
        if record.exc_info and not record.exc_text:
            clean.exc_text = self.inner.formatException(record.exc_info)
        clean.exc_info = None
        if clean.exc_text:
            clean.exc_text = redact(clean.exc_text, self.secrets)
        if record.stack_info:
            clean.stack_info = redact(record.stack_info, self.secrets)
        return self.inner.format(clean)


def quiet_libraries(level: int) -> None:
    """Keep libraries that dump personal data at DEBUG at a level where they do not."""
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, level))
