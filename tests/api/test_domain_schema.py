"""schemathesis against the OpenAPI document for the register and payment operations, through the
real WSGI handler: generated requests (valid and invalid) never get a 500, and every answer has a
documented status, content type and body. A payer's token: it may read the payment queue and is
staff of a region (records elsewhere are 404)."""
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

from tests.cases import factories as f
from yibao.api import actions as api_actions

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = r"^/api/(persons|employers|certificates|payments)"


@pytest.fixture
def wsgi_token(db):
    """A payer's token, for requests through the real WSGI handler (which closes the database
    connection after each request: the test's transaction must survive them)."""
    token = api_actions.personal_token(f.staff(f.region(), "payer"))[0]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(path_regex=OPERATIONS)
schema.config.generation.update(max_examples=5, no_shrink=True, deterministic=True)


@schema.parametrize()
@settings(max_examples=5, deadline=timedelta(seconds=10), derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_register_and_payment_operations_conform_to_the_schema(case, wsgi_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {wsgi_token}"}, checks=CHECKS)
