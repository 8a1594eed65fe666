"""Site configuration, read once from the environment and then frozen.

Every setting can be given as an environment variable prefixed ``VITAL5_``
(``VITAL5_DATABASE_URL``, ``VITAL5_INACTIVITY_TIMEOUT_S`` …) or in a ``.env``
file. Tests build their own ``Settings`` and pass it to ``create_app``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Mode(StrEnum):
    """Who is holding the device; one codebase serves all three."""

    KIOSK = "kiosk"
    PHARMACY = "pharmacy"
    OUTREACH = "outreach"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VITAL5_", env_file=".env", frozen=True)

    mode: Mode = Mode.KIOSK
    site_id: str = "demo-southwark-library"
    # The borough the site is in; signposting falls back to it (issue 5).
    site_borough: str = "Southwark"

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'kiosk.sqlite3'}"

    # Seconds without a touch before the screen is wiped, and how much of
    # that time the countdown warning is shown for.
    inactivity_timeout_s: int = Field(default=120, ge=20, le=3600)
    inactivity_warning_s: int = Field(default=30, ge=5, le=600)
    # The server forgets a session this long after the last sign of life,
    # even if the page's own timer never fired (browser crashed, tab closed).
    server_session_grace_s: int = Field(default=60, ge=0, le=3600)
    # A staff sign-in (the /admin pages) ends after this long without a request.
    staff_idle_s: int = Field(default=900, ge=60, le=28800)

    # Which cuff the BP page reads: "simulator" (default), "ble", "ble:ADDRESS",
    # "ble-name:NAME"
    # or "serial:PROFILE:PORT" (kiosk_app/devices/config.py).
    bp_device: str = "simulator"
    # The scale (and height rod) that fills height and weight: "simulator"
    # (default), "serial:tanita_sc:PORT", "serial:tanita_bc418:PORT" or "none".
    scale_device: str = "simulator"
    # Simulator pacing: a real cuff takes ~30–45 s; demos and tests go faster.
    simulator_speed: float = Field(default=1.0, gt=0, le=1000)
    # What the simulated cuff measures, in turn (device_drivers/simulator.py).
    simulator_script: tuple[str, ...] = ("126/79/68",)

    forms_dir: Path = PROJECT_ROOT / "forms"
    # Signposting (docs/signposting.md): the services directory lives in
    # signposting/services.yaml. Entries not yet verified against a source
    # are hidden from residents; only demos and tests set this True.
    signposting_dir: Path = PROJECT_ROOT / "signposting"
    signposting_show_unverified: bool = False
    # An optional open postcode lookup (CSV `postcode_district,borough`, or an
    # ONS postcode directory extract) giving the resident's borough; without
    # it, or for a postcode it does not settle, the site's borough is used.
    postcode_lookup: Path | None = None
    locale_dir: Path = PROJECT_ROOT / "i18n"
    assets_dir: Path = PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
    default_language: str = "en"
    # Mount the benchmark floor endpoint (bench/ only; never on a kiosk).
    bench_floor: bool = False

    # Sealed upstream sync (docs/sync.md). The device key and the enrolment
    # (upstream URL and public key) live here, outside the database.
    keys_dir: Path = PROJECT_ROOT / "var" / "keys"
    # Extra CA certificates to trust for the upstream (PEM), e.g. an ICB's own CA.
    upstream_ca_bundle: Path | None = None
    # An HTTP(S) proxy to reach the upstream through (TLS stays end to end).
    upstream_proxy: str | None = None
    # Records per upload; the protocol allows at most 100.
    sync_batch_size: int = Field(default=100, ge=1, le=100)
    # Retry delays: full jitter under min(cap, base × 2^(attempt-1)) seconds.
    sync_backoff_base_s: float = Field(default=2.0, gt=0, le=60)
    sync_backoff_cap_s: float = Field(default=300.0, gt=0, le=3600)
    sync_timeout_s: float = Field(default=30.0, gt=0, le=300)
    # With nothing due, look again this often (also notices a new enrolment).
    sync_idle_poll_s: float = Field(default=30.0, gt=0, le=3600)
    # Run the background sync worker in the app's lifespan (tests/bench: off).
    sync_worker: bool = True

    @model_validator(mode="after")
    def _warning_fits_in_timeout(self) -> Settings:
        if self.inactivity_warning_s >= self.inactivity_timeout_s:
            raise ValueError("inactivity_warning_s must be shorter than inactivity_timeout_s")
        return self

    @model_validator(mode="after")
    def _backoff_base_within_cap(self) -> Settings:
        if self.sync_backoff_base_s > self.sync_backoff_cap_s:
            raise ValueError("sync_backoff_base_s cannot exceed sync_backoff_cap_s")
        return self
