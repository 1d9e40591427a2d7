"""What every part of the update benchmark shares: the script of one check, names."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FLOWS_DIR = ROOT / "flows"
FLOW_ID = "nostril_twitch"
TOKEN = "123456:TEST"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_RATIO = 0.5  # durable/baseline throughput the product aims for on SQLite
BATCH_USERS = 25  # users per bot before switching to the next bot
MEMORY_WARMUP_USERS = 5
# The answers of one check, in order: every user presses these buttons after /start.
SCRIPT: tuple[tuple[str, str], ...] = (
    ("consent", "agree"),
    ("emergency_signs", "no"),
    ("face_weakness", "no"),
    ("drooping", "no"),
    ("eye_closing", "no"),
    ("numbness", "no"),
    ("limb_weakness", "no"),
    ("speech", "no"),
    ("swallowing", "no"),
    ("body_twitching", "no"),
    ("spreading", "no"),
    ("during_sleep", "no"),
    ("duration", "under_two_weeks"),
    ("stress", "yes"),
    ("anxiety", "no"),
    ("sleep", "no"),
    ("caffeine", "a_lot"),
    ("alcohol", "no"),
    ("fluids", "enough"),
    ("minerals", "most_days"),
    ("medication", "no"),
    ("screens", "yes"),
)
UPDATES_PER_USER = 1 + len(SCRIPT)
