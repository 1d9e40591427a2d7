"""Free text to options: many wordings, and no guessing."""

from __future__ import annotations

import pytest

from bot.engine.matching import OptionMatcher


@pytest.fixture(scope="module")
def yes_no_unsure(flow):
    return OptionMatcher(flow.question("weakness"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"), ("Y", "yes"), ("Yeah!", "yes"), ("yes, since Monday", "yes"),
        ("a little", "yes"), ("1", "yes"), ("1.", "yes"),
        ("no", "no"), ("Nope.", "no"), ("not really", "no"), ("no, never", "no"), ("2", "no"),
        ("I don't think so", "no"), ("I don’t think so", "no"),
        ("not sure", "not_sure"), ("Not sure", "not_sure"), ("no idea", "not_sure"),
        ("I don't know", "not_sure"), ("maybe", "not_sure"), ("3", "not_sure"),
        ("no, not sure", "not_sure"), ("yes but I'm not sure", "not_sure"),
    ],
)  # fmt: skip
def test_wordings_of_yes_no_and_not_sure(yes_no_unsure, text, expected):
    assert yes_no_unsure.match(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "purple",
        "4",
        "0",
        "my face hurts",
        "no, it's bad, I have it",
        "I don't think it does",
    ],
)
def test_text_that_fits_no_option_matches_nothing(yes_no_unsure, text):
    assert yes_no_unsure.match(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I don't think so, no", "no"), ("none of these", "no"), ("nothing like that", "no"),
        ("well I do have it sometimes", "yes"), ("it happens all the time", "yes"),
        ("hmm, possibly", "not_sure"),
    ],
)  # fmt: skip
def test_known_phrases_inside_longer_answers(yes_no_unsure, text, expected):
    assert yes_no_unsure.match(text) == expected


def test_durations_in_peoples_words(flow):
    duration = OptionMatcher(flow.question("duration"))
    assert duration.match("3 days") == "days"
    assert duration.match("about two weeks") == "days"
    assert duration.match("for months now") == "weeks"
    assert duration.match("since last year") == "weeks"
    assert duration.match("6 weeks") == "weeks"


def test_labels_and_synonyms_of_other_options(flow):
    caffeine = OptionMatcher(flow.question("caffeine"))
    assert caffeine.match("A lot, or more than usual") == "a_lot"
    assert caffeine.match("lots") == "a_lot"
    assert caffeine.match("none") == "none"
    assert caffeine.match("a cup or two a day") == "moderate"
    duration = OptionMatcher(flow.question("duration"))
    assert duration.match("months") == "weeks"
    assert duration.match("no idea") == "not_sure"


def test_consent_understands_sure(flow):
    consent = OptionMatcher(flow.question("consent"))
    assert consent.match("yes sure") == "agree"
    assert consent.match("not now") == "decline"
