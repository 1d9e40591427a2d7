"""/export and the summary PDF over the emulator: documents a person receives."""

from __future__ import annotations

import json

from tests.reports.pdf_text import pdf_text

from .conftest import BotProcess
from .emulator import Emulator
from .person import AGREE, WAIT, Person, labels, settle

CHAT_ID = 4_410_238_775


def document_after(person: Person, before: int) -> dict:
    """The first document the bot sent after message number ``before``."""
    return person.emulator.wait_for(
        lambda: next((m for m in person.messages[before:] if m.get("document")), None),
        WAIT,
        "a document",
    )


def test_export_sends_everything_stored_as_json(emulator: Emulator, bot_process: BotProcess):
    emulator.set_profile(CHAT_ID, first_name="Zephyrine", username="zeph_q_private")
    person = Person(emulator, bot_process, CHAT_ID)
    person.starts()
    person.walk([("consent", AGREE), ("emergency_signs", "No"), ("face_weakness", "No")])
    before = len(person.messages)
    person.says("/export", expect=1)
    sent = document_after(person, before)
    assert sent["document"]["file_name"].endswith(".json")
    assert sent["document"]["mime_type"] == "application/json"
    assert "Everything stored about you" in sent["text"]  # the caption
    exported = json.loads(sent["document"]["content"])
    assert exported["person"] == bot_process.person(CHAT_ID)
    session = exported["session"]
    assert session["answers"] == {
        "consent": "agree",
        "emergency_signs": "no",
        "face_weakness": "no",
    }
    readable = {a["question"]: a["answer"] for a in session["answers_readable"]}
    assert readable["Face muscles weak or hard to move"] == "No"
    assert exported["last_question"]["question_id"] == "drooping"
    raw = sent["document"]["content"].decode()
    assert "Zephyrine" not in raw and "zeph_q_private" not in raw  # never stored
    # Only the kind of document waited in the outbox, never a copy of the data.
    queued = [p for (p,) in bot_process.query("SELECT payload FROM outbox")]
    assert all("answers" not in p for p in queued)

    (confirm,) = person.says("/forget")
    person.press("Yes, erase everything", message_id=confirm["message_id"], expect=0)
    emulator.wait_for_text(CHAT_ID, "has been erased", WAIT)
    (nothing,) = person.says("/export")
    assert nothing["text"] == "Nothing is stored about you, so there is nothing to export."
    assert not nothing.get("document")


def test_summary_text_and_its_pdf(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, CHAT_ID + 1)
    consent = person.starts()
    (nothing,) = person.act(
        lambda: emulator.user_presses(person.chat_id, consent["message_id"], "c:pdf"), 1
    )
    assert nothing["text"] == "There is no check to summarise yet. Send /start to begin."
    person.walk([("consent", AGREE), ("emergency_signs", "No"), ("face_weakness", "Yes")])
    summary, _question = person.says("/summary", expect=2)
    text = summary["text"]
    assert text.startswith("📋 Summary: Nostril twitch check\n\nCheck started ")
    assert "Result: not finished yet." in text
    assert "• Face muscles weak or hard to move: Yes" in text
    assert "Follow-up check-ins: none" in text
    assert "not a diagnosis" in text
    assert labels(summary) == ["📄 PDF for a doctor"]

    before = len(person.messages)
    person.press("📄 PDF for a doctor", message_id=summary["message_id"], expect=1)
    sent = document_after(person, before)
    content = sent["document"]["content"]
    assert sent["document"]["file_name"].endswith(".pdf") and content.startswith(b"%PDF-")
    assert content.count(b"/Type /Page\n") == 1  # one page
    shown = pdf_text(content)
    assert "Made by Test Bot (@test_bot)" in shown
    assert "Flow version " in shown and "This summary is not a diagnosis." in shown
    assert "Face muscles weak or hard to move: Yes" in shown
    settle(emulator, bot_process)
    assert any(a["callback_query_id"] for a in emulator.callback_answers)
