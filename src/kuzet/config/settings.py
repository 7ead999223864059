"""Environment settings (``KUZET_`` prefix), read once in ``bootstrap()``, never at import time."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kuzet.errors import ConfigError

DEVELOPMENT_SECRET = "kuzet-development-secret-change-me"  # noqa: S105 - the refused default


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Process settings. Outside development mode the default secret is refused."""

    model_config = SettingsConfigDict(env_prefix="KUZET_", env_file=".env", extra="ignore")

    mode: Mode = Field(Mode.DEVELOPMENT, description="development allows the default secret; production not")
    database_url: str = Field(
        "sqlite:///var/kuzet.db", description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://..."
    )
    bus_url: str = Field("memory://", description="memory:// (in-process) or nats://host:4222 (JetStream)")
    archive_path: Path = Field(Path("var/archive"), description="Folder of the local video archive")
    site_file: Path | None = Field(None, description="Site file (YAML) with cameras, districts, zones, rules")
    mqtt_url: str | None = Field(
        None, description="mqtt://host:1883 for unit GPS, SOS buttons, dispatch orders"
    )
    roads: str = Field(
        "sim:7", description="Road network for dispatch: sim:<seed>, or a .osm / .geojson file of the city"
    )
    web_path: Path = Field(Path("web/dist"), description="Folder of the built operator console, served at /")
    secret_key: str = Field(DEVELOPMENT_SECRET, description="Key that signs access tokens")
    token_minutes: int = Field(15, ge=1, le=24 * 60, description="Lifetime of an access token, minutes")
    login_max_failures: int = Field(5, ge=1, description="Failed sign-ins allowed per window before lockout")
    login_window_seconds: int = Field(900, ge=1, description="Window of the failed sign-in throttle")
    host: str = Field("127.0.0.1", description="Address the API listens on")
    port: int = Field(8040, ge=1, le=65535, description="Port the API listens on")

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.mode is not Mode.DEVELOPMENT and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("KUZET_SECRET_KEY must be set to a secret of your own outside development mode")
        if self.mode is not Mode.DEVELOPMENT and len(self.secret_key) < 32:
            raise ValueError("KUZET_SECRET_KEY must be at least 32 characters outside development mode")
        return self


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a bad value raises ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            where = f"KUZET_{field.upper()}" if field else "settings"
            lines.append(f"{where}: {err['msg']}")
        raise ConfigError("invalid settings:\n  " + "\n  ".join(lines)) from None
