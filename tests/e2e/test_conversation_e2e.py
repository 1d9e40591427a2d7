"""End-to-end: whole conversations by buttons and by typing, and messages that are not answers.

The real bot process (``python -m bot run``) long-polls the emulator over loopback HTTP
with its own SQLite database; the tests assert what a person sees and what got stored.
"""

from __future__ import annotations

import pytest

from .conftest import BotProcess
from .emulator import Emulator
from .person import (
    AGREE,
    DAYS,
    FINISHED_BUTTONS,
    INTRO,
    NOT_UNDERSTOOD,
    QUESTIONS,
    TIERS,
    USE_BUTTONS,
    Person,
    _label,
    assert_every_query_answered,
    bullets,
    buttons,
    expected_summary_blocks,
    labels,
    question_of,
    settle,
    summary_line,
)


@pytest.mark.parametrize("tier", TIERS)
def test_whole_conversation_by_buttons(emulator: Emulator, bot_process: BotProcess, tier: str):
    case = TIERS[tier]
    person = Person(emulator, bot_process, 1001)
    person.starts()
    if tier == "self_care":  # the outcome, then the offer of a check-in: declined here
        (last_question, last_label), path = case["path"][-1], case["path"][:-1]
        person.walk(path)
        asked = person.current_question()
        assert question_of(asked) == last_question
        outcome, offer = person.press(last_label, message_id=asked["message_id"], expect=2)
        assert labels(offer) == ["In 1 week", "In 2 weeks", "No thanks"]
        (finished,) = person.press("No thanks", message_id=offer["message_id"])
        assert "no check-in" in finished["text"]
        assert labels(outcome) == []
    else:
        outcome = finished = person.walk(case["path"])

    # The outcome: title in bold first, the reported signs / triggers, the finished buttons.
    assert outcome["text"].startswith(case["title"] + "\n\n"), outcome["text"]
    assert outcome["raw_text"].startswith("<b>") and outcome["entities"][0]["type"] == "bold"
    for fragment in case["says"]:
        assert fragment in outcome["text"]
    assert bullets(outcome["text"]) == case["told"]
    assert "not medical advice" in outcome["text"]
    assert labels(finished) == FINISHED_BUTTONS
    assert person.messages[-1] == finished
    if tier == "self_care":  # exactly the triggers answered "yes" (or "a lot"), by label
        listed = [line.split(": ")[0] for line in bullets(outcome["text"])]
        assert listed == [
            "Stress or anxiety",
            "Caffeine and other stimulants",
            "Fluids and minerals",
        ]

    # Every question was marked answered and lost its keyboard; only the outcome has buttons.
    questions = [
        m for m in person.messages if m["history"] and question_of(m["history"][0]) in QUESTIONS
    ]
    assert len(questions) == len(case["path"])
    assert [m["text"].rsplit("✅ ", 1)[1] for m in questions] == [lbl for _, lbl in case["path"]]
    assert [m["message_id"] for m in person.messages if buttons(m)] == [finished["message_id"]]

    (summary,) = person.press("📋 Summary", message_id=finished["message_id"])
    assert summary["text"].startswith("📋 Summary: Nostril twitch check\n\nCheck started ")
    assert expected_summary_blocks(case["path"]) in summary["text"]
    assert len(bullets(summary["text"])) == len(case["path"]) - 1  # consent is not listed
    assert f"Result: {case['result']}" in summary["text"]

    intro, consent = person.press("🔄 Start again", message_id=finished["message_id"], expect=2)
    assert intro["text"].startswith(INTRO) and question_of(consent) == "consent"
    stored = person.session()
    assert stored["state"] == "consent" and stored["history"] == [] and not stored["ended"]
    assert all(a["text"] is None for a in emulator.callback_answers)  # no notices on this path
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 2. typed answers
def test_free_text_answers(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1002)
    person.starts()
    person.types("consent", "yes", AGREE)
    person.types("emergency_signs", "2", "No")
    person.types("face_weakness", "nope", "No")
    asked = person.types("drooping", "not sure", "Not sure")
    assert question_of(asked) == "eye_closing"

    # Nonsense: a notice, then the same question again with its buttons; nothing stored changes.
    stored = person.session()
    shown_before = person.messages
    notice, again = person.says("purple elephants dance on tuesdays", expect=2)
    assert notice["text"].startswith(NOT_UNDERSTOOD) and not buttons(notice)
    assert again["text"] == asked["text"] and again["reply_markup"] == asked["reply_markup"]
    assert person.session() == stored
    assert person.messages[: len(shown_before)] == shown_before  # nothing was edited

    person.answer("eye_closing", "No")  # the re-asked question's buttons work
    person.types("numbness", "No.", "No")
    person.types("limb_weakness", "no, never", "No")
    person.types("speech", "nope", "No")
    person.types("swallowing", "not at all", "No")
    person.types("body_twitching", "no, I'm sure", "No")
    person.types("spreading", "n", "No")
    person.types("during_sleep", "I sleep alone", "Nobody has seen me asleep")
    person.types("sudden_onset", "gradually", "No")
    person.types("duration", "a few days", DAYS)
    for question_id, typed in [("stress", "no"), ("anxiety", "nah"), ("sleep", "I sleep fine")]:
        person.types(question_id, typed, "No")
    person.types("caffeine", "2 coffees a day", _label("caffeine", "moderate"))
    person.types("alcohol", "no", "No")
    person.types("fluids", "plenty", _label("fluids", "enough"))
    person.types("minerals", "most days", _label("minerals", "most_days"))
    person.types("medication", "no", "No")
    outcome = person.types("screens", "no", "No")
    assert outcome["text"].startswith("⚠️ Please see a doctor today or tomorrow")
    assert bullets(outcome["text"]) == [summary_line("drooping", "Not sure")]
    stored = person.session()
    assert {q: stored["answers"][q] for q in ("face_weakness", "drooping", "during_sleep")} == {
        "face_weakness": "no",
        "drooping": "not_sure",
        "during_sleep": "not_seen",
    }
    assert stored["answers"]["duration"] == "under_two_weeks"
    assert stored["answers"]["caffeine"] == "moderate"
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 3. non-text input
def test_sticker_and_photo_get_a_polite_hint(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1003)
    person.starts()
    asked = person.answer("consent", AGREE)
    stored, shown = person.session(), person.messages

    (hint,) = person.act(lambda: emulator.user_sends_sticker(person.chat_id), 1)
    assert hint["text"] == USE_BUTTONS and not buttons(hint)
    (hint,) = person.act(lambda: emulator.user_sends_photo(person.chat_id), 1)
    assert hint["text"] == USE_BUTTONS
    settle(emulator, bot_process)

    assert person.session() == stored
    assert person.messages[: len(shown)] == shown and len(person.messages) == len(shown) + 2
    assert person.current_question() == asked  # still answerable
    assert question_of(person.answer("emergency_signs", "No")) == "face_weakness"


# ------------------------------------------------------------------ 4. crash and continue
