"""schemathesis against /api/v1/openapi.json, through the WSGI app with a write token: no
server error, and no status code, content type, header or body that contradicts the document.

The assessment ids are narrowed to the test world's (one the token's owner may write, one of
another country, one that does not exist), so the generated requests reach the code behind the
access checks instead of stopping at 404; every response is still checked against the document
as served. Bounded by max_examples to keep the suite quick.
"""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from assessment.services import tokens
from tests.conftest import World

MAX_EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_token(world: World, session: Session) -> str:
    return tokens.create(session, world.focal, "schemathesis", "write").secret


@pytest.fixture
def report_queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reports go to a queue of this test's own on the real Redis, with no worker: asking
    for one answers 202 at once instead of rendering a PDF for every generated answer."""
    from redis import Redis

    url = "redis://127.0.0.1:6379/15"
    try:
        Redis.from_url(url).ping()
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url}: {error}")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "REPORT_QUEUE", f"test-api-{uuid.uuid4().hex}")
    yield
    with app.app_context():
        from assessment.reports_ext import queue

        reports = queue()
        reports.delete(delete_jobs=True)
        reports.connection.close()


@pytest.fixture
def api_schema(report_queue: None, app: Flask, world: World, api_token: str):  # noqa: ANN201
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    document = copy.deepcopy(served)
    ids = [world.assessment.id, world.other_assessment.id, 2_000_000]
    for item in document["paths"].values():
        for parameter in item.get("parameters", []):
            if parameter["name"] == "assessment_id":
                parameter["schema"] = {"type": "integer", "enum": ids}
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = app
    return loaded


def test_api_conforms_to_its_document(api_schema, api_token: str) -> None:  # noqa: ANN001
    # Each operation in turn, through Hypothesis (schemathesis's own pytest plugin does not
    # run under the pytest we use).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    headers = {"Authorization": f"Bearer {api_token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case) -> None:  # noqa: ANN001
            case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
