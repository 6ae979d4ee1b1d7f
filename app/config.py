"""Gateway settings, from the environment (prefix TERANG_) with safe local defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERANG_", env_file=None, extra="ignore")

    environment: Literal["local", "test", "production"] = "local"
    rpc_url: str = "http://127.0.0.1:8545"
    # When set, the gateway refuses a node that reports another chain id.
    chain_id: int | None = None
    # Default: deployments/<chain id reported by the node>.json
    manifest: Path | None = None
    manifest_dir: Path = ROOT / "deployments"
    rpc_timeout_seconds: float = Field(default=10.0, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_language: Literal["id", "en"] = "id"
    # SQLite by default (one process); PostgreSQL (postgresql+psycopg://...) for several replicas.
    database_url: str = f"sqlite:///{ROOT / 'var' / 'terang.db'}"
    # Transactions: how many blocks on top of a receipt before it counts, and how long to wait.
    confirmations: int = Field(default=1, ge=1)
    receipt_timeout_seconds: float = Field(default=120.0, gt=0)


def get_settings() -> Settings:
    return Settings()
