"""The conversation engine on the shipped flow: outcomes, escalation, back, restart, text."""

from __future__ import annotations

from datetime import timedelta

from bot.engine import Answer, Back, Restart, ShowSummary, Start, step
from bot.engine.texts import OLD_BUTTON, RESUME_QUESTION
from tests.conftest import ALL_CLEAR_UNTIL_TRIGGERS, NO_WARNINGS, NOW


def test_start_shows_intro_disclaimer_and_asks_consent_first(walker):
    reply = walker.start()
    assert "not medical advice" in reply.messages[0].text
    assert reply.prompt.question_id == "consent"
    assert walker.session.answers == {}


def test_emergency_screen_is_the_first_health_question(walker):
    walker.start()
    reply = walker.say("yes")
    assert reply.prompt.question_id == "emergency_signs"


def test_emergency_outcome_stops_the_check_at_once(walker):
    walker.start()
    reply = walker.say("yes", "yes")
    assert reply.ended and walker.state == "emergency"
    text = reply.messages[0].text
    assert reply.messages[0].tone == "emergency"
    assert "112" in text and "911" in text and "999" in text


def test_not_sure_on_the_emergency_screen_counts_as_yes(walker):
    walker.start()
    reply = walker.say("yes", "not sure")
    assert walker.state == "emergency" and reply.ended


def test_urgent_warning_sign_leads_to_see_a_doctor_soon(walker):
    walker.start()
    walker.say("yes", "no", "no", "yes")  # consent, emergency screen, weakness, drooping=yes
    reply = walker.say("no", "no", "no", "no", "days")
    assert walker.state == "see_doctor_soon" and reply.ended
    assert "Face drooping: Yes" in reply.messages[0].text


def test_routine_warning_sign_leads_to_an_appointment(walker):
    walker.start()
    reply = walker.say("yes", *NO_WARNINGS[:5], "yes", "no", "days")  # spreading = yes
    assert walker.state == "book_appointment" and reply.ended


def test_twitching_for_weeks_leads_to_an_appointment(walker):
    walker.start()
    walker.say("yes", *NO_WARNINGS)
    reply = walker.say("several weeks or longer")
    assert walker.state == "book_appointment" and reply.ended


def test_not_sure_counts_as_yes_on_every_warning_sign(flow, walker):
    warnings = ["weakness", "drooping", "eye_closing", "numbness", "spreading", "during_sleep"]
    for question in warnings:
        walker.session = None
        walker.start()
        walker.say("yes", "no")
        while walker.state != question:
            walker.say("no")
        walker.say("not sure")
        while not walker.session.ended:
            walker.say("no" if walker.state != "duration" else "days")
        expected = flow.question(question).option("yes").red_flag
        assert flow.outcome(walker.state).red_flag == expected, question


def test_red_flags_escalate_and_never_de_escalate(walker):
    walker.start()
    walker.say("yes", "no", "yes")  # weakness: urgent
    walker.say("no", "no", "no", "yes", "yes")  # later routine signs
    walker.say("several weeks")
    assert walker.state == "see_doctor_soon"
    assert walker.session.worst_red_flag == "urgent"


def test_no_warning_signs_lists_only_the_reported_triggers(walker):
    walker.start()
    walker.say(*ALL_CLEAR_UNTIL_TRIGGERS)
    reply = walker.say("yes", "no", "a lot", "no", "no", "yes", "no")
    assert walker.state == "self_care"
    text = reply.messages[0].text
    assert "Stress or anxiety" in text and "Caffeine" in text and "A new medicine" in text
    assert "Alcohol" not in text and "Screen time" not in text
    assert "Do not stop" in text  # medicines: talk to the prescriber, never stop alone
    assert "see a doctor" in text.lower()  # safety net
    assert "not medical advice" in text


