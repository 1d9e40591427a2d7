"""Prometheus metrics of the Telegram channel (prometheus-client's default registry)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

UPDATES_RECEIVED = Counter(
    "bot_updates_received_total", "Updates stored in the inbox, by how they came", ["source"]
)
DUPLICATES = Counter(
    "bot_updates_duplicate_total", "Updates received again and ignored", ["source"]
)
WEBHOOK_REJECTED = Counter(
    "bot_webhook_rejected_total", "Webhook requests refused, by reason", ["reason"]
)
WEBHOOK_SECONDS = Histogram(
    "bot_webhook_request_seconds",
    "Time to store a webhook update and answer Telegram",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
UPDATES_HANDLED = Counter(
    "bot_updates_handled_total",
    "Updates taken from the inbox, by result (done, retry, apology, unreadable)",
    ["result"],
)
UPDATE_SECONDS = Histogram(
    "bot_update_seconds",
    "Time to handle one stored update (parse, step, save, queue the reply)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ERRORS = Counter("bot_errors_total", "Failures while handling updates, by kind", ["kind"])
OUTCOMES = Counter(
    "bot_check_outcomes_total", "Checks that reached an outcome", ["flow", "outcome"]
)
MESSAGES_SENT = Counter("bot_messages_sent_total", "Outbox messages sent, by result", ["result"])
