"""Migration 0002: no drift from the tables, and checks from 0001 get sealed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlmodel import Session

from kiosk_app.store import migrate
from kiosk_app.store.db import make_engine
from kiosk_app.store.tables import CheckRecord
from kiosk_app.sync import outbox_store, status
from kiosk_app.sync.enrolment import Enrolment, EnrolmentCache
from tests.sync.conftest import T0
from upstream.store.migrate import MIGRATIONS as UPSTREAM_MIGRATIONS


def test_the_models_match_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    migrate.upgrade(url)
    # Only the kiosk's tables: SQLModel.metadata is shared with the upstream's
    # tables whenever they are imported too (as in a whole test run).
    kiosk = MetaData()
    CheckRecord.__table__.to_metadata(kiosk)  # type: ignore[attr-defined]
    engine = make_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), kiosk) == []
    engine.dispose()


def test_alembic_check_reports_no_drift_with_the_upstream_loaded_too(tmp_path: Path) -> None:
    # `vital5` loads both CLIs, so both packages' tables share SQLModel's
    # MetaData; each migration environment must compare its own tables only.
    import upstream.store.tables  # noqa: F401
    from upstream.store import migrate as upstream_migrate

    kiosk_url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    migrate.upgrade(kiosk_url)
    command.check(migrate.alembic_config(kiosk_url))
    upstream_url = f"sqlite:///{tmp_path / 'upstream.sqlite3'}"
    upstream_migrate.upgrade(upstream_url)
    command.check(upstream_migrate.alembic_config(upstream_url))


def test_checks_from_before_the_outbox_are_pending_and_get_sealed(
    tmp_path: Path, keys_dir: Path, enrolled: Enrolment
) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = migrate.alembic_config(url)
    command.upgrade(config, "0001")
    engine = make_engine(url)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO check_record VALUES ('0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e', "
                "'2026-11-25 10:31:02.000000', 'site', 'kiosk', 'vital5', 1, "
                """'{"about": {"age": 47}}', '{"schema": "vital5.score.v1"}', 'pending')"""
            )
        )
    command.upgrade(config, "head")
    current = EnrolmentCache(keys_dir).current()
    assert current is not None
    with Session(engine) as session:
        assert status.stats(session=session).unsealed == 1
        assert outbox_store.seal_plaintext_rows(session=session, sealer=current.sealer, now=T0) == 1
    with engine.connect() as db:
        row = db.execute(
            text("SELECT answers_json, envelope, sync_state, attempts FROM check_record")
        ).one()
    assert row[0] is None
    assert row[1]
    assert (row[2], row[3]) == ("pending", 0)
    with pytest.raises(RuntimeError, match="sealed records exist"):
        command.downgrade(config, "0001")
    engine.dispose()


def test_downgrade_without_sealed_records(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    migrate.upgrade(url)
    config = migrate.alembic_config(url)
    command.downgrade(config, "0001")
    command.upgrade(config, "head")


@pytest.mark.parametrize(
    "folder", [migrate.MIGRATIONS, UPSTREAM_MIGRATIONS], ids=["kiosk", "upstream"]
)
def test_the_head_from_file_names_is_alembics_head(folder: Path) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://", folder))
    assert migrate.head_revision(folder) == script.get_current_head()


def test_the_app_migrates_only_a_database_that_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'kiosk.sqlite3'}"
    assert migrate.current_revision(url) is None
    assert migrate.ensure_current(url)
    assert migrate.current_revision(url) == migrate.head_revision()
    assert not migrate.ensure_current(url)  # at head: Alembic is not even loaded
    command.downgrade(migrate.alembic_config(url), "0001")
    assert migrate.current_revision(url) == "0001"
    assert migrate.ensure_current(url)
    assert migrate.current_revision(url) == migrate.head_revision()


def test_serving_a_migrated_kiosk_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    migrate.upgrade(url)
    script = (
        "import sys\n"
        "from kiosk_app.main import create_app\n"
        "from tests.conftest import make_settings\n"
        "from pathlib import Path\n"
        "create_app(make_settings(Path(sys.argv[1])))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
