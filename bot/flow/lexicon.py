"""The English the flow language understands without being told: yes, no, doubt, negation
and the words that describe a symptom. The engine reads typed answers with it; the safety
check uses it to keep admins' synonyms for milder answers free of symptom words.

Every phrase here is in canonical form (see ``canonical_tokens``): lower case, curly
apostrophes made straight, contractions spelled one way ("can't", "don't", "i'm").
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\d+[.,]\d+|[a-z0-9]+(?:'[a-z]+)?")

# Spellings of one word, and two-word forms, mapped to one canonical token.
_SPELLINGS = {
    "cant": "can't", "cannot": "can't", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't",
    "hasnt": "hasn't", "wont": "won't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "arent": "aren't", "werent": "weren't", "aint": "ain't",
    "im": "i'm", "ive": "i've", "its": "it's", "thats": "that's", "theres": "there's",
    "dunno": "don't know", "idk": "i don't know", "ya": "yeah", "yah": "yeah",
    "ok": "okay", "k": "okay", "u": "you", "r": "are", "cuz": "because", "coz": "because",
    "havnt": "haven't", "dosent": "doesn't", "dosnt": "doesn't", "nothings": "nothing's",
    "nobodys": "nobody's", "noone": "nobody", "kinda": "kind of", "sorta": "sort of",
    "hrs": "hours", "hr": "hour", "mins": "minutes", "wks": "weeks", "yrs": "years",
    "bout": "about", "abt": "about", "wen": "when", "evry": "every", "nite": "night",
    "lets": "let's", "def": "definitely", "defo": "definitely", "atm": "at the moment",
    "rn": "right now", "cpl": "couple", "coupla": "couple of", "tbh": "honestly",
    "gf": "girlfriend", "bf": "boyfriend", "hubby": "husband", "em": "them",
    "b4": "before", "reoccurring": "recurring", "reoccurs": "recurs",
}  # fmt: skip
_PAIRS = {
    ("can", "not"): "can't", ("do", "not"): "don't", ("does", "not"): "doesn't",
    ("did", "not"): "didn't", ("is", "not"): "isn't", ("was", "not"): "wasn't",
    ("have", "not"): "haven't", ("has", "not"): "hasn't", ("will", "not"): "won't",
    ("would", "not"): "wouldn't", ("could", "not"): "couldn't", ("are", "not"): "aren't",
    ("were", "not"): "weren't", ("i", "am"): "i'm", ("i", "have"): "i've",
    ("it", "is"): "it's", ("that", "is"): "that's", ("no", "one"): "nobody",
    ("no", "one's"): "nobody's", ("any", "more"): "anymore",
}  # fmt: skip


_NOT_NO = r"\b(?:wouldn'?t|would not|not|can'?t|cannot|couldn'?t) (?:say |exactly |a )?no\b"
_IDIOMS = (
    (re.compile(r"\b(?:bit by bit|little by little|step by step)\b"), "gradually"),
    # "nothing but stress", "never been so stressed": emphasis, not a denial
    (re.compile(r"\bnothing but\b"), "only"),
    (re.compile(r"\bnever (?:been|felt|slept) (?:more|so|this)\b"), "very"),
    (re.compile(r"\bcould(?:n'?t| not) (?:be|feel|get) (?:more|any more)\b"), "very"),
    # "definitely not, I'm sure": a no, however emphatic
    (
        re.compile(
            r"^\W*(?:definitely|defo?|absolutely|certainly|surely|of course) not\s*(?=[,.;!]|$)"
        ),
        "no",
    ),
    # "anything but gradual", "far from gradual": not gradual
    (re.compile(r"\b(?:anything but|far from)\b"), "not"),
    # "no longer", "none left", "at this point": only now (the emergency screen asks more)
    (re.compile(r"\b(?:no longer|any longer|no more(?! than)|none left)\b"), "anymore"),
    (re.compile(r"\bat this (?:point|time|minute|moment|stage)\b"), "now"),
    # "I wouldn't say no", "not exactly no": a double negation, not a no
    (re.compile(_NOT_NO), "not not"),
    (re.compile(r"\b(this|the|a|latest|last|another|new|current) bout\b"), r"\1 episode"),
    (re.compile(r"\bthe mo\b"), "the moment"),
    # "nooo", "nopeee", "yesss": read like the typo "noo" (read back, never recorded)
    (re.compile(r"\bnooo+\b"), "noo"),
    (re.compile(r"\bnopee+\b"), "nopee"),
    (re.compile(r"\byesss+\b"), "yess"),
    (re.compile(r"(\d)\s*/\s*(?:day|d)\b"), r"\1 a day"),  # "3/day"
    (re.compile(r"(\d)ish\b"), r"\1 ish"),  # "10ish"
    (re.compile(r"\s&\s"), " and "),
    (re.compile(r"\b(?:the )?same as (?:always|usual|ever|before)\b"), "as normal"),
    (re.compile("[🤔🫤😕]"), " not sure "),  # a puzzled face is doubt
    (re.compile(r"\bat the same time\b"), "together"),
    # "back to normal": an episode that passed
    (re.compile(r"\b(?:back to normal|normal again|cleared up|settled down)\b"), "recovered"),
)
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘`´ʼ′‛＇", "'"))
_NUMBER_RANGE = re.compile(r"(\d)\s*[-–]\s*(\d)")
_NUMBER_PLUS = re.compile(r"(\d+)\s*\+")
_WORD_PLUS = re.compile(r"(?<=[a-z])\s*\+")  # "10 days+"


def canonical_tokens(text: str) -> list[str]:
    """Words of ``text`` in canonical form: "I can not" -> ["i", "can't"]."""
    text = text.casefold().translate(_APOSTROPHES)
    text = _NUMBER_PLUS.sub(r"at least \1", _NUMBER_RANGE.sub(r"\1 to \2", text))
    text = _WORD_PLUS.sub(" plus", text)
    for pattern, replacement in _IDIOMS:
        text = pattern.sub(replacement, text)
    words: list[str] = []
    for raw in _WORD.findall(text):
        for word in _SPELLINGS.get(raw, raw).split():
            if words and (words[-1], word) in _PAIRS:
                words[-1] = _PAIRS[(words[-1], word)]
            else:
                words.append(word)
    return words


def canonical(text: str) -> str:
    """``text`` as one canonical phrase."""
    return " ".join(canonical_tokens(text))


def _phrases(*items: str) -> frozenset[str]:
    return frozenset(canonical(item) for item in items)


# fmt: off
YES = _phrases(
    "yes", "y", "yeah", "yea", "yep", "yup", "yes yes", "aye", "sure", "definitely",
    "absolutely", "certainly", "of course", "indeed", "affirmative", "uh huh", "mhm",
    "i do", "i have", "i am", "it does", "it is", "i did", "it has", "i was", "it did",
    "yes i do", "yes it does", "yes i have", "yes i am", "yes it is", "yes i did",
    "yes it has", "yes please", "yes definitely", "i think so", "i believe so", "probably",
    "sometimes", "a little", "a bit", "slightly", "kind of", "sort of", "often", "a lot",
    "all the time", "constantly", "very much", "quite a bit", "yes sometimes", "it has done",
    "i reckon so", "reckon so", "yeah kind of", "i'd say so", "think so", "yes i think so",
)
# A yes inside a sentence without negation ("I know I do").
YES_INSIDE = _phrases(
    "i do", "it does", "i have", "it has", "i did", "it did", "yes",
    "i think so", "sometimes", "a little", "a bit", "often", "all the time",
)
# A "no" that cannot mean anything else: enough to record the milder answer on a
# question that asks about a warning sign.
NO_STRICT = _phrases(
    "no", "n", "nope", "nah", "never", "not at all", "none", "nothing", "no never",
    "never ever", "no not at all", "nope never", "no none", "no nothing", "definitely not",
    "certainly not", "absolutely not", "of course not", "no i'm sure", "no i am sure",
    "no definitely not", "no absolutely not", "none of these", "none of them",
    "none of those", "neither", "nothing like that", "no nothing like that", "negative",
    "i don't", "i haven't", "i'm not", "i didn't", "i wasn't", "no i don't", "no i haven't",
    "no it doesn't", "no it hasn't", "no it isn't", "no it's not", "no i didn't",
    "no it didn't", "no i'm not", "no i wasn't", "no it wasn't", "nope i don't",
    "nope it doesn't", "no thanks", "no thank you", "no never had that",
)
# A "no" with a hedge or a vague wording: recorded on other questions, but only read back
# for confirmation on a warning-sign question.
NO_HEDGED = _phrases(
    "not really", "not that i know of", "not that i know", "not as far as i know",
    "as far as i know", "as far as i know no", "not that i'm aware of", "not that i'm aware",
    "not that i've noticed", "not that i noticed", "i haven't noticed", "haven't noticed",
    "not noticed", "i don't think so", "don't think so", "i don't believe so",
    "probably not", "i doubt it", "doubt it", "not particularly", "not especially",
    "i don't know of any", "not to my knowledge", "not as far as i can tell",
    "not that i can tell", "i wouldn't say so", "i'm fine", "it's fine", "fine",
    "all fine", "all good", "it's all good", "nothing wrong", "all normal", "normal",
    "no problem", "no problems", "no issues", "nothing like that i think",
    "i don't think i do", "i don't think i have", "i don't think it does",
    "i don't think it is", "not so far", "not yet", "it doesn't", "it hasn't", "it isn't",
    "it's not", "it didn't", "it wasn't", "no issue", "feel everything", "works fine",
    "feels normal", "feel normal", "as normal", "as usual", "same as always",
    "same as usual", "no different", "all okay", "i'm grand", "grand", "all grand",
    "yeah nah", "yeah nah nah", "wala", "wala po", "hindi", "hindi po", "e no dey", "no dey",
)
# The hedged noes that carry a negation (the rest are "fine", "normal", "all good").
NO_NEGATED = frozenset(p for p in NO_HEDGED if set(p.split()) & {"not", "don't", "doubt",
                       "haven't", "wouldn't", "doesn't", "hasn't", "isn't", "didn't", "wasn't"})
UNSURE = _phrases(
    "not sure", "unsure", "don't know", "i don't know", "no idea", "maybe", "perhaps",
    "possibly", "not certain", "uncertain", "i'm not sure", "i'm unsure", "can't tell",
    "i can't tell", "hard to say", "hard to tell", "no clue", "not really sure",
    "not too sure", "not quite sure", "not 100 sure", "can't say", "i can't say",
    "could be", "might be", "maybe not", "maybe yes", "who knows", "unclear",
    "don't remember", "i don't remember", "can't remember", "i can't remember",
    "not sure really", "i'm not certain", "i guess", "i suppose", "possibly not",
    "not at all sure", "not sure at all", "haven't tried", "not tried", "never tried",
    "haven't checked", "not checked", "never checked",
)
# Phrases of doubt looked for inside longer answers ("yes, but I'm not sure").
DOUBT_INSIDE = _phrases(
    "not sure", "unsure", "don't know", "no idea", "maybe", "perhaps", "possibly",
    "not 100", "not positive", "never looked", "haven't looked", "not looked",
    "didn't look", "haven't really looked", "can't be sure", "can't recall", "could have",
    "may have", "might have",
    "not certain", "uncertain", "can't tell", "hard to say", "hard to tell", "no clue",
    "can't say", "could be", "might be", "who knows", "don't remember", "can't remember",
    "not 100 sure", "not at all sure", "not sure at all", "haven't tried", "not tried",
    "never tried", "haven't checked", "not checked", "never checked",
)
# A hedged "no" inside a longer answer hides the doubt words it contains
# ("not that I know of" is a hedged no, not "I don't know").
HEDGE_INSIDE = _phrases(
    "not that i know of", "not that i know", "as far as i know", "not that i'm aware",
    "i don't know of any", "not to my knowledge", "as far as i can tell",
    "can't say i'm not", "can't say i don't", "can't say i haven't", "can't say it isn't",
)

LEAD_YES = frozenset({"yes", "yeah", "yea", "yep", "yup", "aye", "definitely", "absolutely"})
LEAD_NO = frozenset({"no", "nope", "nah", "never", "none", "nothing", "neither"})
# The answer words "no": at the start they answer, and negate only the word right after.
ANSWER_NO = frozenset({"no", "nope", "nah", "n"})
# Words that may follow a leading "no" without changing it: "no, I'm sure", "nope, never",
# "no it doesn't". Anything else is read back.
SAFE_AFTER_NO = frozenset({
    "no", "nope", "never", "none", "nothing", "i", "i'm", "it", "sure", "definitely",
    "absolutely", "thanks", "thank", "you", "don't", "doesn't", "didn't", "haven't",
    "hasn't", "isn't", "wasn't", "ever", "positive", "100", "like", "that", "of", "these",
    "them", "those",
})

NEGATORS = frozenset({
    "not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without",
    "hardly", "barely", "scarcely", "don't", "doesn't", "didn't", "isn't", "wasn't",
    "haven't", "hasn't", "won't", "wouldn't", "couldn't", "can't", "aren't", "weren't",
    "shouldn't", "ain't", "unable", "lack", "lacking", "nothing's", "nobody's",
})
# Words that say a sign is there however the sentence is built: inability, or an episode
# that came and went (the emergency screen asks about those too).
INABILITY = frozenset({
    "can't", "couldn't", "unable", "won't", "struggle", "struggling", "struggles",
    "struggled", "incapable",
})
PAST_EPISODE = frozenset({
    "anymore", "went", "gone", "passed", "earlier", "yesterday", "briefly", "stopped",
    "came", "once", "twice", "used", "wore", "minutes", "lasted", "ago", "morning", "last",
    "episode", "episodes", "turn", "recovered", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday",
})
# Words naming a sign or a change: present unless negated ("no weakness" is a denial).
SIGN_WORDS = frozenset({
    "trouble", "difficult", "difficulty", "hard", "harder", "problem", "problems",
    "lost", "lose", "losing", "loss", "numb", "numbness", "weak", "weaker", "weakness",
    "droop", "drooping", "droops", "droopy", "drooped", "sag", "sagging", "sags", "saggy",
    "tingle", "tingling", "tingly", "tingles", "dead", "slur", "slurred", "slurring",
    "paralysed", "paralyzed", "paralysis", "stiff", "heavy", "clumsy", "choke", "choking",
    "chokes", "reduced", "worse", "crooked", "lopsided", "blurry", "blurred", "double",
    "dizzy", "fell", "falling", "dropping", "dropped", "drop", "drops", "slack", "weird",
    "strange", "odd", "funny",
    "spreads", "spreading", "spread", "less", "uneven", "different", "changed", "change",
    "wobbly", "bad", "sometimes", "occasionally", "slightly", "bit", "little", "half",
    "partly", "partially", "mostly", "mumble", "mumbling", "sudden", "suddenly", "abrupt",
    "abruptly", "prickly", "prickling", "fuzzy", "buzzing", "buzzy", "burning",
})
# Words naming a function: a sign when negated ("not much feeling", "doesn't close").
FUNCTION_WORDS = frozenset({
    "feel", "feeling", "feelings", "sensation", "move", "moving", "movement", "close",
    "closing", "closes", "shut", "shuts", "swallow", "swallowing", "speak", "speaking",
    "talk", "talking", "walk", "walking", "grip", "smile", "smiling", "able", "see",
    "seeing", "working", "blink", "blinking", "raise", "lift", "understand", "understands",
    "stop", "stops", "stopping", "stay", "stays", "works", "strength", "power", "control",
    "coordination", "energy", "oomph", "puff", "eat", "eating", "drink", "drinking",
})
# A negation that only limits: "not fully", "not as strong", "not just the twitch".
DEGREE_WORDS = frozenset({
    "fully", "completely", "always", "quite", "properly", "entirely", "totally", "as",
    "same", "just", "only", "easily", "normally", "right", "even", "strong", "clear",
    "usual", "normal", "well", "much", "all", "anymore", "fine", "okay", "good", "like",
    "great", "lot", "best", "exactly",
})
# Verbs whose negation denies the sign ("I don't have it"), rather than describing it
# ("my eyebrow doesn't go up").
DENIAL_WORDS = frozenset({
    "have", "got", "get", "notice", "noticed", "think", "believe", "suffer", "experience",
    "any", "anything", "like", "so", "that", "really", "at", "had", "seen", "see", "been",
    "aware", "remember", "has", "is", "was", "does", "did", "it", "there", "one", "i",
    "ever", "told", "said", "the", "a", "my", "me", "happen", "happened", "mentioned", "of",
    "whatsoever",
})
# Negations that may only limit ("not fully", "nothing goes down easily"); "no" and
# "none" deny ("none of them, just the twitch").
LIMITING_NEGATORS = NEGATORS - {"no", "none"}
# Words that narrow a "no" to the present: "not right now" may hide an earlier episode.
NOW_WORDS = frozenset({
    "now", "currently", "moment", "today", "tonight", "presently", "present", "anymore",
    "since", "lately", "recently",
})
# Spans of time that narrow a "no" when negated right before them ("not this week", "not
# for a while"), but not in "no, it came on over weeks".
RECENT_SPANS = frozenset({"week", "weeks", "day", "days", "past", "while", "weekend"})
# Words that end a negation's reach: "no, but it tingles".
CLAUSE_BREAKS = frozenset({"but", "though", "although", "except", "however", "yet"})
# The person asks what the question means rather than answering it.
CLARIFY = _phrases(
    "what do you mean", "what does that mean", "don't understand", "i don't get it",
    "what", "huh", "pardon", "explain", "meaning", "what is that", "what's that",
    "what do you mean by that", "i don't know what you mean", "sorry what",
    "what is this",
)
CLARIFY_INSIDE = _phrases(
    "what do you mean", "what does that mean", "don't understand", "i don't get it",
    "don't know what you mean", "what is meant",
)
# "maybe 5 hours": an estimate next to an amount, not doubt.
ESTIMATES = frozenset({"maybe", "perhaps", "possibly"})
# Words that keep a hedged "no" from being read back ("not really, it was only for a day").
LIMITING = frozenset({"only", "just", "was", "were", "once", "sometimes", "mostly", "but"})
# An amount of time told about an episode that ended ("it went away after a day").
EPISODE_ENDED = frozenset({"went", "gone", "stopped", "passed", "came", "used"})
# A yes after a leading "no" ("no it does"): the words disagree.
AFFIRMING = _phrases("it does", "i do", "i have", "it has", "i did")
# Words that say the twitching has been there before the spell now counted: the duration
# question counts from the very first time ("it's back since Monday", "3 days this time").
RECURRENCE_WORDS = frozenset({
    "again", "returned", "returns", "returning", "recurring", "recurred", "recurs",
    "recurrence", "flared", "flare", "flares", "flaring", "before", "latest", "bout",
    "bouts", "relapse", "previous", "previously", "episode", "episodes", "attack",
    "attacks", "usual", "recovered", "similar", "2nd", "second", "3rd", "third", "repeat",
    "regular", "regularly", "chronic", "ongoing", "often", "always", "pattern", "typical",
    "common", "familiar", "prone", "reappeared", "resurfaced", "annually", "yearly", "kid",
    "child", "teenager", "teen", "uni", "school", "past", "round", "spell", "flareup",
    "sometimes", "loads", "lasts", "recurrent", "also", "too", "whenever",
    "keeps", "frequently", "occasionally", "intermittent", "intermittently", "periodically",
    "seasonal", "suffer", "problem",
})
RECURRENCE_PHRASES = _phrases(
    "came back", "come back", "comes back", "coming back", "it's back", "is back",
    "been back", "back since", "back for", "this time", "on and off", "off and on",
    "comes and goes", "came and went", "come and go", "now and then", "time to time",
    "last time", "every so often", "once in a while", "had it for years", "same thing",
    "not the first", "isn't the first", "wasn't the first", "not my first", "got worse",
    "went worse", "became worse", "worse since", "worse for", "worse again", "not new",
    "used to", "at a time", "each time", "every time", "every year", "every winter",
    "every summer", "every spring", "every autumn", "each winter", "each year", "once more",
    "this one", "this lot", "this go", "current one", "a lot", "same old", "as ever",
    "one more time", "also in", "in the past", "as per", "as normal", "then starts", "starts again",
    "stops and starts", "starts and stops", "then stops", "thing i get", "old friend",
    "not for the first", "nothing new", "on off", "once a year", "a few times",
    "first time was", "went away for", "several times", "many times", "few times",
    "times a year", "times a month", "couple times", "couple of times", "not the 1st",
)
# Words that may stand around a milder answer without telling anything more ("no, I'm
# fine thanks", "nope, just the twitch in my nose"). Any other word may describe the sign,
# so a milder answer among them is asked again rather than read back.
BENIGN_WORDS = frozenset({
    # answering, politeness and filler
    "no", "nope", "nah", "n", "never", "ever", "none", "nothing", "neither", "nor", "not",
    "yes", "sure", "definitely", "absolutely", "certainly", "really", "honestly", "thanks",
    "thank", "you", "please", "sorry", "well", "um", "uh", "hmm", "er", "erm", "lol",
    "haha", "okay", "alright", "fine", "good", "great", "grand", "normal", "normally", "usual",
    "same", "ok", "positive", "100", "percent", "at", "all", "whatsoever",
    "anything", "everything", "any", "issue", "issues", "problem", "problems",
    "like", "that", "this", "these", "those", "of", "them", "so", "far", "yet", "think",
    "believe", "know", "aware", "can", "tell", "say",
    "would", "could", "should", "as", "just", "only", "also", "too", "either", "both",
    "quite", "pretty", "totally", "completely", "perfectly", "fully", "properly",
    # pronouns, articles, auxiliaries, prepositions
    "i", "i'm", "i've", "me", "my", "myself", "it", "it's", "its", "a", "an", "the",
    "there", "there's", "that's", "is", "are", "was", "were", "be", "been", "am", "have",
    "has", "had", "having", "do", "does", "did", "don't", "doesn't", "didn't", "haven't",
    "hasn't", "isn't", "wasn't", "aren't", "weren't", "won't", "wouldn't", "got", "get",
    "in", "on", "to", "for", "with", "from", "about", "and", "or", "then", "than", "very",
    "by", "over", "into", "why", "what", "how", "they", "their", "we",
    "which", "because", "even",
    # looking, checking, everyday words
    "look", "looks", "looked", "looking", "check", "checked", "mirror", "touched", "tried",
    "strong", "came", "come", "comes", "coming", "worried", "worry", "annoying", "irritating",
    "dear", "sir", "madam", "god",
    "sort", "mate", "bro", "dude", "luckily", "thankfully", "fortunately", "touch", "wood",
    "knock", "healthy", "anywhere", "nowhere", "else", "happened", "happen", "weights",
    "apart", "except", "besides", "but", "though", "although", "touching", "ages",
    "clear", "clearly", "thing", "fam", "symptoms", "where", "squeeze", "goodness",
    "heavens",
    # the twitch itself
    "twitch", "twitches", "twitching", "twitchy", "twitched", "spasm", "spasms",
    "flicker", "flickering", "flickers", "jump", "jumping", "nose", "nostril", "nostrils",
})
# Parts of the body: filler only where the clause denies something or calls them fine
# ("no, my legs are fine", "no weakness in my arms"); alone they may name where a sign is
# ("not my face, my arm", "no, my side").
BODY_PARTS = frozenset({
    "face", "arm", "arms", "hand", "hands", "leg", "legs", "foot", "feet", "eye", "eyes",
    "eyelid", "eyelids", "lip", "lips", "mouth", "side", "sides", "speech", "eyebrow",
    "eyebrows", "muscle", "muscles",
})
# People who may have seen the twitching: filler only next to the answer's own words ("my
# wife says it stops when I sleep"), not after a bare no ("no, my wife did").
PEOPLE = frozenset({
    "wife", "husband", "partner", "girlfriend", "boyfriend", "mum", "mom", "dad", "son",
    "daughter", "kids", "family", "sister", "brother", "friend", "roommate", "flatmate",
    "he", "she", "his", "her", "says", "said", "told", "tells",
})
# What makes a body part filler in its clause (besides a negation).
STATE_WORDS = frozenset({
    "fine", "normal", "normally", "okay", "good", "well", "strong", "properly", "perfectly",
    "great", "grand", "ok", "alright", "fully", "completely", "tight", "works", "working", "work",
    "clear", "clearly", "even", "match", "symmetrical", "same",
})
# Words that narrow an answer to most of the time ("goes down fine, usually", "not slurred
# exactly"): never filler around a milder answer.
NARROWING = frozenset({
    "usually", "mostly", "exactly", "generally", "sometimes", "often", "every",
})
# A duration that may reach further back than the number said ("10 days, maybe longer").
OPEN_ENDED = frozenset({"longer", "earlier"})
# Words a duration answer may hold besides its amounts, units and dates ("I first noticed
# it about 5 days ago"); any other word may tell of an earlier start, so it is asked again.
TIME_WORDS = frozenset({
    "started", "start", "starts", "began", "begun", "begin", "noticed", "notice", "first",
    "since", "ago", "when", "until", "till", "back", "last", "past", "about", "around",
    "nearly", "almost", "roughly", "approximately", "approx", "maybe", "probably",
    "perhaps", "think", "guess", "reckon", "or", "so", "ish", "least", "exactly",
    "precisely", "already", "today", "yesterday", "tonight", "morning", "evening",
    "afternoon", "night", "nights", "weekend", "fortnight", "couple", "few", "several",
    "half", "plus", "under", "over", "less", "more", "than", "within", "give", "take",
    "odd", "whole", "good", "full", "from", "now", "right", "new", "recently", "lately",
    "time", "left", "side", "upper", "lip", "lips", "face", "only", "just", "went", "hours",
    "like", "days", "weeks", "week", "day", "months", "month", "years", "year", "before",
    "ever", "never", "getting", "worse", "times", "long",
})
# Words that tell someone did see the twitching asleep ("but my daughter saw it").
SIGHTING_WORDS = frozenset({
    "saw", "seen", "see", "sees", "noticed", "notices", "told", "tells", "said", "says",
    "mentioned", "watched", "spotted", "filmed", "video", "recorded", "caught",
})
# Short answers that accept a read-back ("I understood: No. Is that right?").
CONFIRM_CLEAR = _phrases(
    "that's right", "that is right", "correct", "that's correct", "exactly", "right",
    "yes that's right", "yes correct", "yes that's correct", "confirm", "confirmed",
    "yes right", "spot on",
)
CONFIRM_SHORT = _phrases("yes", "y", "yeah", "yep", "yup", "okay", "sure", "yes please")
REJECT = _phrases(
    "no", "n", "nope", "nah", "wrong", "not right", "that's wrong", "that's not right",
    "incorrect", "no that's wrong", "no that's not right", "not quite", "no wrong",
)
# fmt: on
