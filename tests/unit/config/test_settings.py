from __future__ import annotations

import pytest

from kuzet.config.settings import DEVELOPMENT_SECRET, Mode, load_settings
from kuzet.errors import ConfigError


def test_development_mode_accepts_the_default_secret() -> None:
    settings = load_settings(_env_file=None)
    assert settings.mode is Mode.DEVELOPMENT
    assert settings.secret_key == DEVELOPMENT_SECRET


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUZET_MODE", "production")
    with pytest.raises(ConfigError, match="KUZET_SECRET_KEY must be set"):
        load_settings(_env_file=None)
    monkeypatch.setenv("KUZET_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_settings(_env_file=None)
    monkeypatch.setenv("KUZET_SECRET_KEY", "x" * 40)
    assert load_settings(_env_file=None).mode is Mode.PRODUCTION


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUZET_PORT", "eighty")
    with pytest.raises(ConfigError, match="KUZET_PORT"):
        load_settings(_env_file=None)
