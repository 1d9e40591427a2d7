"""What the Telegram channel itself says (the flow's texts live in flows/)."""

HELP = (
    "<b>How this works</b>\n"
    "I ask a few questions about your nose or lip twitching: warning signs first, then "
    "everyday triggers. Tap a button or type your answer (the number, the words, or yes / no / "
    "not sure).\n\n"
    "/start – start or continue the check\n"
    "/back – go back to the previous question\n"
    "/restart – start again from the beginning\n"
    "/summary – your answers so far, to show a doctor (also as a PDF)\n"
    "/checkins – see or cancel your follow-up check-ins\n"
    "/export – everything stored about you, as a file\n"
    "/forget – erase everything stored about you\n"
    "/help – this message\n\n"
    "<i>This is not medical advice or a diagnosis. In an emergency call your local emergency "
    "number.</i>"
)
COMMANDS = [
    ("start", "Start or continue the check"),
    ("back", "Go back one question"),
    ("restart", "Start again"),
    ("summary", "Show your answers"),
    ("export", "Get everything stored about you"),
    ("checkins", "See or cancel your check-ins"),
    ("forget", "Erase everything stored about you"),
    ("help", "How this works"),
]
USE_BUTTONS = "Please use the buttons, or type your answer as text."
INVALID_BUTTON = "That button is no longer valid. Please answer the latest question."
SOMETHING_WRONG = "Sorry, something went wrong on my side. Please try again."
PRIVATE_ONLY = "For your privacy I only do health checks in a private chat with me."
FORGET_CONFIRM = "This erases your answers and everything else stored about you. Are you sure?"
FORGOTTEN = "Done: everything stored about you has been erased. Send /start to begin again."
NOTHING_STORED = "There was nothing stored about you. Send /start to begin."
KEPT = "Okay, nothing was erased."
NOTHING_TO_EXPORT = "Nothing is stored about you, so there is nothing to export."
NO_SUMMARY_YET = "There is no check to summarise yet. Send /start to begin."
UNKNOWN_COMMAND = "I don't know that command.\n\n"
TRY_AGAIN_SHORTLY = (
    "Sorry, I can't reach my records right now. Please try again in a minute — "
    "I'll also answer this message as soon as I can."
)
SWITCH_FLOW = (
    "You are in the middle of “{current}”. Start “{other}” instead? Your answers to the "
    "check in progress would be dropped."
)
SWITCH_YES = "Start “{other}”"
SWITCH_NO = "Keep my check"
