"""The links most rows lack (a case's office and bundle, an event's office, a call's client) are
indexed where present only: lookups by them, and the PROTECT check when their target is deleted,
still read an index, and a row without them writes none."""
import pytest
from django.db import connection

from yibao.api.models import ApiCall
from yibao.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

LOOKUPS = [
    (Case, "office_ref", "case_office_ref_present"),
    (Case, "bundle", "case_bundle_present"),
    (CaseEvent, "office_ref", "caseevent_office_ref_present"),
    (ApiCall, "client", "apicall_client_at"),
]


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize("model, field, index", LOOKUPS)
def test_a_link_is_looked_up_through_its_partial_index(model, field, index):
    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's (PostgreSQL picks by table statistics)")
    for lookup in ({field: 1}, {f"{field}__in": [1, 2]}):  # the second is what a PROTECT / SET_NULL check runs
        plan = _plan(model.objects.filter(**lookup).order_by())
        assert f"INDEX {index}" in plan, (lookup, plan)


@pytest.mark.parametrize("model, field, index", LOOKUPS)
def test_the_index_holds_the_rows_that_have_the_link_only(model, field, index):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index])
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        definition = cursor.fetchone()[0]
        column = model._meta.get_field(field).column
        assert f'"{column}" IS NOT NULL' in definition or f"({column} IS NOT NULL)" in definition, definition
        # and no full index of the link beside it
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                           [model._meta.db_table])
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [model._meta.db_table])
        full = [name for name, sql in cursor.fetchall() if sql and column in sql and "NOT NULL" not in sql]
        assert full == [], full
