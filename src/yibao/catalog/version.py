"""The catalogue's version: one counter moved, in the same transaction, by every save or delete
of a catalogue row (a guide edition and everything under it, regions, offices) and of the rules
an engine reads with an item (cases.ItemRule registers itself with `watch`). Processes that cache
what an edition says (cases.snapshot) compare it to see each other's changes; this process's own
changes reach them at once through `caches`.

A change that bypasses the model signals (QuerySet.update, bulk_create of rows under an existing
edition, raw SQL) must call bump() itself. The guide store saves the Guide row of every new
edition, which moves the counter for the rows bulk-created under it.
"""
from django.db import connection, connections
from django.db.models.signals import post_delete, post_migrate, post_save

from yibao.catalog.models import (
    CatalogVersion,
    Guide,
    ItemChannel,
    ItemOffice,
    Material,
    Office,
    Region,
    ServiceItem,
    Stage,
    TimeLimit,
)

caches = []  # core.versioned.VersionedCache instances keyed on current()


def current():
    """The counter as this connection sees it (0 before the first change)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {connection.ops.quote_name(CatalogVersion._meta.db_table)} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def bump(using="default"):
    """Move the counter (in the caller's transaction) and drop this process's caches."""
    db = connections[using]
    table = db.ops.quote_name(CatalogVersion._meta.db_table)
    with db.cursor() as cursor:  # one statement, race-free on SQLite >= 3.24 and PostgreSQL
        cursor.execute(f"INSERT INTO {table} (id, value) VALUES (1, 1) "
                       f"ON CONFLICT (id) DO UPDATE SET value = {table}.value + 1")
    for cache in caches:
        cache.changed(using)


def _changed(sender, using="default", **kwargs):
    bump(using)


def _migrated(**kwargs):
    for cache in caches:
        cache.forget()


def watch(model):
    """Move the counter whenever a `model` row is saved or deleted."""
    post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-version-{model._meta.label}-save")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog-version-{model._meta.label}-delete")


for _model in (Region, Guide, ServiceItem, Material, Stage, TimeLimit, ItemChannel, Office, ItemOffice):
    watch(_model)
post_migrate.connect(_migrated, dispatch_uid="catalog-version-migrated")
