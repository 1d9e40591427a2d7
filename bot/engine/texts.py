"""Texts the engine composes: prompts, outcomes, summaries and short notices."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.reply import Choice, Message, Prompt
from bot.engine.session import Session
from bot.flow import Flow, Outcome, Question

RESUME_QUESTION = "_resume"
RESUME_CONTINUE = "continue"
RESUME_RESTART = "restart"
RESUME_CHOICES = frozenset({RESUME_CONTINUE, RESUME_RESTART})

NOT_UNDERSTOOD = (
    "Sorry, I didn't catch that. Please pick one of the answers below (the number is enough)."
)
OLD_BUTTON = (
    "That button belongs to an earlier question, so nothing changed. Please answer the latest one."
)
FINISHED = "This check is finished. Send /summary to see your answers, or /restart to do it again."
NOTHING_TO_GO_BACK_TO = "This is the first question, so there is nothing to go back to."
NOTHING_YET = "You haven't answered anything yet. Send /start to begin the check."
WELCOME_BACK = "Welcome back! You have an unfinished check."
RESUMING = "Let's carry on where you left off."
SIGN_ALREADY_REPORTED = (
    "You already told me about a warning sign, so my advice stands whatever else you "
    "answer: {advice}."
)
_ASK_AGAIN = {
    "unclear": "Sorry, I couldn't tell which answer you mean, so I haven't recorded anything.",
    "mixed": "Your answer seems to say two different things, so I haven't recorded anything.",
    "negated": "I want to get this right, so I haven't recorded anything from that sentence.",
    "number": "Did you mean the answer with that number, or an amount? I haven't recorded "
    "anything yet.",
    "duration": "I couldn't tell how long from that, so I haven't recorded anything. You can "
    "also type it like “5 days” or “3 weeks”.",
    "count": "I couldn't tell how many from that, so I haven't recorded anything. You can "
    "also type a number, like “2 cups a day”.",
    "clarify": "Here is what I'm asking about:",
    "rejected": "OK, I haven't recorded that.",
    "first_time": "It sounds like you have had the twitching before. This question counts "
    "from the very first time it started, so I haven't recorded anything yet.",
    "when": "This question also counts signs that came and went recently, so I haven't "
    "recorded anything.",
}


def ask_again(question: Question, reason: str) -> str:
    """Why nothing was recorded, and what to do instead."""
    lead = _ASK_AGAIN.get(reason, _ASK_AGAIN["unclear"])
    if reason == "clarify":
        lead = f"{lead} {question.help or question.prompt}"
    return f"{lead} Please tap the answer that fits best (or type its number)."


def read_back(label: str) -> str:
    """The read-back of an answer understood from typed text."""
    return (
        f"I understood your answer as “{label}”. If that's right, tap “✓ {label}” below "
        "(or type “correct”). If not, tap the right answer."
    )


def marked(prompt: Prompt, option_id: str) -> Prompt:
    """``prompt`` with the read-back answer marked ✓."""
    choices = tuple(
        Choice(c.id, f"✓ {c.label}") if c.id == option_id else c for c in prompt.choices
    )
    return replace(prompt, choices=choices)


def bullet_list(lines: list[str]) -> str:
    """Lines as a bulleted list."""
    return "\n".join(f"• {line}" for line in lines)


def prompt_for(flow: Flow, question_id: str, number: int) -> Prompt:
    """The prompt of a flow question."""
    question = flow.question(question_id)
    assert question is not None, question_id
    section = next((s.title for s in flow.sections if s.id == question.section), None)
    return question_prompt(flow, question, section=section, number=number)


def question_prompt(
    flow: Flow, question: Question, *, section: str | None = None, number: int = 0
) -> Prompt:
    """A question of ``flow`` (or of its check-ins) as a prompt with its answer buttons."""
    return Prompt(
        question_id=question.id,
        text=question.prompt,
        choices=tuple(Choice(o.id, o.label) for o in question.options),
        flow_id=flow.id,
        help=question.help,
        section=section,
        number=number,
    )


def resume_prompt(flow: Flow) -> Prompt:
    """The Continue / Start over choice offered to a returning person."""
    return Prompt(
        question_id=RESUME_QUESTION,
        flow_id=flow.id,
        text="Would you like to continue where you left off, or start over?",
        choices=(
            Choice(RESUME_CONTINUE, "Continue where I left off"),
            Choice(RESUME_RESTART, "Start over"),
        ),
    )


def intro_message(flow: Flow) -> Message:
    """The welcome shown before the first question."""
    return Message(text=f"{flow.intro}\n\n{flow.disclaimer}", title=flow.title)


def answer_lines(flow: Flow, session: Session, section: str | None = None) -> list[str]:
    """'Question: answer' for each answer on the path, optionally of one section."""
    asked = [
        qid
        for qid in session.history
        if (question := flow.question(qid)) is not None
        and question.section is not None
        and section in (None, question.section)
    ]
    return _answers_of(flow, session, asked)


def _answers_of(flow: Flow, session: Session, question_ids: list[str]) -> list[str]:
    lines = []
    for qid in question_ids:
        question = flow.question(qid)
        option = question.option(session.answers.get(qid, "")) if question else None
        if question is not None and option is not None:
            lines.append(f"{question.summary_label}: {option.label}")
    return lines


def outcome_message(flow: Flow, outcome: Outcome, session: Session) -> Message:
    """The outcome with the warning signs or triggers reported, safety net and disclaimer."""
    parts = [outcome.text]
    flagged = [qid for qid in session.history if qid in session.red_flags]
    if flagged:
        parts.append("What you told me:\n" + bullet_list(_answers_of(flow, session, flagged)))
    if outcome.list_triggers:
        found = [t for t in (flow.trigger(t) for t in session.triggers) if t is not None]
        if found:
            tips = bullet_list([f"{t.label}: {t.tip}" for t in found])
            parts.append(f"{outcome.triggers_intro}\n{tips}")
        elif outcome.no_triggers_text:
            parts.append(outcome.no_triggers_text)
    parts.append(outcome.safety_net or flow.safety_net or "")
    parts.append(flow.disclaimer)
    tone = outcome.red_flag or ("self_care" if outcome.list_triggers else "info")
    return Message(text="\n\n".join(p.strip() for p in parts if p), title=outcome.title, tone=tone)


def flow_updated(changed: int) -> str:
    """One line for a person whose answered questions changed in a new version of the check."""
    which = "a question you answered" if changed == 1 else f"{changed} questions you answered"
    return (
        f"This check was updated since your last answer and {which} changed: your other"
        " answers are kept, and I ask again where needed."
    )
