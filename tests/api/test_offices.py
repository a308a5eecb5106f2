"""Offices are references (issue 10): the office of a case, its events, its rating and a member of
staff is one the region's guide in force lists; free text ("<b>OFF</b><script>") is refused, and
the data migration maps existing names where they match."""
import importlib
import uuid

import pytest
from django.apps import apps as django_apps

from tests.api.conftest import assert_error
from tests.api.domain_support import (  # noqa: F401
    as_user,
    dazhou,
    generic_handlers,
    insured,
    offered_online,
    regions,
    shipped_regions,
    teams,
)
from tests.cases import factories as f
from yibao.cases.models import Case, CaseEvent
from yibao.catalog.models import Office
from yibao.people.actions import StaffRefused, create_staff
from yibao.people.models import StaffProfile

pytestmark = pytest.mark.django_db


def file(as_user, applicant, office):
    offered_online(dazhou_region(), "insurance-certificate")  # the tests are about the office, not the channel
    return as_user(applicant.user).post("/cases", {"region": "dazhou", "item_code": "insurance-certificate",
                                                   "office": office}, **{"Idempotency-Key": str(uuid.uuid4())})


def dazhou_region():
    from yibao.catalog.models import Region

    return Region.objects.get(code="dazhou")


def test_free_text_is_refused_and_a_listed_office_becomes_a_reference(dazhou, as_user, teams):
    me, _ = insured(dazhou)
    body = assert_error(file(as_user, me, "<b>OFF</b><script>"), 422, "invalid_data")
    assert body["field"] == "office" and "市本级" in body["message"]
    assert not Case.objects.exists()

    created = file(as_user, me, "通川区")
    assert created.status_code == 201, created.content.decode()
    case = Case.objects.get(receipt_no=created.json()["receipt_no"])
    assert isinstance(case.office_ref, Office) and case.office_ref.name == "通川区"
    assert case.office_ref.guide.region == dazhou
    event = CaseEvent.objects.get(case=case)
    assert event.office_ref_id == case.office_ref_id


def test_staff_offices_are_references_too(dazhou):
    with pytest.raises(StaffRefused, match="经办机构应为本地区办事指南所列的"):
        create_staff("dz-x", "a-long-password-1", dazhou, "<b>OFF</b>", ["clerk"])
    profile = create_staff("dz-y", "a-long-password-1", dazhou, "市本级", ["clerk"])
    assert profile.office_ref.name == "市本级" and profile.office_ref.guide.region == dazhou
    assert not StaffProfile.objects.filter(user__username="dz-x").exists()


def test_the_data_migration_maps_matching_names_and_leaves_the_rest_null(dazhou, teams):
    staff_migration = importlib.import_module("yibao.people.migrations.0005_office_ref_data")
    case_migration = importlib.import_module("yibao.cases.migrations.0008_office_ref_data")
    known = f.staff(dazhou, "clerk", office="通川区", username="old-known")
    unknown = f.staff(dazhou, "clerk", office="<b>OFF</b>", username="old-unknown")
    StaffProfile.objects.filter(user__in=[known, unknown]).update(office_ref=None)
    staff_migration.forwards(django_apps, None)
    assert StaffProfile.objects.get(user=known).office_ref.name == "通川区"
    assert StaffProfile.objects.get(user=unknown).office_ref is None
    case_migration.forwards(django_apps, None)  # runs on what there is without error
