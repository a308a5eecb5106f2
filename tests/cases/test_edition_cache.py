"""What a submission reads of the catalogue is kept per edition (cases.snapshot over
core.versioned): a change in this process is seen at once, one made by another process once the
recheck interval has passed, and a change rolled back is never kept."""
import time

import pytest
from django.db import connection, transaction

from tests.cases import factories as f
from yibao.cases import actions, snapshot
from yibao.cases.models import ItemRule
from yibao.catalog import version as catalog_version
from yibao.catalog.models import Material
from yibao.core.models import Channel

W = Channel.WINDOW


def names(case):
    return [m["name"] for m in case.snapshot["materials"]]


def submit(item, person, clerk):
    return actions.submit_case(item=item, applicant=person, actor=clerk, channel=W)


@pytest.mark.django_db
def test_an_edit_in_this_process_is_frozen_into_the_next_case_at_once(city, clerk, person, settings):
    settings.YIBAO_CATALOG_RECHECK_SECONDS = 3600
    item = f.item(city, "insurance-certificate")
    assert names(submit(item, person, clerk)) == ["有效身份证件"]
    Material.objects.create(item=item, ordinal=2, name="户口簿")
    assert names(submit(item, person, clerk)) == ["有效身份证件", "户口簿"]
    assert submit(item, person, clerk).sub_deadlines == []
    ItemRule.objects.create(item_code=item.code, incompleteness_notice_days=2)  # cases.ItemRule is watched too
    assert [d["working_days"] for d in submit(item, person, clerk).sub_deadlines] == [2]


@pytest.mark.django_db
def test_a_rolled_back_edit_is_not_kept(city, clerk, person, settings):
    settings.YIBAO_CATALOG_RECHECK_SECONDS = 3600
    item = f.item(city, "insurance-certificate")
    submit(item, person, clerk)  # cached
    with pytest.raises(RuntimeError), transaction.atomic():
        Material.objects.filter(item=item).get().delete()
        assert names(submit(item, person, clerk)) == []  # seen inside the transaction
        raise RuntimeError("rolled back")
    assert names(submit(item, person, clerk)) == ["有效身份证件"]


@pytest.mark.django_db(transaction=True)
def test_another_process_s_edit_is_seen_after_the_recheck_interval(settings):
    settings.YIBAO_CATALOG_RECHECK_SECONDS = 0.3
    city = f.region()
    item = f.item(city, "insurance-certificate")
    clerk, person = f.staff(city, "clerk"), f.applicant()
    assert names(submit(item, person, clerk)) == ["有效身份证件"]  # committed: nothing of ours pending
    # Another process edits the material and moves the version (its signals would): raw SQL here,
    # so this process's receivers do not see it.
    before = catalog_version.current()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_material SET name = %s WHERE item_id = %s", ["居民身份证", item.pk])
        cursor.execute("UPDATE catalog_catalogversion SET value = value + 1 WHERE id = 1")
    assert catalog_version.current() == before + 1
    assert names(submit(item, person, clerk)) == ["有效身份证件"]  # within the interval: the cached edition
    time.sleep(0.35)
    assert names(submit(item, person, clerk)) == ["居民身份证"]


@pytest.mark.django_db
def test_each_case_gets_its_own_copy_of_the_frozen_item(city, settings):
    item = f.item(city, "insurance-certificate")
    first = snapshot.freeze(item)
    first["materials"].append({"key": "9", "name": "改动"})
    assert [m["name"] for m in snapshot.freeze(item)["materials"]] == ["有效身份证件"]
    assert snapshot.item(item.pk) is not snapshot.item(item.pk)
    assert snapshot.item(10**9) is None


@pytest.mark.django_db
def test_the_case_row_holds_the_frozen_item_written_from_the_kept_text(city, clerk, person):
    import json

    from yibao.cases.models import Case

    item = f.item(city, "insurance-certificate")
    frozen, text = snapshot.freeze(item, with_text=True)
    assert json.loads(text) == frozen and list(frozen)[-1] == "frozen_at"
    case = submit(item, person, clerk)
    stored = Case.objects.get(pk=case.pk).snapshot
    assert stored == case.snapshot and names(case) == ["有效身份证件"] and stored["frozen_at"] >= frozen["frozen_at"]
