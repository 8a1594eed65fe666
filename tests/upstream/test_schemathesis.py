"""Property-based API tests from the upstream's own OpenAPI document (in-process ASGI).

Schemathesis generates requests from the schema, valid and invalid, for every
operation, with a token holding both scopes, and checks the responses: no
5xx, status codes, content types and bodies as documented. One check is
switched off: ``positive_data_acceptance`` expects schema-valid requests to
succeed, but a schema-valid envelope from a device nobody enrolled *must*
be refused (403 unknown_device); that is the point of the upstream.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from sqlmodel import Session

from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.store import migrate
from upstream.store.db import utcnow
from upstream.store.tables import ApiToken
from upstream.tokens import new_token

# The schema is read at collection, so the app is built then; it touches no
# database or key file until the module fixture below prepares them.
_BASE = Path(tempfile.gettempdir()) / f"vital5-schemathesis-{uuid.uuid4().hex}"
_APP = create_app(
    UpstreamSettings(
        _env_file=None,
        dsn=f"sqlite:///{_BASE / 'upstream.sqlite3'}",
        key_dir=_BASE / "keys",
        auto_migrate=False,
    )
)
# The token is made now (schemathesis reads its auth config at collection);
# its row is stored by the fixture below.
_TOKEN = new_token()
# Negative data may also be refused as too large (413: more than 100 records).
_CONFIG = SchemathesisConfig.from_dict(
    {
        "auth": {"openapi": {"HTTPBearer": {"bearer": _TOKEN.text}}},
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {
                "expected-statuses": [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
            },
        },
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP, config=_CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _prepared() -> Iterator[None]:
    _BASE.mkdir(mode=0o700)
    migrate.upgrade(_APP.state.upstream.settings.dsn)
    with Session(_APP.state.upstream.engine) as session:
        session.add(
            ApiToken(
                token_id=_TOKEN.token_id,
                name="schemathesis",
                scopes="admin export",
                secret_hash=_TOKEN.secret_hash,
                created_at=utcnow(),
            )
        )
        session.commit()
    yield
    _APP.state.upstream.engine.dispose()
    shutil.rmtree(_BASE, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_documented_promises(case: Any) -> None:
    case.call_and_validate()


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None)
def test_no_server_errors_without_a_token(case: Any) -> None:
    case.call_and_validate(checks=[not_a_server_error])
