"""Shared fixtures. Tests run on whichever database DATABASE_URL names (SQLite by default)."""
import pytest
from django.db import connection


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def seeded_catalog(db):
    """The five shipped guides imported (parsing is cached in-process, so this is cheap after the
    first test); returns the Guide queryset."""
    from yibao.catalog.guides.importer import load_defaults
    from yibao.catalog.models import Guide

    load_defaults()
    return Guide.objects.all()


@pytest.fixture(autouse=True)
def _call_log_batch():
    """API reads are logged in batches (api.calllog): a test's unwritten calls name rows its
    rollback removes, so they go with the test."""
    yield
    from yibao.api import calllog

    calllog.discard()


@pytest.fixture(autouse=True)
def _search_forgets_rolled_back_guides():
    """Each test's database changes are rolled back behind the application's back (no signal says
    so): the 导办 search, which keeps the guides' rows in memory between searches, must not carry
    one test's guides into the next."""
    yield
    import sys

    search = sys.modules.get("yibao.catalog.search")
    if search is not None:
        search.invalidate()
