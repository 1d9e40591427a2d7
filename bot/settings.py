"""Settings from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(Exception):
    """A setting has a bad value; the message names it."""


class Settings(BaseSettings):
    """Every setting the bot reads. See ``.env.example`` for what each one does."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None
    database_url: str = "sqlite:///data/bot.sqlite3"
    flows_dir: Path = Path("flows")
    default_flow: str = "nostril_twitch"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    session_ttl_days: int = Field(default=30, ge=1, le=3650)
    # Tests only: a file holding seconds the clock runs ahead by (bot/channels/clock.py).
    test_clock_shift_file: Path | None = None
    watch_flows: bool = True
    flow_watch_debounce_ms: int = Field(default=1600, ge=10, le=60_000)
    require_approval: bool = False
    log_format: Literal["text", "json"] = "text"
    # Webhook mode (python -m bot run --webhook); see bot/channels/telegram/webhook.py.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_secret: SecretStr | None = None

    @property
    def bot_id(self) -> str:
        """The bot's id, the number before ':' in its token ('' without a token): it scopes
        update ids, sessions and replies when several bots share one database."""
        token = self.telegram_bot_token
        return token.get_secret_value().partition(":")[0] if token else ""

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value).strip()
        head, _, tail = text.partition(":")
        if not (head.isdigit() and len(tail) >= 2):
            raise ValueError("expected the form 123456789:ABC... that BotFather gives")
        return text

    @field_validator("telegram_base_url", mode="before")
    @classmethod
    def _base_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not text.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (e.g. http://127.0.0.1:8081/bot)")
        return text

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("use sqlite:///path or postgresql://user@host/db")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("expected comma-separated numeric Telegram user ids")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not text.startswith("https://"):
            raise ValueError("must start with https:// (Telegram only calls HTTPS webhooks)")
        return text

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value)
        allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        if not (1 <= len(text) <= 256 and set(text) <= allowed):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return text

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError naming each bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            lines.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
        raise SettingsError("bad setting(s):\n  " + "\n  ".join(lines)) from None
