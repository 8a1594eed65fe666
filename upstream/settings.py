"""The upstream's configuration, read once from ``VITAL5_UPSTREAM_*`` and then frozen.

Tests build their own ``UpstreamSettings`` and pass it to ``create_app``.
Everything here is the same on every instance: the upstream keeps no state
in its processes, so several instances can share one PostgreSQL database.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class UpstreamSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VITAL5_UPSTREAM_", env_file=".env", extra="ignore", frozen=True
    )

    # SQLite for a laptop; PostgreSQL (postgresql+psycopg://…) for anything shared.
    dsn: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'upstream.sqlite3'}"
    # The X25519 private keys records are sealed to, one file per key
    # (``vital5 upstream keygen``). Never inside the database: a stolen
    # database alone must not open a single record.
    key_dir: Path = PROJECT_ROOT / "var" / "upstream-keys"
    # Run the migrations at start-up. Safe with several instances on
    # PostgreSQL (an advisory lock serialises them); turn off to migrate
    # from the deploy step instead (``vital5 upstream migrate``).
    auto_migrate: bool = True
    # Canonical URL base for the Questionnaire and identifier systems in the
    # FHIR export. ``.invalid`` until the ICB names a real one.
    fhir_base: str = "https://vital5.invalid/fhir"
    # Largest page an export may ask for.
    export_max_limit: int = Field(default=1000, ge=1, le=10_000)
    # How long a sign-in to the report pages lasts (absolute, not idle).
    session_hours: float = Field(default=8.0, gt=0, le=24)
    # The equity report's optional area lookups (docs/upstream.md, "Equity
    # report"): CSV files with documented columns, read at report time. Without
    # them the deprivation quintile is "unknown" and boroughs come from the
    # site and district tables, if any.
    postcode_lookup: Path | None = None  # postcode -> LSOA (ONSPD/NSPL extract)
    imd_lookup: Path | None = None  # LSOA -> IMD decile
    site_boroughs: Path | None = None  # site_id -> borough
    district_boroughs: Path | None = None  # postcode district -> borough

    @property
    def session_key_file(self) -> Path:
        """The HMAC key that signs session cookies: beside the sealing keys, never in the DB."""
        return self.key_dir / "session.hmac"
