"""Free text -> option: numbers, labels, ids and common yes/no/not-sure wordings.

In order: the whole text as a number, label, id or synonym; then doubt ("not sure",
"maybe") for the not-sure option; then a leading yes/no ("no, never"); then a known phrase
inside the text ("I don't think it spreads"). Matching never guesses: text that fits no
option, or fits several, matches nothing.
"""

from __future__ import annotations

import re

from bot.engine.events import Back, Restart, ShowSummary
from bot.flow import Question

YES = frozenset(
    {
        "yes", "y", "yeah", "yea", "yep", "yup", "ya", "aye", "sure", "correct", "true",
        "definitely", "absolutely", "i do", "i have", "i am", "it does", "it is", "i think so",
        "sometimes", "a little", "a bit", "slightly", "yes please", "of course", "kind of",
        "sort of", "often", "a lot", "all the time", "constantly", "i did", "it has", "i was",
    }
)  # fmt: skip
NO = frozenset(
    {
        "no", "n", "nope", "nah", "never", "not at all", "none", "no never", "i don't",
        "i haven't", "i am not", "i'm not", "it doesn't", "it isn't", "i don't think so",
        "not really", "no thanks", "false", "negative", "none of these", "none of them",
        "neither", "nothing like that", "not that i know of", "not that i noticed", "i didn't",
        "it hasn't", "i wasn't", "no i haven't", "not at the moment",
    }
)  # fmt: skip
UNSURE = frozenset(
    {
        "not sure", "unsure", "don't know", "i don't know", "dont know", "i dont know", "idk",
        "dunno", "no idea", "maybe", "perhaps", "possibly", "not certain", "i'm not sure",
        "im not sure", "i am not sure", "can't tell", "cant tell", "?", "hard to say",
        "no clue", "not really sure",
    }
)  # fmt: skip
BUILTIN_SYNONYMS = {"yes": YES, "no": NO, "not_sure": UNSURE, "unsure": UNSURE, "dont_know": UNSURE}
_UNCERTAIN_WORDS = frozenset({"sure", "know", "idea", "maybe", "perhaps", "unsure", "possibly"})
_LEAD_YES = frozenset({"yes", "yeah", "yep", "yup", "y"})
_LEAD_NO = frozenset({"no", "nope", "nah", "n", "never"})
_NUMBER = re.compile(r"(\d{1,2})[.)]?")
_PUNCT = re.compile(r"[\s.,!;:()\"“”«»]+")


_COMMAND_WORDS: dict[str, type[Back | Restart | ShowSummary]] = {
    **dict.fromkeys(("back", "go back", "previous", "previous question", "undo"), Back),
    **dict.fromkeys(("restart", "start over", "start again", "begin again"), Restart),
    **dict.fromkeys(("summary", "show summary", "my answers", "show my answers"), ShowSummary),
}


def command_word(text: str) -> Back | Restart | ShowSummary | None:
    """The event a command typed as plain words asks for ("go back"), if any."""
    event = _COMMAND_WORDS.get(normalize(text).lstrip("/"))
    return event() if event else None


def normalize(text: str) -> str:
    """Lower-case, unify apostrophes and drop punctuation around words."""
    text = text.casefold().replace("’", "'").replace("‘", "'")
    return _PUNCT.sub(" ", text).strip() or text.strip()


class OptionMatcher:
    """Maps free text to one option of a question (built once per flow version)."""

    def __init__(self, question: Question):
        self._options = question.options
        phrases: dict[str, set[str]] = {}
        for option in question.options:
            words = {option.id, option.id.replace("_", " "), option.label, *option.synonyms}
            words |= BUILTIN_SYNONYMS.get(option.id, frozenset())
            for phrase in words:
                phrases.setdefault(normalize(phrase), set()).add(option.id)
        # A phrase that fits several options is ambiguous and so matches none.
        self._exact = {p: next(iter(ids)) for p, ids in phrases.items() if len(ids) == 1}
        self._ids = {o.id for o in question.options}
        # Phrases looked for inside longer texts: single letters would match too much.
        self._inner = [(f" {p} ", option) for p, option in self._exact.items() if len(p) > 1]

    def match(self, text: str) -> str | None:
        """The id of the option ``text`` names, or None when it names none for sure."""
        phrase = normalize(text)
        if not phrase:
            return None
        number = _NUMBER.fullmatch(phrase)
        if number:
            index = int(number.group(1)) - 1
            return self._options[index].id if 0 <= index < len(self._options) else None
        found = self._exact.get(phrase)
        if found:
            return found
        return self._leading_word(phrase.split()) or self._inside(phrase)

    def _leading_word(self, words: list[str]) -> str | None:
        # "yes, since Monday" -> yes; "no, never" -> no; doubt wins over both.
        if _UNCERTAIN_WORDS & set(words):
            unsure = next((i for i in ("not_sure", "unsure", "dont_know") if i in self._ids), None)
            if unsure:
                return unsure
        if words[0] in _LEAD_YES:
            lead = self._exact.get("yes")
        elif words[0] in _LEAD_NO and "not" not in words[1:]:
            lead = self._exact.get("no")
        else:
            return None
        rest = self._inside_all(" ".join(words[1:]))
        return lead if lead and rest <= {lead} else None  # "no, I have it" is no answer

    def _inside(self, phrase: str) -> str | None:
        found = self._inside_all(phrase)
        return found.pop() if len(found) == 1 else None

    def _inside_all(self, phrase: str) -> set[str]:
        """Options whose phrases stand inside ``phrase``; a longer phrase hides a shorter
        one it contains ("two weeks" hides "weeks")."""
        padded = f" {phrase} "
        hits = [(inner, option) for inner, option in self._inner if inner in padded]
        return {
            option
            for inner, option in hits
            if not any(inner != other and inner in other for other, _ in hits)
        }
