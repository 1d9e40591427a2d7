"""Log lines lose names, texts, chat ids and tokens, whatever logged them."""

from __future__ import annotations

import json
import logging

import pytest
from telegram import Update

from bot.logs import formatter as formatter_for
from bot.privacy.redaction import RedactingFormatter, opaque, quiet_libraries, redact

UPDATE = {
    "update_id": 100001,
    "message": {
        "message_id": 3,
        "from": {"id": 5550123, "is_bot": False, "first_name": "Zoé O'Hara", "username": "zoeh"},
        "chat": {"id": 5550123, "type": "private", "first_name": "Zoé O'Hara"},
        "date": 1,
        "text": 'my "left" eye, won\'t close',
    },
}
PERSONAL = ("5550123", "Zoé", "Hara", "zoeh", "left", "close")


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda: str(UPDATE), id="dict repr"),
        pytest.param(lambda: __import__("json").dumps(UPDATE, ensure_ascii=False), id="json"),
        pytest.param(lambda: repr(Update.de_json(UPDATE, None)), id="ptb repr"),
    ],
)
def test_personal_fields_are_blanked_in_every_shape(shape):
    line = redact(f"Call to Bot API endpoint `getUpdates` finished with return value `{shape()}`")
    assert not [secret for secret in PERSONAL if secret in line], line
    assert "getUpdates" in line and "<redacted>" in line


def test_person_keys_become_opaque_and_stable_within_the_process():
    line = redact("inbox: processing telegram:5550123 failed; console:alice too")
    assert "5550123" not in line and "alice" not in line
    assert opaque("telegram:5550123") in line and opaque("console:alice") in line
    assert opaque("telegram:5550123") != opaque("telegram:5550124")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_formatter_redacts_tracebacks_and_the_token(log_format):
    token = "123456:SECRET-token"
    formatter = RedactingFormatter(formatter_for(log_format), (token,))
    try:
        raise ValueError(f"bad chat_id=5550123 for https://api/bot{token}/x")
    except ValueError:
        record = logging.makeLogRecord(
            {"msg": "failed for %s", "args": ("telegram:5550123",), "levelname": "ERROR"}
        )
        record.exc_info = __import__("sys").exc_info()
    text = formatter.format(record)
    if log_format == "json":
        text = json.loads(text)["exception"] + json.loads(text)["message"]
    assert "Traceback" in text and "ValueError" in text
    assert "5550123" not in text and token not in text and "<token>" in text


def test_chatty_libraries_stay_above_debug():
    quiet_libraries(logging.DEBUG)
    assert not logging.getLogger("telegram.ext.ExtBot").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    quiet_libraries(logging.ERROR)
    assert not logging.getLogger("telegram").isEnabledFor(logging.WARNING)
