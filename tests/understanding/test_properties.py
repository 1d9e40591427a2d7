"""Property-based tests of typed-answer reading (Hypothesis): whatever people type, the
reader never crashes, never records a milder answer for words that describe a warning
sign, and reads amounts the way they are written."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.quantities import read_count, read_duration
from bot.engine.understanding import QuestionReader
from bot.flow import SEVERITY_RANK, load_flow
from bot.flow.canonical import canonical_tokens
from tests.conftest import FLOW_PATH

NOW = datetime(2026, 11, 27, tzinfo=UTC)
FLOW = load_flow(FLOW_PATH)
READERS = {q.id: QuestionReader(q) for q in FLOW.questions}
WARNING = [q for q in FLOW.questions if any(o.red_flag for o in q.options)]
# Warning signs asked as yes / no (duration reads amounts of time instead).
SIGN_QUESTIONS = [q for q in WARNING if q.reads is None]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Ways of saying a sign is there, as parts of longer answers.
SIGN_PARTS = [
    "I can't close it", "it won't shut properly", "I'm not able to move it",
    "I haven't got much feeling there", "it doesn't feel the same", "there's no feeling",
    "it went away after an hour", "it happened yesterday", "not fully", "not as strong",
    "I struggle to swallow", "it's not just the twitch", "nothing works properly",
    "it's numb", "a bit droopy", "my speech was slurred this morning",
    "I'm unable to smile on that side", "it came and went",
]  # fmt: skip
FILLER = st.sampled_from(
    ["", "no", "well", "hmm", "so", "honestly", "I think", "lol", "ok", "um", "and", "but"]
)


@FAST
@given(question=st.sampled_from(FLOW.questions), text=st.text(max_size=200))
def test_any_text_gives_a_reading_and_never_crashes(question, text):
    reading = READERS[question.id].read(text, NOW)
    assert reading.option_id is None or question.option(reading.option_id) is not None


@FAST
@given(
    question=st.sampled_from(SIGN_QUESTIONS),
    before=FILLER,
    sign=st.sampled_from(SIGN_PARTS),
    after=FILLER,
)
def test_a_described_sign_is_never_recorded_as_a_milder_answer(question, before, sign, after):
    reading = READERS[question.id].read(f"{before} {sign} {after}", NOW)
    worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
    if reading.certain:
        assert SEVERITY_RANK[question.option(reading.option_id).red_flag] == worst


@FAST
@given(
    question=st.sampled_from(WARNING),
    words=st.lists(
        st.sampled_from(["no", "not", "never", "can't", "don't", "isn't", "feel", "move",
                         "close", "it", "my", "face", "eye", "weak", "numb", "sure", "fine",
                         "just", "only", "now", "anymore", "yes", "maybe", "I", "really"]),
        min_size=2, max_size=8,
    ),
)  # fmt: skip
def test_only_unmistakable_words_record_a_milder_answer(question, words):
    text = " ".join(words)
    reading = READERS[question.id].read(text, NOW)
    worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
    option = question.option(reading.option_id) if reading.option_id else None
    if reading.certain and option is not None and SEVERITY_RANK[option.red_flag] < worst:
        # Only a plain no, or words that are all "no"-words, may be recorded as milder.
        assert words[0].lower() in {"no", "never", "i"}, text
        assert not {"can't", "feel", "move", "close", "weak", "numb", "just", "only"} & set(
            canonical_tokens(text)
        ), text


@FAST
@given(
    amount=st.integers(min_value=1, max_value=60),
    unit=st.sampled_from([("day", 1), ("week", 7), ("month", 30), ("year", 365)]),
)
def test_a_plain_duration_is_read_exactly(amount, unit):
    name, days = unit
    text = f"{amount} {name}{'s' if amount > 1 else ''}"
    assert read_duration(canonical_tokens(text), NOW) == (amount * days, amount * days)
    low, high = read_duration(canonical_tokens(f"more than {text}"), NOW)
    assert low > amount * days - 1e-3 and high == float("inf")


@FAST
@given(
    amount=st.integers(min_value=0, max_value=30),
    noun=st.sampled_from(["cups", "coffees", "energy drinks", "teas", "cans of cola"]),
    filler=st.sampled_from(["", "I have", "I drink", "usually"]),
)
def test_a_count_is_read_in_the_questions_terms(amount, noun, filler):
    words = frozenset(q for q in FLOW.question("caffeine").count_words)
    words = frozenset(" ".join(canonical_tokens(w)) for w in words)
    assert read_count(canonical_tokens(f"{filler} {amount} {noun} a day"), words) == (
        amount,
        amount,
    )
    # "about 4 cups" may be a few more or fewer, never excluding the number said.
    low, high = read_count(canonical_tokens(f"about {amount} {noun} a day"), words)
    assert low <= amount <= high
    # A number next to something that is not counted is never taken as the answer.
    assert read_duration(canonical_tokens(f"{filler} {amount} {noun} a day"), NOW) is None


# Words that no vocabulary knows, standing for whatever a person may describe.
UNKNOWN_WORD = st.from_regex(
    r"[bcdfghjklmpqrstvwxz]{2}[aeiou][bcdfghjklmpqrstvwxz]{2}", fullmatch=True
)


@FAST
@given(
    question=st.sampled_from(SIGN_QUESTIONS),
    lead=st.sampled_from(["no,", "nope", "nah,", "no but", "not really,", "no. just", "only"]),
    words=st.lists(UNKNOWN_WORD, min_size=1, max_size=3),
    filler=st.sampled_from(["", "my", "it", "I think", "a bit"]),
)
def test_unknown_words_after_a_no_are_never_read_as_the_milder_answer(
    question, lead, words, filler
):
    text = f"{lead} {filler} {' '.join(words)}"
    reading = READERS[question.id].read(text, NOW)
    worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
    if reading.option_id is not None:
        assert SEVERITY_RANK[question.option(reading.option_id).red_flag] == worst, text


@FAST
@given(
    amount=st.integers(min_value=1, max_value=13),
    wording=st.sampled_from(
        ["{n} days or more", "{n} days+", "{n} days at least", "{n} days, maybe longer",
         "{n} days or longer", "started again {n} days ago", "it's back, {n} days this time",
         "came back {n} days ago", "this episode {n} days", "{n} days ago it got worse"]
    ),
)  # fmt: skip
def test_an_open_ended_or_recurring_duration_is_never_taken_as_under_two_weeks(amount, wording):
    text = wording.format(n=amount)
    reading = READERS["duration"].read(text, NOW)
    assert reading.option_id != "under_two_weeks", text
