"""The conversation engine on the shipped flow: outcomes, escalation, back, restart, text."""

from __future__ import annotations

from datetime import timedelta

from bot.engine import Answer, Back, Restart, ShowSummary, Start, step
from bot.engine.texts import OLD_BUTTON, RESUME_QUESTION
from tests.conftest import (
    ALL_CLEAR_UNTIL_TRIGGERS,
    NO_TRIGGERS,
    NO_WARNINGS,
    NOW,
    WARNING_QUESTIONS,
)


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
    walker.say(*NO_WARNINGS[3:])
    assert walker.state == "sudden_onset"  # asked only after an urgent sign
    reply = walker.say("gradually", "days", *NO_TRIGGERS)
    assert walker.state == "see_doctor_soon" and reply.ended
    assert "Part of the face drooping: Yes" in reply.messages[0].text


def test_an_urgent_sign_that_came_on_suddenly_means_calling_emergency_services(walker):
    walker.start()
    walker.say("yes", "no", "no", "yes", *NO_WARNINGS[3:])
    walker.say("it came on within minutes, I think on Monday")  # read back: one tap
    assert walker.session.pending == "yes"
    reply = walker.say("correct")
    assert walker.state == "emergency" and reply.ended


def test_an_urgent_sign_is_acted_on_at_once_and_the_check_goes_on(walker):
    walker.start()
    walker.say("yes", "no")
    reply = walker.say("yes")  # face weakness
    assert reply.prompt.question_id == "drooping"
    told = reply.messages[0]
    assert told.tone == "urgent" and "today or tomorrow" in told.text
    assert "stop at any point" in told.text
    assert not walker.say("yes").messages  # said once, not again for the next sign


def test_resuming_mentions_the_warning_sign_already_reported(walker):
    walker.start()
    walker.say("yes", "no", "yes")
    reply = walker.start()
    text = reply.messages[0].text
    assert "already told me about a warning sign" in text
    assert "Please see a doctor today or tomorrow" in text


def test_routine_warning_sign_leads_to_an_appointment(walker):
    walker.start()
    walker.say("yes", *NO_WARNINGS[:9], "yes", "no", "days")  # spreading = yes
    reply = walker.say(*NO_TRIGGERS)
    assert walker.state == "book_appointment" and reply.ended


def test_twitching_for_two_weeks_or_more_leads_to_an_appointment(walker):
    walker.start()
    walker.say("yes", *NO_WARNINGS)
    walker.say("Two weeks or more")
    reply = walker.say(*NO_TRIGGERS)
    assert walker.state == "book_appointment" and reply.ended


def test_not_sure_counts_as_yes_on_every_warning_sign(flow, walker):
    for question in WARNING_QUESTIONS:
        walker.session = None
        walker.start()
        walker.say("yes")
        while walker.state != question:
            walker.say("no")
        walker.say("not sure")
        while not walker.session.ended:
            walker.press(flow.question(walker.state).options[-2].id)
        expected = flow.question(question).option("yes").red_flag
        assert flow.outcome(walker.state).red_flag == expected, question


def test_nobody_seeing_you_asleep_is_not_a_warning_sign(walker):
    walker.start()
    walker.say("yes", *NO_WARNINGS[:-1])
    walker.say("I sleep alone")  # a synonym of "Nobody has seen me asleep"
    assert walker.session.answers["during_sleep"] == "not_seen"
    walker.say("days", *NO_TRIGGERS)
    assert walker.state == "self_care"


def test_red_flags_escalate_and_never_de_escalate(walker):
    walker.start()
    walker.say("yes", "no", "yes")  # face weakness: urgent
    walker.say(*NO_WARNINGS[2:8], "yes", "yes", "no")  # later routine signs
    walker.say("no", "Two weeks or more", *NO_TRIGGERS)
    assert walker.state == "see_doctor_soon"
    assert walker.session.worst_red_flag == "urgent"


def test_doctor_outcomes_give_trigger_tips_under_meanwhile(walker):
    walker.start()
    walker.say("yes", "no", "yes", *NO_WARNINGS[2:], "no", "days")
    reply = walker.say("yes", *NO_TRIGGERS[1:])
    text = reply.messages[0].text
    assert walker.state == "see_doctor_soon"
    assert "Meanwhile" in text and "Stress or anxiety" in text


