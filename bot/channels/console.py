"""The conversation in a terminal: numbered options, typed answers, slash commands.

Works interactively and with answers piped on stdin (one per line).
"""

from __future__ import annotations

import sys
import textwrap
from typing import TextIO

from bot.channels.conversations import Conversations
from bot.channels.followups import fire
from bot.engine import Answer, Back, Event, Message, Prompt, Reply, Restart, ShowSummary, Start
from bot.reports.documents import EXPORT, Documents

HELP = """Commands:
  /back     go back to the previous question
  /restart  start the check again
  /summary  show your answers so far
  /checkins your scheduled check-ins (they are asked when the chat opens)
  /export   show everything stored about you (JSON)
  /forget   erase everything stored about you
  /quit     leave (your answers are kept; run the chat again to continue)
Answer a question with its number, its text, or yes / no / not sure."""

_COMMANDS: dict[str, type[Event]] = {
    "/start": Start,
    "/back": Back,
    "/restart": Restart,
    "/summary": ShowSummary,
}
_TONE_MARK = {"emergency": "🚨 ", "urgent": "⚠️ ", "routine": "🩺 ", "notice": ""}


def goodbye(conversations: Conversations, person: str) -> str:
    """The farewell; it says answers are saved only when something was saved."""
    if conversations.has_answers(person):
        return "Goodbye! Your answers are saved; start the chat again to continue."
    return "Goodbye! Nothing about you is stored."


class ConsoleChat:
    """A terminal chat for one local person."""

    def __init__(self, conversations: Conversations, stdin: TextIO, stdout: TextIO, person: str):
        self.conversations = conversations
        self.stdin = stdin
        self.stdout = stdout
        self.person = person
        self.interactive = stdin.isatty()

    def run(self) -> int:
        """Chat until /quit or end of input; return the exit code."""
        self._show(self._due_checkin() or self._step(Start()))
        while True:
            line = self._read()
            if line is None:
                self._say("\n" + goodbye(self.conversations, self.person))
                return 0
            text = line.strip()
            if not text:
                continue
            command = text.split()[0].lower()
            if command in ("/quit", "/exit"):
                self._say(goodbye(self.conversations, self.person))
                return 0
            if command == "/help":
                self._say(HELP)
            elif command == "/forget":
                self._forget()
            elif command == "/export":
                document = Documents(self.conversations.flows, self.conversations.store).render(
                    EXPORT, self.person, bot_name="the terminal chat"
                )
                self._say(document.content.decode() if document else "Nothing is stored about you.")
            elif command in _COMMANDS:
                self._show(self._step(_COMMANDS[command]()))
            elif command.startswith("/"):
                self._say(f"Unknown command {command}.\n{HELP}")
            else:
                self._show(self._step(Answer(text=text)))

    def _due_checkin(self) -> Reply | None:
        """A check-in that fell due while the chat was closed is asked when it opens."""
        now = self.conversations.clock()
        for scheduled in self.conversations.store.checkins.of_person(self.person):
            if scheduled.due_at <= now:
                reply = fire(self.conversations, scheduled.id, self.person, now, _nowhere).result
                if reply is not None and (reply.messages or reply.prompt):
                    return reply
        return None

    def _step(self, event: Event) -> Reply:
        return self.conversations.handle(self.person, event).result

    def _forget(self) -> None:
        self._say(
            "This erases all your answers. Type 'yes' to confirm, anything else to keep them."
        )
        line = self._read()
        if line is not None and line.strip().lower() in ("yes", "y"):
            erased = self.conversations.forget(self.person).result
            self._say(
                "Done: everything stored about you is erased." if erased else "Nothing was stored."
            )
            self._say("Type /start to begin a new check.")
        else:
            self._say("Kept. Nothing was erased.")

    def _read(self) -> str | None:
        if self.interactive:
            self.stdout.write("> ")
            self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            return None
        if not self.interactive:
            self.stdout.write(f"> {line.rstrip()}\n")
        return line

    def _say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _show(self, reply: Reply) -> None:
        if reply.notice:
            self._say(reply.notice)
        if reply.answered:
            self._say(f"✓ {reply.answered.choice}")
        for message in reply.messages:
            self._say(render_message(message))
        if reply.prompt:
            self._say(render_prompt(reply.prompt))
        elif reply.ended:
            self._say(
                "\nType /summary to see your answers, /restart to start again, or /quit to leave."
            )


def _nowhere(reply: Reply, tx: object) -> None:
    """The terminal shows a reply itself; nothing is queued."""


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(line, 78) if line else "" for line in text.splitlines())


def render_message(message: Message) -> str:
    """A message as terminal text."""
    if message.title is None:
        return "\n" + _wrap(message.text)
    title = _TONE_MARK.get(message.tone, "") + message.title
    return f"\n{title}\n{'=' * len(title)}\n{_wrap(message.text)}"


def render_prompt(prompt: Prompt) -> str:
    """A question with numbered options."""
    head = " · ".join(
        x for x in (prompt.section, f"question {prompt.number}" if prompt.number else None) if x
    )
    lines = [""] + ([f"[{head}]"] if head else []) + [_wrap(prompt.text)]
    if prompt.help:
        lines.append(_wrap(f"({prompt.help})"))
    lines += [f"  {i}) {choice.label}" for i, choice in enumerate(prompt.choices, 1)]
    return "\n".join(lines)


def run_console(conversations: Conversations, person: str = "console:local") -> int:
    """Run the terminal chat on this process's stdin/stdout (any terminal encoding)."""
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):  # a non-UTF-8 terminal gets '?' for emoji
            stream.reconfigure(errors="replace")
    return ConsoleChat(conversations, sys.stdin, sys.stdout, person).run()
