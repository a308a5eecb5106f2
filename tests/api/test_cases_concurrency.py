"""Retries that arrive together: submissions with the same Idempotency-Key in threads, each over
HTTP in its own real transaction, on PostgreSQL (SQLite's in-memory test database is not shared
between threads). Exactly one case; every retry gets it."""
import json

import pytest
from django.db import connection
from django.test import Client

from tests.cases import factories as f
from tests.concurrency import race
from yibao.api import actions as api_actions
from yibao.cases.models import Case

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]

THREADS = 6


@pytest.mark.parametrize("round_no", range(2))
def test_concurrent_retries_with_one_key_make_one_case(round_no, generic_handlers):
    region = f.region("dazhou", "达州市", "511700")
    item = f.item(region, "insurance-certificate", limits=[("", 3)])
    person = f.applicant("张三", "511702199003071238")
    token, _ = api_actions.personal_token(person.user)
    body = json.dumps({"item_id": item.pk, "materials": ["1"]})

    def post():
        response = Client().post("/api/cases", body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "retry-1"})
        return response.status_code, response.json().get("receipt_no")

    results = race(*[post] * THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (THREADS - 1) + [201]
    assert len({receipt for _, receipt in results}) == 1
    assert Case.objects.count() == 1 and Case.objects.filter(request_key__isnull=False).count() == 1