def test_doctor_outcomes_without_triggers_have_no_trigger_heading(walker):
    walker.start()
    walker.say("yes", "no", "yes", *NO_WARNINGS[2:], "no", "days", *NO_TRIGGERS)
    text = walker.reply.messages[0].text
    assert "Meanwhile" not in text and "trigger" not in text.lower()


def test_no_warning_signs_lists_only_the_reported_triggers(walker):
    walker.start()
    walker.say(*ALL_CLEAR_UNTIL_TRIGGERS)
    reply = walker.say("yes", "no", "no", "a lot", "no", "enough", "most days")
    reply = walker.say("Yes, a decongestant", "no")
    assert walker.state == "self_care"
    text = reply.messages[0].text
    assert "Stress or anxiety" in text and "Caffeine" in text and "A new medicine" in text
    assert "Alcohol" not in text and "Screen time" not in text
    assert "Do not stop" in text  # medicines: talk to the prescriber, never stop alone
    assert "gradually" in text  # caffeine: cut down gradually
    assert "doctor" in text.lower()  # safety net
    assert "not medical advice" in text


def test_not_sure_on_a_trigger_question_gets_its_tip_too(walker):
    walker.start()
    walker.say(*ALL_CLEAR_UNTIL_TRIGGERS)
    reply = walker.say("no", "no", "not sure", *NO_TRIGGERS[3:])
    assert "Tiredness or lack of sleep" in reply.messages[0].text


def test_no_triggers_still_gives_safety_net_and_never_says_fine(walker):
    walker.start()
    walker.say(*ALL_CLEAR_UNTIL_TRIGGERS)
    reply = walker.say(*NO_TRIGGERS)
    text = reply.messages[0].text.lower()
    assert walker.state == "self_care"
    assert "none of the common triggers" in text
    assert "two weeks" in text and "emergency" in text  # safety net with time frames
    assert "you are fine" not in text and "nothing to worry" not in text


def test_the_emergency_outcome_has_no_not_for_emergencies_line(walker):
    walker.start()
    text = walker.say("yes", "yes").messages[0].text
    assert "not for emergencies" not in text and "even if" in text


def test_declining_consent_stores_nothing(walker):
    walker.start()
    reply = walker.say("no")
    assert reply.ended and reply.forget and walker.session is None
    assert "nothing about you" in reply.messages[0].text
    summary = walker.do(ShowSummary())
    assert "haven't answered anything" in summary.messages[0].text


def test_agreeing_on_the_old_consent_button_after_declining_starts_the_check(walker):
    walker.start()
    walker.say("no")
    reply = walker.press("agree", question_id="consent")
    assert reply.prompt.question_id == "emergency_signs"


def test_free_text_that_matches_nothing_re_asks_without_guessing(walker):
    walker.start()
    walker.say("yes")
    before = walker.session
    reply = walker.say("my cat is called Bob")
    assert walker.session == before
    assert reply.prompt.question_id == "emergency_signs"
    assert "haven't recorded anything" in reply.messages[0].text


def test_numbers_labels_and_synonyms_all_answer(walker):
    walker.start()
    walker.say("Yes, let's start")
    walker.say("2")  # emergency screen: No
    walker.say("Nope")
    walker.say("no idea")
    assert walker.session.answers["face_weakness"] == "no"
    assert walker.session.answers["drooping"] == "not_sure"


def test_a_sign_described_in_negative_grammar_is_read_back_not_recorded(walker):
    walker.start()
    walker.say("yes", "no", "no", "no")
    before = walker.session.answers
    reply = walker.say("I am not able to close it")
    assert walker.session.answers == before and walker.session.pending == "yes"
    assert "I understood your answer as “Yes”" in reply.messages[0].text
    assert reply.prompt.question_id == "eye_closing"
    assert "✓ Yes" in [c.label for c in reply.prompt.choices]
    walker.say("correct")
    assert walker.session.answers["eye_closing"] == "yes"