def test_no_triggers_still_gives_safety_net_and_never_says_fine(walker):
    walker.start()
    walker.say(*ALL_CLEAR_UNTIL_TRIGGERS)
    reply = walker.say("no", "no", "none", "no", "no", "no", "no")
    text = reply.messages[0].text.lower()
    assert walker.state == "self_care"
    assert "none of the common triggers" in text
    assert "see a doctor" in text
    assert "you are fine" not in text and "nothing to worry" not in text


def test_declining_consent_asks_nothing_about_health(walker):
    walker.start()
    reply = walker.say("no")
    assert walker.state == "no_consent" and reply.ended
    assert walker.session.red_flags == {}


def test_free_text_that_matches_nothing_re_asks_without_guessing(walker):
    walker.start()
    walker.say("yes")
    before = walker.session
    reply = walker.say("my cat is called Bob")
    assert walker.session == before
    assert reply.prompt.question_id == "emergency_signs"
    assert "didn't catch" in reply.messages[0].text


def test_numbers_labels_and_synonyms_all_answer(walker):
    walker.start()
    walker.say("Yes, let's start")
    walker.say("2")  # emergency screen: No
    walker.say("Nope")
    walker.say("no idea")
    assert walker.session.answers["weakness"] == "no"
    assert walker.session.answers["drooping"] == "not_sure"


def test_back_re_asks_the_previous_question_and_forgets_its_answer(walker):
    walker.start()
    walker.say("yes", "no", "yes")  # weakness = yes (urgent)
    assert walker.session.red_flags == {"weakness": "urgent"}
    reply = walker.do(Back())
    assert reply.prompt.question_id == "weakness"
    assert "weakness" not in walker.session.answers
    assert walker.session.red_flags == {}
    walker.say("no")
    assert walker.state == "drooping"


def test_back_from_an_outcome_reopens_the_last_question(walker):
    walker.start()
    walker.say("yes", "yes")
    assert walker.session.ended
    reply = walker.do(Back())
    assert not walker.session.ended and reply.prompt.question_id == "emergency_signs"


def test_back_at_the_first_question_says_so(walker):
    walker.start()
    reply = walker.do(Back())
    assert reply.prompt.question_id == "consent"
    assert "first question" in reply.messages[0].text


def test_restart_clears_answers(walker):
    walker.start()
    walker.say("yes", "no", "yes")
    reply = walker.do(Restart())
    assert walker.session.answers == {} and reply.prompt.question_id == "consent"


def test_summary_groups_answers_and_keeps_the_question_open(walker):
    walker.start()
    walker.say("yes", "no", "not sure")
    reply = walker.do(ShowSummary())
    text = reply.messages[0].text
    assert "Emergency signs:" in text and "Warning signs:" in text
    assert "Facial weakness on the same side: Not sure" in text
    assert "not finished" in text
    assert reply.prompt.question_id == "drooping"


def test_summary_after_the_outcome_names_it(walker):
    walker.start()
    walker.say("yes", "yes")
    text = walker.do(ShowSummary()).messages[0].text
    assert "Result: Call emergency services now" in text


def test_an_old_button_changes_nothing(walker):
    walker.start()
    walker.say("yes", "no")
    before = walker.session
    reply = walker.press("yes", question_id="emergency_signs")
    assert reply.notice == OLD_BUTTON and walker.session == before


def test_a_button_of_the_pending_question_works(walker):
    walker.start()
    walker.say("yes")
    walker.press("no", question_id="emergency_signs")
    assert walker.state == "weakness"


def test_returning_person_is_offered_to_continue_with_answers_shown(walker):
    walker.start()
    walker.say("yes", "no", "no")
    reply = walker.start()
    assert reply.prompt.question_id == RESUME_QUESTION
    assert "Facial weakness on the same side: No" in reply.messages[0].text
    reply = walker.press("continue", question_id=RESUME_QUESTION)
    assert reply.prompt.question_id == "drooping"
    assert walker.session.answers["weakness"] == "no"


def test_returning_person_can_start_over(walker):
    walker.start()
    walker.say("yes", "no", "no")
    walker.start()
    reply = walker.say("start over")
    assert walker.session.answers == {} and reply.prompt.question_id == "consent"


