"""清单对标 on the five shipped guides and the shipped lists: findings checked against the guides'
own words, the JSON shape of `yibao catalog audit`, and the same-province verdicts."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from yibao.catalog.audit import audit, material_kinds
from yibao.catalog.models import ReferenceList, ServiceItem
from yibao.catalog.neighbours import verdicts

pytestmark = pytest.mark.django_db

KEYS = {"source", "region", "item", "kind", "guide_value", "list_value", "list", "text"}


def findings(region=None):
    return audit(region=region)["findings"]


def one(found, **match):
    hits = [f for f in found if all(f[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    return hits[0]


def test_shipped_lists_are_loaded_with_their_source_and_certainty(seeded_catalog):
    national = ReferenceList.objects.get(level="national")
    sichuan = ReferenceList.objects.get(level="provincial", province="51")
    assert (national.province, national.date, national.complete) == ("00", "2020-05", False)
    assert "川医保规〔2024〕1号" in sichuan.source and sichuan.date == "2024"
    assert national.rows.count() == 27  # of the list's 28 sub-items, the 27 national-rules.md maps
    assert sichuan.rows.count() == 43
    for row in [*national.rows.all(), *sichuan.rows.all()]:
        assert row.certainty in {"stated", "mapped", "inferred"} and "national-rules.md" in row.basis
    # The only catalogue code a source gives: 002036003001 出具《参保凭证》 (national-rules.md §2).
    coded = [(r.item_code, r.catalogue_code) for r in national.rows.all() if r.catalogue_code]
    assert coded == [("insurance-certificate", "002036003001")]
    assert not sichuan.rows.exclude(catalogue_code="").exists()
    # No guide prints a code, so no item carries one.
    assert not ServiceItem.objects.exclude(catalogue_code="").exists()


def test_dazhou_unit_enrollment_is_slower_than_the_sichuan_list(seeded_catalog):
    # 001 达州 单位参保登记: "不超过3个工作日。"; the Sichuan list: ≤ 1 working day.
    found = one(findings("dazhou"), item="unit-enrollment", kind="limit_over_list")
    assert (found["guide_value"], found["list_value"], found["list"]) == (3, 1, "provincial:51")
    assert found["source"].startswith("001_") and "不超过3个工作日" in found["text"]
    assert found["row"]["certainty"] == "stated"
    # 攀枝花 keeps to it (不超过1个工作日): no finding.
    assert not [f for f in findings("panzhihua") if f["item"] == "unit-enrollment" and f["kind"] == "limit_over_list"]


def test_outpatient_reimbursement_asks_for_more_than_four_kinds(seeded_catalog):
    # 达州: 1.医保电子凭证或有效身份证件或社保卡 2.医院收费票据 3.门急诊费用清单 4.处方底方 5.参保人银行账户信息
    found = one(findings("dazhou"), item="outpatient-reimbursement", kind="materials_over_limit")
    assert (found["guide_value"], found["list_value"], found["list"]) == (5, 4, "national")
    assert "处方底方" in found["text"] and "参保人银行账户信息" in found["text"]
    assert found["row"]["number"] == "6.1"
    # 攀枝花 lists the same five, plus what the 急诊/第三方责任 cases add.
    found = one(findings("panzhihua"), item="outpatient-reimbursement", kind="materials_over_limit")
    assert found["guide_value"] >= 5 and "医药机构收费票据" in found["text"]


def test_alternatives_count_as_one_kind(seeded_catalog):
    # "医保电子凭证或有效身份证件或社保卡" is one kind; 异地安置 needs three kinds, within the list.
    item = ServiceItem.objects.get(guide__source__startswith="001_", code="remote-retiree")
    count, _ = material_kinds(item)
    assert count == 3
    assert not [f for f in findings("dazhou") if f["item"] == "remote-retiree" and f["kind"] == "materials_over_limit"]
    # Designated providers are not an item "that concerns the public": no material limit applies.
    assert not [f for f in findings() if f["item"] == "hospital-designation" and f["kind"] == "materials_over_limit"]


def test_local_additions_and_missing_items(seeded_catalog):
    dazhou = findings("dazhou")
    # 电话号码 is a Sichuan addition (national-rules.md §1): not in the national list, must be filed.
    found = one(dazhou, item="phone-change", kind="not_in_list")
    assert found["list"] == "national" and found["text"] == "参保人员电话号码新增和更改"
    assert found["row"]["certainty"] == "stated" and "电话号码" in found["row"]["basis"]
    # 达州's guide has no 医保电子凭证申领, a row of the Sichuan list.
    found = one(dazhou, item="e-credential", kind="missing_from_guide")
    assert (found["list"], found["guide_value"], found["list_value"]) == ("provincial:51", None, "医保电子凭证申领")
    # 松潘's guide has no 异地安置退休人员备案 (national 4.1–4.4).
    found = one(findings("songpan"), item="remote-retiree", kind="missing_from_guide", list="national")
    assert found["row"]["number"] == "4.1–4.4"


def test_the_template_is_judged_against_the_national_list_only(seeded_catalog):
    found = findings("template")
    assert found and {f["list"] for f in found} == {"national"}
    # 异地就医直接结算问题协调服务 is one of Sichuan's additions, so not a national item.
    one(found, item="remote-settlement-help", kind="not_in_list")


def test_cli_json_has_the_documented_shape(seeded_catalog):
    out = StringIO()
    call_command("catalog", "audit", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"findings"} and data["findings"]
    kinds = {f["kind"] for f in data["findings"]}
    assert kinds == {"materials_over_limit", "limit_over_list", "not_in_list", "missing_from_guide"}
    for f in data["findings"]:
        assert KEYS <= set(f)
    # Only the guides in force: the 达州 skeleton edition (000) is not judged.
    assert {f["source"][:3] for f in data["findings"]} == {"001", "002", "003", "004"}
    table = StringIO()
    call_command("catalog", "audit", "--region", "songpan", stdout=table)
    assert "办理时限长于清单" in table.getvalue() and "原文：不超过3个工作日" in table.getvalue()


def test_audit_without_lists_finds_nothing(seeded_catalog):
    ReferenceList.objects.all().delete()
    assert findings() == []


def test_neighbour_verdicts_within_sichuan(seeded_catalog):
    found, summaries = verdicts()
    by = {(v.region, v.item, v.kind): v for v in found}
    # 单位参保登记: 达州 and 松潘 3 working days, 攀枝花 1.
    slow = by[("dazhou", "unit-enrollment", "slower")]
    assert (slow.value, slow.neighbour, slow.neighbour_value) == (3, "攀枝花市", 1)
    assert ("songpan", "unit-enrollment", "slower") in by
    assert ("panzhihua", "unit-enrollment", "slower") not in by
    # The template has no province: never compared.
    assert {s.region for s in summaries} == {"dazhou", "songpan", "panzhihua"}
    dazhou = next(s for s in summaries if s.region == "dazhou")
    assert dazhou.shared > 20 and slow in dazhou.slower
