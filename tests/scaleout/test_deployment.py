"""The compose file and Dockerfile name only settings the bot really reads."""

from __future__ import annotations

import re

import yaml

from bot.settings import Settings
from tests.conftest import ROOT

POSTGRES_IMAGE_SETTINGS = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}


def test_compose_names_only_settings_the_bot_reads():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    known = {name.upper() for name in Settings.model_fields}
    bots = {name: s for name, s in compose["services"].items() if s.get("build")}
    assert len(bots) >= 2, "at least two bot processes"
    for name, service in bots.items():
        unknown = set(service["environment"]) - known
        assert not unknown, f"{name} sets {unknown}, which the bot does not read"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
    for service in compose["services"].values():
        if not service.get("build"):
            assert set(service.get("environment", {})) <= POSTGRES_IMAGE_SETTINGS


def test_the_dockerfile_runs_the_webhook_and_env_example_lists_every_setting():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["python", "-m", "bot", "run", "--webhook"]' in dockerfile
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    tests_only = {"TEST_CLOCK_SHIFT_FILE"}  # documented in the README, never for production
    assert listed == {name.upper() for name in Settings.model_fields} - tests_only
