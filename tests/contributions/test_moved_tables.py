"""The contributions models left the enrollment app (enrollment 0004, contributions 0001) without
touching a row: a database holding contribution time before the move reads the same after it."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.enrollment import factories
from yibao.catalog.models import Region
from yibao.contributions.models import ContributionPeriod

BEFORE = [("enrollment", "0003_contributions_credentials_parameters"), ("contributions", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it():
    region = Region.objects.create(code="movetest", name="迁移测试市")
    person = factories.person(region)
    _migrate(BEFORE)
    try:
        executor = MigrationExecutor(connection)
        old = executor.loader.project_state(BEFORE[:1]).apps
        old.get_model("enrollment", "ContributionPeriod").objects.create(
            person_id=person.pk, scheme="employee", region_id=region.pk, source="recorded", months=37,
            origin="系统上线前")
        ContentType.objects.get_or_create(app_label="enrollment", model="contributionperiod")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    moved = ContributionPeriod.objects.get(person=person)
    assert (moved.months, moved.origin, moved.region_id) == (37, "系统上线前", region.pk)
    assert ContributionPeriod._meta.db_table == "enrollment_contributionperiod"
    ContentType.objects.clear_cache()
    assert ContentType.objects.filter(app_label="contributions", model="contributionperiod").exists()
    assert not ContentType.objects.filter(app_label="enrollment", model="contributionperiod").exists()
