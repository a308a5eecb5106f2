"""yibao.core.sqlite: each statement's conversion to "?" placeholders is kept, and what it gives is
what Django's own cursor gives (a literal %% included)."""
import pytest
from django.db import connection

from yibao.core.sqlite import base

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's cursor")


def test_a_statement_is_converted_once_and_answers_as_before():
    sql = "SELECT %s || '%%' || %s, 'a%%b'"
    base._QMARK.pop(sql, None)
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(sql, ["x", "y"])
            assert cursor.fetchone() == ("x%y", "a%b")
    assert base._QMARK[sql] == "SELECT ? || '%' || ?, 'a%b'"
    with connection.cursor() as cursor:  # named ("pyformat") parameters are not cached, and still work
        cursor.execute("SELECT %(v)s", {"v": 3})
        assert cursor.fetchone() == (3,)
    assert "SELECT %(v)s" not in base._QMARK


def test_the_kept_statements_are_bounded(monkeypatch):
    monkeypatch.setattr(base, "_QMARK_MAX", 5)
    base._QMARK.clear()
    with connection.cursor() as cursor:
        for n in range(1, 13):  # IN lists of many lengths: a new statement each
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 WHERE 1 IN ({', '.join(['%s'] * n)}))", [1] * n)
            assert cursor.fetchone() == (1,)
            assert len(base._QMARK) <= 5
