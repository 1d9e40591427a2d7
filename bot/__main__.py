"""Command line: ``python -m bot run | chat | validate | test-flows | graph | diff |
releases | approve | stats``."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.channels.conversations import Conversations

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Nostril twitch check bot.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument(
        "--webhook", action="store_true", help="receive updates by webhook (WEBHOOK_* settings)"
    )
    commands.add_parser("start", help="Telegram when TELEGRAM_BOT_TOKEN is set, else chat")
    chat = commands.add_parser("chat", help="the same conversation in this terminal")
    chat.add_argument("--person", default="local", help="whose session to use (default: local)")
    validate = commands.add_parser("validate", help="check flow files and prove they are safe")
    validate.add_argument(
        "paths", nargs="*", type=Path, help="flow files (default: all in FLOWS_DIR)"
    )
    graph = commands.add_parser("graph", help="draw a flow (Mermaid on stdout, or SVG/PNG)")
    graph.add_argument("flow", nargs="?", help="flow id or file (default: DEFAULT_FLOW)")
    graph.add_argument("--format", choices=("mermaid", "svg", "png"), default="mermaid")
    graph.add_argument("--output", type=Path, help="write here instead of stdout")
    diff = commands.add_parser("diff", help="how a change to a flow changes the advice given")
    diff.add_argument("old", help="the old flow file, or REV:path (e.g. HEAD~1:flows/x.yaml)")
    diff.add_argument("new", help="the new flow file, or REV:path")
    diff.add_argument(
        "--accept-less-urgent",
        action="store_true",
        help="exit 0 even when some answers now get less urgent advice (after review)",
    )
    database = commands.add_parser("db", help="the database schema (Alembic migrations)")
    database.add_argument("action", choices=("upgrade", "current"), help="upgrade: to the newest")
    test_flows = commands.add_parser(
        "test-flows", help="run the patient stories in FLOWS_DIR/tests and show coverage"
    )
    test_flows.add_argument(
        "paths", nargs="*", type=Path, help="scenario files (default: all in FLOWS_DIR/tests)"
    )
    releases = commands.add_parser("releases", help="list the published flow versions")
    releases.add_argument("flow", nargs="?", help="only this flow id")
    approve = commands.add_parser("approve", help="sign off a flow version (REQUIRE_APPROVAL)")
    approve.add_argument("flow", help="flow id or file")
    approve.add_argument("--by", required=True, help="who approves (name or initials)")
    approve.add_argument(
        "--accept-less-urgent", action="store_true", help="approve even less urgent advice"
    )
    stats = commands.add_parser("stats", help="anonymous statistics of the checks")
    stats.add_argument("--since", type=_date, help="only from this date on (YYYY-MM-DD)")
    stats.add_argument("--version", help="what this flow version advised, per set of answers")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    token = settings.telegram_bot_token
    configure_logging(
        settings.log_level, token.get_secret_value() if token else None, settings.log_format
    )
    if args.command == "validate":
        return _validate(settings, args.paths)
    if args.command == "diff":
        return _diff(args.old, args.new, args.accept_less_urgent)
    if args.command == "graph":
        return _graph(settings, args.flow, args.format, args.output)
    if args.command == "test-flows":
        from bot.scenarios.report import test_flows

        return test_flows(settings.flows_dir, args.paths)
    if args.command in ("releases", "approve", "stats"):
        return _publishing(settings, args)
    if args.command == "chat":
        return _chat(settings, args.person)
    if args.command == "db":
        from bot.store.migrate_cli import database_command

        return database_command(settings.database_url, args.action)
    if args.command == "start" and settings.telegram_bot_token is None:
        print(
            "No TELEGRAM_BOT_TOKEN set: chatting here in the terminal. To connect Telegram, "
            "put a BotFather token into .env (see README)."
        )
        return _chat(settings, "local")
    return _run(settings, webhook=getattr(args, "webhook", False))


def configure_logging(level: str, secret: str | None = None, log_format: str = "text") -> None:
    """Log to stderr as text or JSON, without personal data or the token at any level
    (bot.privacy); person keys become keyed hashes that all processes of one bot share."""
    from bot.logs import formatter
    from bot.privacy.redaction import RedactingFormatter, key_people_by, quiet_libraries

    logging.basicConfig(level=level)
    if secret:
        key_people_by(secret)
    redacting = RedactingFormatter(formatter(log_format), (secret,) if secret else ())
    for handler in logging.getLogger().handlers:
        handler.setFormatter(redacting)
    quiet_libraries(logging.getLevelName(level))
    # After its retries the rate limiter logs a 429 as an error; the outbox then waits and
    # sends the message again (and logs that), so it is not one.
    logging.getLogger("telegram.ext.AIORateLimiter").addFilter(
        lambda record: not str(record.msg).startswith("Rate limit hit after maximum")
    )


def _validate(settings: Settings, paths: list[Path]) -> int:
    from bot.flow import check_flow_file, flow_files

    if not paths:
        if not settings.flows_dir.is_dir():
            print(f"error: FLOWS_DIR {settings.flows_dir} is not a directory", file=sys.stderr)
            return 2
        paths = flow_files(settings.flows_dir)
    failed = 0
    for path in paths:
        flow, errors = check_flow_file(path)
        for error in errors:
            print(error)
        if flow is None:
            failed += 1
            continue
        counts = f"{len(flow.questions)} questions, {len(flow.outcomes)} outcomes"
        print(f"{path}: ok: flow '{flow.id}' version {flow.version}: {counts}, safety check passed")
    if not paths:
        print(f"error: no flow files in {settings.flows_dir}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _diff(old: str, new: str, accept_less_urgent: bool) -> int:
    from bot.flow import FlowLoadError
    from bot.publish.diff_report import report

    try:
        return report(old, new, accept_less_urgent)
    except FlowLoadError as exc:
        print(f"error: a version has problems:\n{exc}", file=sys.stderr)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
    return 2


def _graph(settings: Settings, name: str | None, fmt: str, output: Path | None) -> int:
    from bot.flow import FlowLoadError, load_flow
    from bot.flow.graph import GraphUnavailable, render, to_mermaid

    path = Path(name) if name and name.endswith((".yaml", ".yml")) else None
    path = path or settings.flows_dir / f"{name or settings.default_flow}.yaml"
    try:
        flow = load_flow(path)
        drawing = to_mermaid(flow).encode() if fmt == "mermaid" else render(flow, fmt)
    except FlowLoadError as exc:
        print(f"error: {path} has problems:\n{exc}", file=sys.stderr)
        return 1
    except (GraphUnavailable, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if output is not None:
        output.write_bytes(drawing)
    else:
        sys.stdout.buffer.write(drawing)
    return 0


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01, not {text!r}") from None


def _publishing(settings: Settings, args: argparse.Namespace) -> int:
    from bot.publish import cli
    from bot.store import DatabaseUnavailable

    try:
        if args.command == "releases":
            return cli.releases(settings, args.flow)
        if args.command == "stats":
            return cli.stats(settings, args.since, args.version)
        return cli.approve(settings, args.flow, args.by, args.accept_less_urgent)
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _open(settings: Settings) -> Conversations | int:
    """The conversations service, or the exit code after a one-line error."""
    from bot.channels.conversations import build_conversations
    from bot.flow import FlowLoadError
    from bot.store import DatabaseUnavailable

    try:
        return build_conversations(settings)
    except FlowLoadError as exc:
        print(f"error: the flows in {settings.flows_dir} have problems:\n{exc}", file=sys.stderr)
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
    return 2


def _chat(settings: Settings, person: str) -> int:
    from bot.channels.console import goodbye, run_console

    conversations = _open(settings)
    if isinstance(conversations, int):
        return conversations
    conversations.store.purge_expired(datetime.now(UTC))
    try:
        return run_console(conversations, person=f"console:{person}")
    except KeyboardInterrupt:
        print("\n" + goodbye(conversations, f"console:{person}"))
        return 0
    finally:
        conversations.store.close()


def _run(settings: Settings, *, webhook: bool = False) -> int:
    if settings.telegram_bot_token is None:
        print(
            "error: TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather on Telegram\n"
            "and put TELEGRAM_BOT_TOKEN=123456789:ABC... into .env (see .env.example), or use\n"
            "`python -m bot chat` to talk to the bot in this terminal.",
            file=sys.stderr,
        )
        return 2
    from bot.channels.telegram import run_polling
    from bot.channels.telegram.webhook import run_webhook, webhook_problem

    if webhook and (problem := webhook_problem(settings)):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    conversations = _open(settings)
    if isinstance(conversations, int):
        return conversations
    if webhook:
        return run_webhook(settings, conversations)
    return run_polling(settings, conversations)


if __name__ == "__main__":
    sys.exit(main())