def test_a_recurring_twitch_is_timed_from_its_first_start(walker):
    walker.start()
    walker.say("yes")
    while walker.session.state != "duration":
        walker.say("no")
    reply = walker.say("it's back since Monday")
    assert "duration" not in walker.session.answers and walker.session.pending is None
    assert "very first time" in reply.messages[0].text
    assert reply.prompt.question_id == "duration"
    walker.say("first had it in March")
    assert walker.session.answers["duration"] == "two_weeks_plus"


def test_a_read_back_of_no_is_not_confirmed_by_a_bare_yes(walker):
    walker.start()
    walker.say("yes", "no")
    walker.say("I don't have any weakness")
    assert walker.session.pending == "no"
    reply = walker.say("yes")  # "yes, that's right" or "yes, I have weakness"?
    assert "face_weakness" not in walker.session.answers
    assert reply.prompt.question_id == "face_weakness"
    walker.say("no")
    assert walker.session.answers["face_weakness"] == "no"


def test_rejecting_a_read_back_records_nothing(walker):
    walker.start()
    walker.say("yes", "no")
    walker.say("I can't smile properly on one side")
    reply = walker.say("no")
    assert "face_weakness" not in walker.session.answers and walker.session.pending is None
    assert "haven't recorded" in reply.messages[0].text


def test_back_re_asks_the_previous_question_and_forgets_its_answer(walker):
    walker.start()
    walker.say("yes", "no", "yes")  # face weakness = yes (urgent)
    assert walker.session.red_flags == {"face_weakness": "urgent"}
    reply = walker.do(Back())
    assert reply.prompt.question_id == "face_weakness"
    assert "face_weakness" not in walker.session.answers
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
    assert "Face muscles weak or hard to move: Not sure" in text
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
    assert walker.state == "face_weakness"


def test_returning_person_is_offered_to_continue_with_answers_shown(walker):
    walker.start()
    walker.say("yes", "no", "no")
    reply = walker.start()
    assert reply.prompt.question_id == RESUME_QUESTION
    assert "Face muscles weak or hard to move: No" in reply.messages[0].text
    assert "warning sign" not in reply.messages[0].text
    reply = walker.press("continue", question_id=RESUME_QUESTION)
    assert reply.prompt.question_id == "drooping"
    assert walker.session.answers["face_weakness"] == "no"


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
    walker.press("no", question_id="face_weakness")
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
        q.model_copy(update={"next": "eye_closing"}) if q.id == "face_weakness" else q
        for q in questions
    )
    edited = flow.model_copy(update={"questions": questions, "version": "edited"})
    edited = type(flow).model_validate(edited.model_dump())
    edited = edited.model_copy(update={"version": edited.content_hash()})
    session, reply = step(edited, walker.session, Answer(text="no"), NOW)
    assert session.flow_version == edited.version
    assert "drooping" not in session.answers
    assert session.answers["face_weakness"] == "no" and session.answers["eye_closing"] == "no"
    assert session.state == "numbness" and reply.prompt.question_id == "numbness"


def test_a_button_without_a_session_starts_nothing(flow):
    session, reply = step(flow, None, Answer(option_id="no", question_id="face_weakness"), NOW)
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
        if after is None:  # declined consent: nothing is kept
            assert reply.forget and reply.ended
            session, _ = step(flow, None, Start(), NOW)
            continue
        if after.ended:
            assert reply.messages and "not medical advice" in reply.messages[-1].text
            session, _ = step(flow, None, Start(), NOW)
        elif after.state == session.state:
            assert reply.prompt.question_id == session.state  # re-asked or read back
            assert after.answers == session.answers  # nothing recorded
        else:
            assert reply.answered is not None
            session = after
        session = after if not after.ended else session


def test_commands_typed_as_words_work_when_they_are_no_answer(walker):
    walker.start()
    walker.say("yes", "no", "no")
    assert walker.say("go back").prompt.question_id == "face_weakness"
    assert "Summary" in walker.say("my answers").messages[0].title
    assert walker.say("start over").prompt.question_id == "consent"
    assert walker.session.answers == {}
