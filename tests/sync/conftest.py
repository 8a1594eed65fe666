"""Fixtures for the kiosk's sync tests: keys in a temporary directory, a fake
upstream (tests/sync/fake_upstream.py), a migrated database and a fake clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kiosk_app.domain.codec import answers_from_json, answers_to_json, result_to_json
from kiosk_app.domain.vital5 import score_check
from kiosk_app.settings import Settings
from kiosk_app.store import crud, migrate
from kiosk_app.store.db import make_engine
from kiosk_app.store.tables import CheckRecordBase
from kiosk_app.sync import outbox_store
from kiosk_app.sync.crypto import Sealer
from kiosk_app.sync.enrolment import Enrolment, EnrolmentCache, enroll
from tests.conftest import make_settings
from tests.sync.fake_upstream import FakeUpstream

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 25, 10, 31, 2, tzinfo=UTC)
UPSTREAM_URL = "https://upstream.test"


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def example_record(**about: object) -> CheckRecordBase:
    """docs/examples/answers.json, scored, with ``about`` fields overridden."""
    raw = json.loads((ROOT / "docs" / "examples" / "answers.json").read_text())
    raw["about"].update(about)
    answers = answers_from_json(raw)
    return CheckRecordBase(
        site_id="test-site",
        mode="kiosk",
        form_id="vital5",
        form_version=1,
        answers_json=json.dumps(answers_to_json(answers)),
        result_json=json.dumps(result_to_json(score_check(answers))),
    )


def store_plain(engine: Engine, count: int = 1, at: datetime = T0) -> list[str]:
    with engine.connect() as connection:
        return [
            crud.store_completed_check(
                connection=connection,
                record=example_record(),
                completed_at=at + timedelta(seconds=i),
            )
            for i in range(count)
        ]


def store_sealed(engine: Engine, sealer: Sealer, count: int = 1, at: datetime = T0) -> list[str]:
    with engine.connect() as connection:
        return [
            outbox_store.store_sealed_check(
                connection=connection,
                record=example_record(),
                completed_at=at + timedelta(seconds=i),
                sealer=sealer,
                now=at,
            )
            for i in range(count)
        ]


@pytest.fixture
def upstream() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def sync_settings(tmp_path: Path, keys_dir: Path) -> Settings:
    return make_settings(tmp_path, keys_dir=keys_dir, sync_worker=False)


@pytest.fixture
def enrolled(keys_dir: Path, upstream: FakeUpstream) -> Enrolment:
    """Enrolled with the fake upstream, which has registered the device."""
    enrolment = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0
    )
    upstream.register(enrolment.code)
    return enrolment


@pytest.fixture
def engine(sync_settings: Settings) -> Iterator[Engine]:
    migrate.upgrade(sync_settings.database_url)
    engine = make_engine(sync_settings.database_url)
    yield engine
    engine.dispose()


Seal = Callable[..., list[str]]


@pytest.fixture
def seal(engine: Engine, keys_dir: Path, enrolled: Enrolment) -> Seal:
    """Store ``count`` checks sealed by the enrolled device; returns their ids."""
    current = EnrolmentCache(keys_dir).current()
    assert current is not None
    return lambda count=3: store_sealed(engine, current.sealer, count)
