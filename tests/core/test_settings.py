"""Production refuses default or missing secrets; development generates and keeps them."""
from __future__ import annotations

from pathlib import Path

import pytest

from models.core.errors import ConfigurationError
from models.core.settings import load_settings, new_keyring_entry


class TestSettings:
    def test_production_refuses_missing_secrets(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError):
            load_settings({"AMPARO_ENV": "production", "AMPARO_DATA_DIR": str(tmp_path)})

    def test_production_refuses_default_secret(self, tmp_path: Path) -> None:
        env = {"AMPARO_ENV": "production", "AMPARO_DATA_DIR": str(tmp_path),
               "AMPARO_SECRET_KEY": "change-me", "AMPARO_ENCRYPTION_KEYS": new_keyring_entry("k1"),
               "AMPARO_STRIPE_WEBHOOK_SECRET": "whsec_x"}
        with pytest.raises(ConfigurationError):
            load_settings(env)

    def test_production_accepts_real_secrets(self, tmp_path: Path) -> None:
        env = {"AMPARO_ENV": "production", "AMPARO_DATA_DIR": str(tmp_path),
               "AMPARO_SECRET_KEY": "x" * 40, "AMPARO_ENCRYPTION_KEYS": new_keyring_entry("k1"),
               "AMPARO_STRIPE_WEBHOOK_SECRET": "whsec_real_value"}
        with pytest.raises(ConfigurationError, match="AMPARO_AUDIT_KEYS"):
            load_settings(env)  # the audit chain's own key is required too
        env["AMPARO_AUDIT_KEYS"] = new_keyring_entry("a1")
        assert load_settings(env).is_production
        assert not (tmp_path / "secrets.json").exists()

    def test_development_generates_once_and_keeps(self, tmp_path: Path) -> None:
        first = load_settings({"AMPARO_DATA_DIR": str(tmp_path)})
        second = load_settings({"AMPARO_DATA_DIR": str(tmp_path)})
        assert first.secret_key == second.secret_key
        assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0

    def test_bad_mode_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError):
            load_settings({"AMPARO_DATA_DIR": str(tmp_path), "AMPARO_MODE": "cloud"})
