"""Rendering replies for Telegram: limits, escaping, keyboards."""

from __future__ import annotations

from bot.channels.telegram import render
from bot.engine import Choice, Message, Prompt


def test_long_texts_are_split_under_the_limit_at_paragraphs():
    text = "\n\n".join(f"Paragraph {i} " + "word " * 150 for i in range(20))
    chunks = render.message_html(Message(text=text, title="Summary"))
    assert len(chunks) > 1
    assert all(len(c) <= render.MAX_TEXT for c in chunks)
    assert chunks[0].startswith("<b>Summary</b>")
    assert "".join(chunks).count("Paragraph") == 20


def test_a_text_without_breaks_is_still_split():
    assert all(len(c) <= render.MAX_TEXT for c in render.split_text("x" * 10_000))


def test_user_visible_values_are_escaped():
    html = render.message_html(Message(text="a < b & <script>", title="R&D <b>"))[0]
    assert "&lt;script&gt;" in html and "R&amp;D &lt;b&gt;" in html


def test_emergency_titles_stand_out():
    html = render.message_html(
        Message(text="Call now.", title="Call emergency services", tone="emergency")
    )[0]
    assert html.startswith("<b>🚨 CALL EMERGENCY SERVICES</b>")


def test_short_answers_share_a_row_and_long_ones_get_their_own():
    short = Prompt("q", "Q?", (Choice("yes", "Yes"), Choice("no", "No")), flow_id="f")
    assert [len(row) for row in render.prompt_keyboard(short).inline_keyboard] == [2]
    long = Prompt(
        "q", "Q?", (Choice("a", "A rather long answer label"), Choice("b", "B")), flow_id="f"
    )
    assert [len(row) for row in render.prompt_keyboard(long).inline_keyboard] == [1, 1]
    assert long.choices[0].label == render.prompt_keyboard(long).inline_keyboard[0][0].text
    assert render.prompt_keyboard(long).inline_keyboard[0][0].callback_data == "a:f:q:a"


def test_answered_question_shows_the_choice():
    assert render.answered_html("<b>Q?</b>", "Not <sure>").endswith("✅ <i>Not &lt;sure&gt;</i>")
