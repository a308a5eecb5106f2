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
    from yibao.api import calllog, ratelimit

    calllog.discard()
    ratelimit.discard()  # the counts and totals of rate limits (api.ratelimit) too


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


@pytest.fixture(scope="session", autouse=True)
def migrated_rows(django_db_setup, django_db_blocker):
    """The rows the migrations seeded (sample parameters, disease lists, item rules), as JSON.

    A live-server test empties every table when it ends, and pytest-django's serialized rollback
    cannot put them back there: once Playwright runs, the ORM's per-context connection is a new
    one without the copy the test database kept. So the copy is taken here, when the session
    starts (before any test has emptied a table), and the e2e `site` fixture restores it. Only our
    apps' rows: Django's own (content types, permissions) are re-made by the flush itself."""
    from itertools import chain

    from django.apps import apps
    from django.core import serializers

    models = [model for config in apps.get_app_configs() if config.name.startswith("yibao.")
              for model in config.get_models()]
    with django_db_blocker.unblock():
        return serializers.serialize("json", chain.from_iterable(
            model._default_manager.order_by("pk") for model in models))
