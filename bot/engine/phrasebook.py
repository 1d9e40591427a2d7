"""What one question understands as whole answers, and its phrases inside longer ones.

Labels, ids and admins' synonyms come from the flow; yes / no / not-sure words from
``bot.flow.lexicon``. A phrase that names several options names none (never guess).
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from bot.engine.reading import Reading, record
from bot.flow import Option, Question
from bot.flow.canonical import canonical
from bot.flow.lexicon import NEGATORS, NO_HEDGED, NO_STRICT, UNSURE, YES
from bot.flow.model import UNSURE_OPTION_IDS
from bot.flow.negation import negated_at

_NONE: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


class PhraseBook:
    """The words of one question's answers (built once per flow version)."""

    def __init__(self, question: Question, warning: bool):
        self._options = question.options
        self._warning = warning
        self.exact, self._inner = self._vocabulary()
        words: dict[str, set[str]] = {}
        for phrase, reading in self.exact.items():
            if reading.option_id is not None:
                words.setdefault(reading.option_id, set()).update(_affirmed_words(phrase))
        # Every word the phrases of an option use: what a reading of that option explains.
        self.words = {option_id: frozenset(found) for option_id, found in words.items()}
        self._last: tuple[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = ((), _NONE)

    def _vocabulary(self) -> tuple[dict[str, Reading], list[tuple[list[str], str]]]:
        """Whole-answer phrases (admins' words win over built-in ones) and inner phrases."""
        builtin: dict[str, set[tuple[str, bool]]] = {}
        written: dict[str, set[str]] = {}
        for option in self._options:
            for phrase in (option.label, option.id, option.id.replace("_", " "), *option.synonyms):
                written.setdefault(canonical(phrase), set()).add(option.id)
            for phrase, certain in self._builtin_words(option):
                builtin.setdefault(phrase, set()).add((option.id, certain))
        exact: dict[str, Reading] = {}
        for phrase, found in builtin.items():
            if len({option_id for option_id, _ in found}) == 1:
                option_id, certain = next(iter(found))
                exact[phrase] = Reading(option_id, certain=certain)
        inner: list[tuple[list[str], str]] = []
        for phrase, ids in written.items():
            if len(ids) == 1 and phrase:
                option_id = next(iter(ids))
                exact[phrase] = record(option_id)
                if len(phrase) > 2:
                    inner.append((phrase.split(), option_id))
            elif phrase:
                exact.pop(phrase, None)  # the phrase names several options: never guess
        inner.sort(key=lambda item: -len(item[0]))
        return exact, inner

    def _builtin_words(self, option: Option) -> list[tuple[str, bool]]:
        if option.id == "yes":
            return [(p, True) for p in YES]
        if option.id == "no":
            hedged_certain = not self._warning
            return [(p, True) for p in NO_STRICT] + [(p, hedged_certain) for p in NO_HEDGED]
        if option.id in UNSURE_OPTION_IDS:
            return [(p, True) for p in UNSURE]
        return []

    def options_inside(self, tokens: list[str]) -> set[str]:
        plain, negated = self.matches_inside(tokens)
        return plain | negated

    def nearest(self, phrase: str) -> str | None:
        """The one option whose whole-answer words are a typo away from ``phrase``."""
        if len(phrase) < 3:
            return None
        limit = 2 if len(phrase) >= 8 else 1
        best: dict[str, int] = {}
        for known, reading in self.exact.items():
            if len(known) < 2 or reading.option_id is None or phrase.endswith(known):
                continue  # "asymmetrical" is no typo of "symmetrical"
            distance = OSA.distance(phrase, known, score_cutoff=limit)
            if distance <= limit:
                best[reading.option_id] = min(distance, best.get(reading.option_id, limit))
        if not best:
            return None
        closest = [o for o, d in best.items() if d == min(best.values())]
        return closest[0] if len(closest) == 1 else None

    def ends_with(self, tokens: list[str], option_id: str) -> bool:
        """Whether ``tokens`` end with one of the option's own phrases ("partner says no")."""
        return any(found == option_id and tokens[-len(p) :] == p for p, found in self._inner)

    def starts_with(self, tokens: list[str], option_id: str) -> bool:
        """Whether ``tokens`` start with one of the option's own phrases ("gradual about it")."""
        return any(found == option_id and tokens[: len(p)] == p for p, found in self._inner)

    def matches_inside(self, tokens: list[str]) -> tuple[frozenset[str], frozenset[str]]:
        """Options whose phrases stand in ``tokens``, split by whether a negation precedes
        them; a longer phrase hides the shorter ones it covers ("not sleeping well" hides
        "sleeping well")."""
        key = tuple(tokens)
        last = self._last  # one reading asks several times about the same words
        if last[0] == key:
            return last[1]
        found = self._search(tokens)
        self._last = (key, found)
        return found

    def _search(self, tokens: list[str]) -> tuple[frozenset[str], frozenset[str]]:
        present = set(tokens)
        spans: list[tuple[int, int, str, bool]] = []
        for phrase, option_id in self._inner:
            if phrase[0] not in present:
                continue
            size = len(phrase)
            for at in range(len(tokens) - size + 1):
                if tokens[at : at + size] == phrase:
                    own_negation = any(word in NEGATORS for word in phrase)
                    negated = not own_negation and negated_at(tokens, at) is not None
                    spans.append((at, at + size, option_id, negated))
        plain: set[str] = set()
        negated_ids: set[str] = set()
        for start, end, option_id, negated in spans:
            covered = any(
                s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in spans
            )
            if not covered:
                (negated_ids if negated else plain).add(option_id)
        return frozenset(plain), frozenset(negated_ids)


def _affirmed_words(phrase: str) -> list[str]:
    """The words of a phrase up to its first negation: "nothing wrong" explains "nothing",
    not "wrong" ("no, it goes down wrong")."""
    words = phrase.split()
    cut = next((i + 1 for i, w in enumerate(words) if w in NEGATORS), len(words))
    return words[:cut]


def find(words: list[str], phrase: list[str]) -> int | None:
    """Where ``phrase`` (words) stands in ``words``, if anywhere."""
    size = len(phrase)
    for i in range(len(words) - size + 1):
        if words[i : i + size] == phrase:
            return i
    return None


def contains(tokens: list[str], phrases: frozenset[str]) -> bool:
    """Whether any of the canonical ``phrases`` stands in ``tokens``."""
    padded = f" {' '.join(t for t in tokens if t)} "
    return any(f" {p} " in padded for p in phrases)


def blank(words: list[str], phrase: list[str]) -> None:
    """Blank out every occurrence of ``phrase`` in ``words`` (in place)."""
    at = find(words, phrase)
    while at is not None:
        words[at : at + len(phrase)] = [""] * len(phrase)
        at = find(words, phrase)


def without(tokens: list[str], phrases: list[list[str]]) -> list[str]:
    """``tokens`` with every occurrence of these phrases (word lists) blanked out."""
    words = list(tokens)
    present = set(tokens)
    for phrase in phrases:
        if phrase[0] in present:
            blank(words, phrase)
    return words