def test_pressing_the_pending_question_while_resume_is_offered_answers_it(walker):
    walker.start()
    walker.say("yes", "no")
    walker.start()
    walker.press("no", question_id="weakness")
    assert walker.state == "drooping" and not walker.session.offer_resume


def test_text_after_the_end_explains_what_to_do(walker):
    walker.start()
    walker.say("yes", "yes")
    reply = walker.say("hello?")
    assert "finished" in reply.messages[0].text and walker.state == "emergency"


def test_step_is_pure(flow):
    session, _ = step(flow, None, Start(), NOW)
    first = step(flow, session, Answer(text="yes"), NOW)
    second = step(flow, session, Answer(text="yes"), NOW)
    assert first == second
    assert session.state == "consent"  # the input session is untouched


def test_time_comes_from_the_caller(flow):
    later = NOW + timedelta(days=3)
    session, _ = step(flow, None, Start(), NOW)
    session, _ = step(flow, session, Answer(text="yes"), later)
    assert session.started_at == NOW and session.updated_at == later


def test_a_session_moves_to_a_new_flow_version_by_question_id(flow, walker):
    walker.start()
    walker.say("yes", "no", "no", "no")  # now at eye_closing
    # The admin removes the "drooping" question and rewords another one.
    questions = tuple(q for q in flow.questions if q.id != "drooping")
    questions = tuple(
        q.model_copy(update={"next": "eye_closing"}) if q.id == "weakness" else q for q in questions
    )
    edited = flow.model_copy(update={"questions": questions, "version": "edited"})
    edited = type(flow).model_validate(edited.model_dump())
    edited = edited.model_copy(update={"version": edited.content_hash()})
    session, reply = step(edited, walker.session, Answer(text="no"), NOW)
    assert session.flow_version == edited.version
    assert "drooping" not in session.answers
    assert session.answers["weakness"] == "no" and session.answers["eye_closing"] == "no"
    assert session.state == "numbness" and reply.prompt.question_id == "numbness"


def test_a_button_without_a_session_starts_nothing(flow):
    session, reply = step(flow, None, Answer(option_id="no", question_id="weakness"), NOW)
    assert session is None and reply.notice == OLD_BUTTON


def test_typing_before_start_begins_the_check(flow):
    session, reply = step(flow, None, Answer(text="hello"), NOW)
    assert session.state == "consent" and reply.prompt.question_id == "consent"


def test_the_answered_prompt_is_the_one_that_was_shown(walker):
    walker.start()
    shown = walker.say("yes").prompt
    reply = walker.say("no")
    assert reply.answered.prompt == shown and reply.answered.choice == "No"


def test_any_text_either_answers_or_re_asks_and_never_crashes(flow):
    import random

    rng = random.Random(7)
    words = [
        "yes",
        "no",
        "not",
        "sure",
        "maybe",
        "I",
        "don't",
        "know",
        "it",
        "does",
        "a",
        "lot",
        "weeks",
        "3",
        "🙂",
        "?",
        "/",
        "never",
        "ünïcødé",
        "1",
        "9",
    ]
    words += ["", "x" * 300, "\u200b"]
    session, _ = step(flow, None, Start(), NOW)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 5)))
        after, reply = step(flow, session, Answer(text=text), NOW)
        if after.ended:
            assert reply.messages and "not medical advice" in reply.messages[-1].text
            session, _ = step(flow, None, Start(), NOW)
        elif after.state == session.state:
            assert reply.prompt.question_id == session.state  # re-asked, nothing guessed
            assert after.answers == session.answers
        else:
            assert reply.answered is not None
            session = after
        session = after if not after.ended else session


def test_commands_typed_as_words_work_when_they_are_no_answer(walker):
    walker.start()
    walker.say("yes", "no", "no")
    assert walker.say("go back").prompt.question_id == "weakness"
    assert "Summary" in walker.say("my answers").messages[0].title
    assert walker.say("start over").prompt.question_id == "consent"
    assert walker.session.answers == {}
