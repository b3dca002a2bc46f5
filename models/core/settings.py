"""Settings from the environment (CONTRACT.md, "Settings").

In development, missing secrets are generated once and kept in the data directory;
in production the service refuses to start with a default or missing secret.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from models.core.errors import ConfigurationError

_SECRETS_FILE = "secrets.json"
_KNOWN_DEFAULTS = {"", "change-me", "changeme", "secret", "dev"}


@dataclass(frozen=True)
class Settings:
    env: str
    data_dir: Path
    database_url: str
    secret_key: str
    encryption_keys: dict[str, bytes]  # key id -> 32-byte key; the first one encrypts
    primary_key_id: str
    stripe_api_key: str
    stripe_api_base: str | None
    stripe_webhook_secret: str
    mode: str
    port: int
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "amparo@localhost"
    dispatcher_enabled: bool = True
    # API processes `amparo serve` runs on its one port (AMPARO_API_PROCESSES, "auto": one
    # per core, at most 4): each serves about one core of requests (api/processes.py).
    api_processes: int = 1
    stale_dispatch_seconds: int = 300  # a claimed outbox row older than this is re-queued
    retention_days: int = 365  # personal data of ended cases is erased after this
    # Addresses (or CIDRs, comma-separated) of the reverse proxies whose X-Forwarded-For is
    # believed; empty: none, the socket's peer is the client (rate limits key on it).
    trusted_proxies: str = ""
    # The audit chain's own keys (AMPARO_AUDIT_KEYS, first signs, all verify): rotating them,
    # or changing AMPARO_SECRET_KEY, never breaks the chain (models/core/audit.py).
    audit_keys: dict = field(default_factory=dict)
    audit_key_id: str = ""
    # Embedded mode serves Prefect's UI (and its API) on this localhost port; None: off.
    prefect_ui_port: int | None = 4200
    extra: dict = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def prefect_home(self) -> Path:
        return self.data_dir / "prefect"


def parse_keyring(value: str, name: str = "AMPARO_ENCRYPTION_KEYS") -> tuple[dict[str, bytes], str]:
    """`kid:base64key[,kid:base64key...]`; the first key encrypts (signs), all decrypt."""
    ring: dict[str, bytes] = {}
    order: list[str] = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        kid, _, b64 = part.partition(":")
        try:
            key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        except ValueError as exc:
            raise ConfigurationError(f"{name} is malformed") from exc
        if not kid or len(key) != 32:
            raise ConfigurationError(f"each key of {name} needs an id and 32 bytes")
        ring[kid] = key
        order.append(kid)
    if not ring:
        raise ConfigurationError(f"{name} is empty")
    return ring, order[0]


def new_keyring_entry(kid: str) -> str:
    return f"{kid}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('=')}"


def _dev_secrets(data_dir: Path) -> dict[str, str]:
    """Generated once per data directory, readable by its owner only."""
    path = data_dir / _SECRETS_FILE
    if path.exists():
        return json.loads(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "AMPARO_SECRET_KEY": secrets.token_urlsafe(48),
        "AMPARO_ENCRYPTION_KEYS": new_keyring_entry("k1"),
        "AMPARO_STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_urlsafe(24),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    return values


def _audit_keys(env: dict[str, str], production: bool, secret_key: str) -> str:
    """AMPARO_AUDIT_KEYS; required in production. In development, when unset, one key
    derived from the secret key (processes sharing a secret share the chain's key)."""
    value = env.get("AMPARO_AUDIT_KEYS", "").strip()
    if value:
        return value
    if production:
        raise ConfigurationError("AMPARO_AUDIT_KEYS must be set in production")
    derived = hmac.new(secret_key.encode(), b"amparo-dev-audit-chain", hashlib.sha256).digest()
    return "dev:" + base64.urlsafe_b64encode(derived).decode().rstrip("=")


def _secret(env: dict[str, str], name: str, production: bool, dev: dict[str, str] | None) -> str:
    value = env.get(name, "")
    if value and value.lower() not in _KNOWN_DEFAULTS:
        return value
    if production:
        raise ConfigurationError(f"{name} must be set to a real secret in production")
    assert dev is not None
    return dev[name]


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    app_env = env.get("AMPARO_ENV", "development")
    if app_env not in ("development", "production"):
        raise ConfigurationError("AMPARO_ENV must be development or production")
    production = app_env == "production"
    data_dir = Path(env.get("AMPARO_DATA_DIR", "./data")).resolve()
    dev = None if production else _dev_secrets(data_dir)
    secret_key = _secret(env, "AMPARO_SECRET_KEY", production, dev)
    if production and len(secret_key) < 32:
        raise ConfigurationError("AMPARO_SECRET_KEY must be at least 32 characters")
    ring, primary = parse_keyring(_secret(env, "AMPARO_ENCRYPTION_KEYS", production, dev))
    audit_ring, audit_primary = parse_keyring(_audit_keys(env, production, secret_key),
                                              "AMPARO_AUDIT_KEYS")
    mode = env.get("AMPARO_MODE", "embedded")
    if mode not in ("embedded", "distributed"):
        raise ConfigurationError("AMPARO_MODE must be embedded or distributed")
    return Settings(
        env=app_env,
        data_dir=data_dir,
        database_url=env.get("AMPARO_DATABASE_URL") or f"sqlite:///{data_dir / 'amparo.db'}",
        secret_key=secret_key,
        encryption_keys=ring,
        primary_key_id=primary,
        stripe_api_key=env.get("AMPARO_STRIPE_API_KEY", "sk_test_amparo_dev"),
        stripe_api_base=env.get("AMPARO_STRIPE_API_BASE") or None,
        stripe_webhook_secret=_secret(env, "AMPARO_STRIPE_WEBHOOK_SECRET", production, dev),
        mode=mode,
        port=int(env.get("AMPARO_PORT", "8000")),
        smtp_host=env.get("AMPARO_SMTP_HOST") or None,
        smtp_port=int(env.get("AMPARO_SMTP_PORT", "25")),
        smtp_from=env.get("AMPARO_SMTP_FROM", "amparo@localhost"),
        dispatcher_enabled=env.get("AMPARO_DISPATCHER", "on") != "off",
        api_processes=_api_processes(env.get("AMPARO_API_PROCESSES", "auto")),
        stale_dispatch_seconds=int(env.get("AMPARO_STALE_SECONDS", "300")),
        retention_days=int(env.get("AMPARO_RETENTION_DAYS", "365")),
        trusted_proxies=env.get("AMPARO_TRUSTED_PROXIES", "").strip(),
        audit_keys=audit_ring, audit_key_id=audit_primary,
        prefect_ui_port=_optional_port(env.get("AMPARO_PREFECT_UI_PORT", "4200")),
    )


def _api_processes(value: str) -> int:
    """1-32, or "auto": one per core this process may use, at most 4 (more processes than
    cores only take turns; each has database pools of its own, up to 35 PostgreSQL
    connections: mind `max_connections` before raising it)."""
    value = value.strip().lower()
    if value in ("", "auto"):
        return max(1, min(4, len(os.sched_getaffinity(0))))
    if not value.isdigit() or not 1 <= int(value) <= 32:
        raise ConfigurationError("AMPARO_API_PROCESSES must be a number from 1 to 32 or auto")
    return int(value)


def _optional_port(value: str) -> int | None:
    """A TCP port, or None for "off"/"0"/empty."""
    value = value.strip().lower()
    if value in ("", "0", "off", "no", "false"):
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigurationError("AMPARO_PREFECT_UI_PORT must be a port number or off")
    return int(value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Tests and the CLI change the environment; drop the cached settings. The engine
    follows: models/core/db.py builds a new one when it sees new settings (db depends on
    settings, never the other way)."""
    get_settings.cache_clear()
