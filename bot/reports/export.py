"""/export: everything stored about a person as one JSON document (right of access)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.engine import Session
from bot.flow import Flow

ABOUT = (
    "Everything this bot stores about you, as of exported_at. 'person' is the key your "
    "records are stored under (your chat id). 'session' is your latest check: your answers "
    "by question id (option ids), with the question and answer texts under "
    "'answers_readable'; the check-ins you answered are in the session under 'followup', "
    "and the ones still to come under 'scheduled_checkins'. Messages still waiting to be "
    "sent to you and messages from you not yet processed are listed too. Names and typed "
    "words are never kept once processed."
)


def export_document(
    person: str, stored: dict[str, Any], flows: dict[str, Flow], now: datetime
) -> bytes | None:
    """The JSON export of ``stored`` (from ``personal_data.collect``); None if it is empty."""
    if not any(stored.values()):
        return None
    records = dict(stored)
    if isinstance(records.get("session"), dict):
        records["session"] = _readable(records["session"], flows)
    document = {"about": ABOUT, "exported_at": now.isoformat(timespec="seconds")}
    document |= {"person": person, **records}
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def _readable(data: dict[str, Any], flows: dict[str, Flow]) -> dict[str, Any]:
    """The stored session plus its answers and outcome in words (when its flow is loaded)."""
    flow = flows.get(str(data.get("flow_id")))
    if flow is None:
        return data
    try:
        session = Session.model_validate(data)
    except ValueError:
        return data
    answers = []
    for qid, oid in session.answers.items():
        question = flow.question(qid)
        option = question.option(oid) if question else None
        if question is not None and option is not None:
            answers.append({"question": question.summary_label, "answer": option.label})
    outcome = flow.outcome(session.state) if session.ended else None
    return {
        **data,
        "answers_readable": answers,
        "outcome_readable": outcome.title if outcome else None,
    }
