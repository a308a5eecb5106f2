"""Shared fixtures. Tests run on whichever database DATABASE_URL names (SQLite by default)."""
import pytest
from django.db import connection


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
