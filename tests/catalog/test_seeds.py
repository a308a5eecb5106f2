"""The five shipped guides, imported, against what the files say (seed-analysis §1–§2)."""
import pytest

from yibao.catalog.models import Guide, ServiceItem

pytestmark = pytest.mark.django_db

COUNTS = {"000": 38, "001": 40, "002": 36, "003": 30, "004": 34}


def guide(prefix):
    return Guide.objects.get(source__startswith=prefix)


def item(prefix, ordinal):
    return ServiceItem.objects.get(guide__source__startswith=prefix, ordinal=ordinal)


def test_every_seed_has_its_items(seeded_catalog):
    assert {g.source[:3]: g.items.count() for g in seeded_catalog} == COUNTS
