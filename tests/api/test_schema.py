"""Schemathesis against the OpenAPI document, through the WSGI application: for every catalogue,
login and cases operation, generated requests (valid and invalid) never get a 500, and every
answer has a documented status, content type and body shape.

Bounded: a few examples per operation, no shrinking, derandomized, a generous per-example
deadline. The data: the 达州 3-day item and an open case of it, a person's token (the staff
endpoints answer that person with 403/404, which is documented too)."""
import uuid
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yibao.api import actions as api_actions

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = r"^/api/(catalog/|auth/login|cases|track|items/status)"


@pytest.fixture
def token(person, three_day, client):
    token = api_actions.personal_token(person.user)[0]
    client.post("/api/cases", {"item_id": three_day.pk}, content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())})
    return token


@pytest.fixture
def wsgi_token(token):
    """The token, for requests through the real WSGI handler. That handler closes the database
    connection after each request, and the test's transaction must survive them, as Django's test
    client ensures (which is why this comes after the client's last request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at collection: building the OpenAPI document touches no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(path_regex=OPERATIONS)
schema.config.generation.update(max_examples=5, no_shrink=True, deterministic=True)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, wsgi_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {wsgi_token}"}, checks=CHECKS)
