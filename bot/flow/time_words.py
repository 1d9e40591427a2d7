"""The words of time the typed-answer reader knows: what narrows a "no" to the present,
what says the twitching was there before, what leaves a duration open, and what a
duration answer may hold besides its amounts. In canonical form (``bot.flow.canonical``).
"""

from __future__ import annotations

from bot.flow.canonical import phrases

# fmt: off
# Words that narrow a "no" to the present: "not right now" may hide an earlier episode.
NOW_WORDS = frozenset({
    "now", "currently", "moment", "today", "tonight", "presently", "present", "anymore",
    "since", "lately", "recently",
})
# Spans of time that narrow a "no" when negated right before them ("not this week", "not
# for a while"), but not in "no, it came on over weeks".
RECENT_SPANS = frozenset({"week", "weeks", "day", "days", "past", "while", "weekend"})
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
RECURRENCE_PHRASES = phrases(
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
# fmt: on
