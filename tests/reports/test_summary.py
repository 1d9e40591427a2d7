"""The check summary: dated, outcome, warning signs, duration, triggers, medicines, PDF."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.engine.summary import check_summary, summary_message
from bot.reports.summary_pdf import NOT_A_DIAGNOSIS, latin1, summary_pdf
from tests.conftest import NOW, Walker
from tests.reports.pdf_text import pdf_text

PATH = ["yes", "no", "yes"]  # consent, no emergency sign, face weakness: a warning sign
TO_THE_END = ["yes", *["no"] * 11, "3 weeks", "yes", "no", "no", "5 coffees a day", "no"]
TO_THE_END += ["enough", "most days", "decongestant", "no"]


def test_a_finished_check_is_summarised_in_plain_words(flow):
    walker = Walker(flow)
    walker.start()
    walker.say(*TO_THE_END)
    assert walker.session.ended
    summary = check_summary(flow, walker.session)
    assert summary.outcome == flow.outcome(walker.session.state).title
    assert summary.duration == "Two weeks or more"
    assert summary.medicines == "Yes, a decongestant"
    assert {"Stress or anxiety", "A new medicine or dose"} <= set(summary.triggers)
    assert ("Face muscles weak or hard to move", "No", False) in summary.warning_signs
    assert all(q != "How long it has lasted" for q, _, _ in summary.warning_signs)

    text = summary_message(flow, walker.session).text
    assert text.startswith("Check started 26 November 2026, 09:30 UTC; last updated ")
    assert f"Result: {summary.outcome}" in text
    assert "How long it has lasted: Two weeks or more" in text
    assert "New medicine or dose: Yes, a decongestant" in text
    assert "Follow-up check-ins: none" in text
    assert text.endswith(flow.disclaimer.strip())


def test_an_unfinished_check_marks_the_warning_sign_reported(flow):
    walker = Walker(flow)
    walker.start()
    walker.say(*PATH)
    summary = check_summary(flow, walker.session)
    assert summary.outcome is None
    assert ("Face muscles weak or hard to move", "Yes", True) in summary.warning_signs
    assert summary.duration is None and summary.medicines is None and not summary.triggers_asked
    text = summary_message(flow, walker.session).text
    assert "Result: not finished yet." in text and "Triggers reported" not in text


def test_the_pdf_is_one_page_with_bot_version_and_not_a_diagnosis(flow):
    walker = Walker(flow)
    walker.start()
    walker.say(*TO_THE_END)
    summary = check_summary(flow, walker.session)
    content = summary_pdf(summary, "Twitch Bot (@twitch_bot)", NOW)
    assert content.startswith(b"%PDF-") and content.count(b"/Type /Page\n") == 1
    shown = pdf_text(content)
    assert "Made by Twitch Bot (@twitch_bot) on 26 November 2026, 09:30 UTC." in shown
    assert f"Flow version {walker.session.flow_version}" in shown
    assert NOT_A_DIAGNOSIS in shown and "Result: " in shown


def test_a_long_history_still_fits_on_one_page(flow):
    walker = Walker(flow)
    walker.start()
    walker.say(*TO_THE_END)
    history = tuple(f"{day} December 2026: still twitching, a bit better" for day in range(1, 29))
    summary = replace(check_summary(flow, walker.session), checkins=history)
    content = summary_pdf(summary, "Twitch Bot", NOW)
    assert content.count(b"/Type /Page\n") == 1
    assert "28 December 2026" in pdf_text(content)


def test_typographic_characters_survive_the_builtin_fonts():
    assert latin1("“I can’t” – said Zoë…") == '"I can\'t" - said Zoë...'
    assert latin1("emoji 🙂") == "emoji ?"


def test_scheduled_check_ins_reach_the_summary_through_the_event(flow):
    from bot.engine import ShowSummary

    walker = Walker(flow)
    walker.start()
    walker.say(*PATH)
    reply = walker.do(ShowSummary(upcoming=(NOW + timedelta(days=7),)))
    text = reply.messages[0].text
    assert "Follow-up check-ins: next check-in due 3 December 2026, 09:30 UTC" in text
