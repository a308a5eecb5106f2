"""The register's person lookups (enrollment.lookup): the fields shown, one query each, the
SQL compiled once, the indexes used."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.enrollment import factories as f
from yibao.enrollment.lookup import NAMED_LIMIT, PersonRow, person_by_id, persons_named

pytestmark = pytest.mark.django_db


def test_a_person_is_found_by_id_number_and_by_name_within_a_region(dazhou, panzhihua):
    born = datetime.date(1985, 6, 12)
    me = f.person(dazhou, name="王芳", id_number=f.id_number(born=born), birth_date=born)
    f.person(panzhihua, name="王芳")  # the same name elsewhere is not a candidate
    same = [f.person(dazhou, name="王芳") for _ in range(NAMED_LIMIT + 2)]
    person_by_id(me.id_number)  # compiled once
    with CaptureQueriesContext(connection) as captured:
        found = person_by_id(me.id_number)
        named = persons_named(dazhou.pk, "王芳")
        missing = person_by_id("110101199003070000")
    assert len(captured) == 3
    assert found == PersonRow(me.pk, me.id_number, "王芳", me.sex, born, dazhou.pk, "living")
    assert [p.pk for p in named] == [me.pk] + [p.pk for p in same][:NAMED_LIMIT - 1]  # oldest first, bounded
    assert missing is None and persons_named(dazhou.pk, "王") == []  # exact names only
    by_id, by_name = (q["sql"] for q in captured.captured_queries[:2])
    assert "phone" not in by_id and "created_at" not in by_id and "ORDER BY" not in by_id


def test_the_lookups_use_the_register_indexes(dazhou):
    from yibao.enrollment.lookup import LOOKUPS

    f.person(dazhou, name="李四")
    for which, params in (("id", {"id_number": "x"}), ("name", {"region_id": dazhou.pk, "name": "李四"})):
        _compiler, sql, keys, _converters = LOOKUPS[which].compiled(connection.alias)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, [params[k] for k in keys])
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan
            else:
                cursor.execute("SET enable_seqscan = off")  # a tiny test table: ask which index it would use
                cursor.execute("EXPLAIN " + sql, [params[k] for k in keys])
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "Index" in plan, plan
