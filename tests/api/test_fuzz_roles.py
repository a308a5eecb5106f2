"""schemathesis over EVERY operation of the OpenAPI document (POST /api/auth/logout excluded: it
would end the token mid-run), as anonymous, as a person and as each staff role, through the real
WSGI handler: generated requests, valid and invalid, never get a server error.

Bounded (3 examples per operation, each sent as every role, no shrinking, derandomized) so the whole matrix runs
in about a minute; each example is its own request in the test's transaction, so the module runs
beside the rest of the suite under xdist (marked `fuzz`: `-m "not fuzz"` leaves it out)."""
import uuid
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from tests.cases import factories as f
from yibao.api import actions as api_actions

ROLES = ["anonymous", "person", "clerk", "reviewer", "payer", "supervisor", "admin"]

pytestmark = pytest.mark.fuzz


@pytest.fixture
def tokens(person, three_day, dazhou, client):
    """{role: bearer token or None}; an open case of the person's exists for the lookups."""
    users = {"person": person.user, **{role: f.staff(dazhou, role, username=f"fz-{role}")
                                        for role in ROLES if role not in ("anonymous", "person")}}
    tokens = {role: api_actions.personal_token(user)[0] for role, user in users.items()}
    client.post("/api/cases", {"item_id": three_day.pk, "materials": ["1", "2"]}, content_type="application/json",
                headers={"Authorization": f"Bearer {tokens['person']}", "Idempotency-Key": str(uuid.uuid4())})
    return {"anonymous": None, **tokens}


@pytest.fixture
def wsgi_tokens(tokens):
    """The tokens, for the real WSGI handler, which closes the database connection after each
    request: the test's transaction must survive them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield tokens
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).exclude(
    path="/api/auth/logout")
schema.config.generation.update(max_examples=3, no_shrink=True, deterministic=True)


@schema.parametrize()
@settings(max_examples=3, deadline=timedelta(seconds=30), derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_operation_answers_any_role_with_a_server_error(case, wsgi_tokens):
    # Each generated request is sent once per role: the data is built once per operation.
    for role in ROLES:
        token = wsgi_tokens[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(headers=headers, checks=[not_a_server_error])
