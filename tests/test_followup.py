"""Follow-up check-ins in the engine: offered after self-care, asked when due, answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import Answer, Back, CheckinDue, ShowSummary, Start, step
from bot.flow import Flow

from .conftest import ALL_CLEAR_UNTIL_TRIGGERS, NO_TRIGGERS, NOW, Walker


class Person(Walker):
    """A walker whose clock can be moved."""

    def __init__(self, flow: Flow):
        super().__init__(flow)
        self.now = NOW

    def do(self, event):
        self.session, self.reply = step(self.flow, self.session, event, self.now)
        return self.reply

    def press(self, option_id: str, question_id: str | None = None):
        followup = self.session.followup
        if question_id is None and followup is not None and followup.stage is not None:
            question_id = getattr(self.flow.checkins, followup.stage).id
        return super().press(option_id, question_id)

    def later(self, days: float) -> None:
        self.now += timedelta(days=days)


def self_care(flow: Flow) -> Person:
    person = Person(flow)
    person.start()
    person.say(*ALL_CLEAR_UNTIL_TRIGGERS, *NO_TRIGGERS)
    assert person.session.ended and person.session.state == "self_care"
    return person


def texts(reply) -> str:
    return "\n".join(m.text for m in reply.messages)


def test_self_care_outcome_offers_a_check_in_with_the_flows_choices(flow):
    person = self_care(flow)
    assert person.reply.messages[0].title == "No warning signs reported"
    offer = person.reply.prompt
    assert offer.question_id == "checkin_offer"
    assert [c.label for c in offer.choices] == ["In 1 week", "In 2 weeks", "No thanks"]


@pytest.mark.parametrize("answer", ["face_weakness", "body_twitching"])
def test_doctor_outcomes_offer_no_check_in(walker, answer):
    walker.start()
    walker.say("yes")
    while not walker.session.ended:
        walker.press(
            "yes" if walker.state == answer else walker.flow.question(walker.state).mildest
        )
    assert walker.reply.prompt is None


def test_choosing_a_week_schedules_the_check_in_a_week_later(flow):
    person = self_care(flow)
    reply = person.press("one_week")
    assert reply.checkin_at == NOW + timedelta(days=7)
    assert "Thursday 3 December" in texts(reply)
    assert reply.ended and reply.prompt is None
    assert reply.answered.choice == "In 1 week"


def test_no_thanks_schedules_nothing(flow):
    person = self_care(flow)
    reply = person.say("no thanks")
    assert reply.checkin_at is None
    assert "no check-in" in texts(reply)


def test_typed_two_weeks_is_understood(flow):
    assert self_care(flow).say("in two weeks").checkin_at == NOW + timedelta(days=14)


def due(flow: Flow, days: float = 7) -> Person:
    person = self_care(flow)
    person.press("one_week")
    person.later(days)
    person.do(CheckinDue())
    return person


def test_a_due_check_in_asks_about_warning_signs_first(flow):
    person = due(flow)
    assert person.reply.prompt.question_id == "checkin_signs"
    assert "Hello again" in texts(person.reply)


def test_gone_closes_the_episode_with_a_note_and_cancels_other_check_ins(flow):
    person = due(flow)
    person.press("no")
    assert person.reply.prompt.question_id == "checkin_progress"
    reply = person.press("gone")
    assert reply.ended and reply.cancel_checkins and reply.prompt is None
    assert "stopped" in texts(reply) and "not medical advice" in texts(reply)
    record = person.session.followup.history[-1]
    assert (record.signs, record.progress) == ("no", "gone")


def test_still_there_within_two_weeks_offers_another_check_in(flow):
    person = due(flow, days=7)
    person.press("no")
    reply = person.press("same")
    assert "less than two weeks" in texts(reply)
    assert reply.prompt.question_id == "checkin_offer"


def test_still_there_two_weeks_after_the_first_check_means_booking_a_doctor(flow):
    person = due(flow, days=7)
    person.press("no")
    person.press("better")
    person.press("one_week")
    person.later(7)
    person.do(CheckinDue())
    person.press("no")
    reply = person.press("better")
    assert reply.messages[0].title == "Book a doctor's appointment"
    assert reply.cancel_checkins and person.session.state == "book_appointment"
    assert len(person.session.followup.history) == 2


def test_worse_means_booking_a_doctor_at_once(flow):
    person = due(flow, days=7)
    person.press("no")
    assert person.press("worse").messages[0].title == "Book a doctor's appointment"


@pytest.mark.parametrize("answer", ["yes", "not_sure"])
def test_a_new_warning_sign_runs_the_warning_questions_again(flow, answer):
    person = due(flow)
    reply = person.press(answer)
    assert reply.prompt.question_id == "emergency_signs"
    person.press("no")
    person.press("yes")  # face weakness
    while not person.session.ended:
        person.press(person.flow.question(person.state).mildest)
    assert person.reply.messages[0].title == "Please see a doctor today or tomorrow"
    assert person.session.followup.history[-1].signs == answer


def test_a_sign_described_in_words_is_never_read_as_no(flow):
    person = due(flow)
    reply = person.say("my face feels numb since yesterday")
    assert person.session.followup.history[-1].signs is None
    assert person.session.pending == "yes" and "“Yes”" in texts(reply)
    reply = person.say("correct")
    assert reply.prompt.question_id == "emergency_signs"


def test_a_sign_reported_at_a_check_in_never_ends_milder_than_its_floor(flow):
    person = due(flow)
    person.press("yes")  # a new sign appeared ...
    person.say(*["no"] * 11, "3 days", *NO_TRIGGERS)  # ... that no question then names
    assert person.session.state == flow.checkins.recheck_outcome == "book_appointment"
    assert person.reply.prompt is None and person.reply.ended
    assert person.reply.messages[0].title == flow.outcome("book_appointment").title
    assert person.session.followup.first_check_at == NOW and person.session.followup.floor is None


def test_a_recheck_that_finds_a_worse_sign_keeps_its_outcome(flow):
    person = due(flow)
    person.press("yes")
    person.say("yes")  # an emergency sign
    assert person.session.state == "emergency"


def test_check_in_due_during_a_new_check_is_skipped(flow):
    person = self_care(flow)
    person.press("one_week")
    person.do(Start())
    person.say("yes", "no")
    before = person.session
    reply = person.do(CheckinDue())
    assert reply.prompt is None and not reply.messages and person.session == before


def test_check_in_for_an_erased_person_says_nothing(flow):
    session, reply = step(flow, None, CheckinDue(), NOW)
    assert session is None and reply.prompt is None and not reply.messages


def test_an_old_offer_button_after_answering_changes_nothing(flow):
    person = self_care(flow)
    person.press("no_thanks")
    reply = person.press("one_week", "checkin_offer")
    assert reply.checkin_at is None


def test_summary_shows_the_pending_check_in_question_again(flow):
    person = due(flow)
    reply = person.do(ShowSummary())
    assert reply.prompt.question_id == "checkin_signs"


def test_back_during_a_check_in_does_not_strand_the_person(flow):
    person = due(flow)
    person.do(Back())
    reply = person.do(Answer(text="no"))
    assert reply.prompt is not None


def test_check_in_is_asked_when_a_new_check_was_only_opened(flow):
    person = self_care(flow)
    person.press("one_week")
    person.do(Start())  # opened, nothing answered
    person.later(14)
    person.do(CheckinDue())
    assert person.reply.prompt.question_id == "checkin_signs"
    person.press("no")
    reply = person.press("same")
    assert reply.messages[0].title == "Book a doctor's appointment"  # two weeks since the first


def test_restarting_keeps_counting_from_the_first_check(flow):
    person = self_care(flow)
    person.press("one_week")
    person.later(3)
    person.do(Start())
    person.say(*ALL_CLEAR_UNTIL_TRIGGERS, *NO_TRIGGERS)
    assert person.session.followup.first_check_at == NOW


def test_the_summary_lists_each_check_in_answered_and_the_next_one_due(flow):
    person = due(flow)
    person.press("no")
    person.press("better")
    next_due = person.now + timedelta(days=7)
    text = texts(person.do(ShowSummary(upcoming=(next_due,))))
    answered = "3 December 2026, 09:30 UTC: new warning sign: No; twitching: Better"
    assert f"Follow-up check-ins: {answered}; next check-in due 10 December 2026" in text
