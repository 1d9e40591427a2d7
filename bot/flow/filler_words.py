"""The words that may stand around a milder answer without telling anything more, and
those that may: parts of the body, people, states, narrowing words, sightings. The
typed-answer reader reads a milder answer back only when these explain every other word.
"""

from __future__ import annotations

# fmt: off
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
# Words that tell someone did see the twitching asleep ("but my daughter saw it").
SIGHTING_WORDS = frozenset({
    "saw", "seen", "see", "sees", "noticed", "notices", "told", "tells", "said", "says",
    "mentioned", "watched", "spotted", "filmed", "video", "recorded", "caught",
})
# fmt: on
