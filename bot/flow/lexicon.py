"""The English the flow language understands without being told: yes, no, doubt, negation
and the words that describe a symptom. The engine reads typed answers with it; the safety
check uses it to keep admins' synonyms for milder answers free of symptom words.

Every phrase here is in canonical form (see ``bot.flow.canonical``). The words around a
milder answer are in ``bot.flow.filler_words``, the words of time in ``bot.flow.time_words``.
"""

from __future__ import annotations

from bot.flow.canonical import phrases

# fmt: off
YES = phrases(
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
YES_INSIDE = phrases(
    "i do", "it does", "i have", "it has", "i did", "it did", "yes",
    "i think so", "sometimes", "a little", "a bit", "often", "all the time",
)
# A "no" that cannot mean anything else: enough to record the milder answer on a
# question that asks about a warning sign.
NO_STRICT = phrases(
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
NO_HEDGED = phrases(
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
UNSURE = phrases(
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
DOUBT_INSIDE = phrases(
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
HEDGE_INSIDE = phrases(
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
# Words that end a negation's reach: "no, but it tingles".
CLAUSE_BREAKS = frozenset({"but", "though", "although", "except", "however", "yet"})
# The person asks what the question means rather than answering it.
CLARIFY = phrases(
    "what do you mean", "what does that mean", "don't understand", "i don't get it",
    "what", "huh", "pardon", "explain", "meaning", "what is that", "what's that",
    "what do you mean by that", "i don't know what you mean", "sorry what",
    "what is this",
)
CLARIFY_INSIDE = phrases(
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
AFFIRMING = phrases("it does", "i do", "i have", "it has", "i did")
# Short answers that accept a read-back ("I understood: No. Is that right?").
CONFIRM_CLEAR = phrases(
    "that's right", "that is right", "correct", "that's correct", "exactly", "right",
    "yes that's right", "yes correct", "yes that's correct", "confirm", "confirmed",
    "yes right", "spot on",
)
CONFIRM_SHORT = phrases("yes", "y", "yeah", "yep", "yup", "okay", "sure", "yes please")
REJECT = phrases(
    "no", "n", "nope", "nah", "wrong", "not right", "that's wrong", "that's not right",
    "incorrect", "no that's wrong", "no that's not right", "not quite", "no wrong",
)
# fmt: on
