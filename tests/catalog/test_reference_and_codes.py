"""Loading a service list (JSON or xlsx) and the 事项编码: malformed files refused in Chinese with
nothing stored, codes checked for shape and province, recorded, exported."""
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from yibao.catalog.actions import CatalogueCodeRefused, set_catalogue_code
from yibao.catalog.audit import audit
from yibao.catalog.catalogue_codes import CatalogueCodeError, check_catalogue_code
from yibao.catalog.export import export_catalog
from yibao.catalog.models import ReferenceList, Region, ServiceItem
from yibao.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ROW = {"item": "employee-enrollment", "name": "职工参保登记（测试）", "max_materials": 2, "max_working_days": 2,
       "public": True, "certainty": "stated", "basis": "测试清单第1行"}


def sichuan_list(**changes):
    doc = {"list": "provincial", "province": "51", "name": "测试省级清单", "source": "测试来源", "date": "2025-01",
           "rows": [dict(ROW)]}
    doc.update(changes)
    return doc


def write(tmp_path, doc, name="list.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


def load(path):
    out = StringIO()
    call_command("catalog", "reference", "load", str(path), stdout=out)
    return out.getvalue()


def test_a_list_file_replaces_the_province_list_and_is_judged(seeded_catalog, tmp_path):
    assert "已替换省级清单" in load(write(tmp_path, sichuan_list()))
    reference = ReferenceList.objects.get(level="provincial", province="51")
    assert (reference.name, reference.source, reference.date, reference.rows.count()) == ("测试省级清单", "测试来源", "2025-01", 1)
    assert AuditEntry.objects.filter(action="导入事项清单", object_id=str(reference.pk)).exists()
    found = [f for f in audit(region="dazhou")["findings"] if f["list"] == "provincial:51"]
    kinds = {f["kind"] for f in found}
    assert kinds == {"name_differs", "limit_over_list"}  # 达州 职工参保登记: 在职职工 3 working days
    name = next(f for f in found if f["kind"] == "name_differs")
    assert (name["guide_value"], name["list_value"]) == ("职工参保登记", "职工参保登记（测试）")
    # The list is not complete and marks no addition: nothing is "not in list" against it.
    assert not [f for f in found if f["kind"] in ("not_in_list", "missing_from_guide") and f["item"] != "employee-enrollment"]


def test_a_complete_list_makes_unlisted_items_local_additions(seeded_catalog, tmp_path):
    load(write(tmp_path, sichuan_list(complete=True)))
    found = [f for f in audit(region="panzhihua")["findings"] if f["list"] == "provincial:51" and f["kind"] == "not_in_list"]
    assert "e-credential" in {f["item"] for f in found}


def test_an_xlsx_list_loads(seeded_catalog, tmp_path):
    book = Workbook()
    head = book.active
    head.title = "清单"
    for key, value in [("层级", "省级"), ("省份代码", "51"), ("清单名称", "表格清单"), ("来源", "测试"), ("日期", "2025")]:
        head.append([key, value])
    rows = book.create_sheet("事项")
    rows.append(["事项代码", "清单事项名称", "材料种类上限", "办理时限上限（工作日）", "涉及群众办事", "确定程度", "依据"])
    rows.append(["resident-enrollment", "城乡居民参保登记", 3, 0, "是", "明文载明", "测试"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    load(path)
    row = ReferenceList.objects.get(province="51").rows.get()
    assert (row.item_code, row.max_materials, row.max_working_days, row.public, row.certainty) == (
        "resident-enrollment", 3, 0, True, "stated")


@pytest.mark.parametrize(
    "doc, message",
    [
        ("", "文件是空的"),
        ("{\"list\": ", "JSON 格式错误"),
        ([1, 2], "JSON 顶层应为对象"),
        (sichuan_list(source=""), "缺少来源"),
        (sichuan_list(date="去年"), "日期“去年”应写作"),
        (sichuan_list(list="city"), "清单层级"),
        (sichuan_list(list="national"), "国家清单的省份代码应为 00"),
        (sichuan_list(rows=[]), "清单没有事项行"),
        (sichuan_list(rows=[{**ROW, "item": "no-such-item"}]), "不是系统的43个事项代码之一"),
        (sichuan_list(rows=[{**ROW, "basis": ""}]), "缺少依据"),
        (sichuan_list(rows=[{**ROW, "certainty": "maybe"}]), "确定程度应为"),
        (sichuan_list(rows=[{**ROW, "max_materials": -1}]), "材料种类上限应在0到50之间"),
        (sichuan_list(rows=[{**ROW, "max_working_days": 10**9}]), "办理时限上限应在0到365之间"),
        (sichuan_list(rows=[{**ROW, "catalogue_code": "522036001002"}]), "省份代码“52”与所属地区的省份“51”不符"),
        (sichuan_list(rows=[dict(ROW), dict(ROW)]), "重复出现"),
        (sichuan_list(rows=[{**ROW, "colour": "red"}]), "不认识的字段"),
    ],
)
def test_malformed_lists_are_refused_and_change_nothing(seeded_catalog, tmp_path, doc, message):
    before = list(ReferenceList.objects.values_list("name", "date"))
    rows_before = sum(r.rows.count() for r in ReferenceList.objects.all())
    with pytest.raises(CommandError) as refused:
        load(write(tmp_path, doc))
    assert message in str(refused.value) and "list.json" in str(refused.value)
    assert list(ReferenceList.objects.values_list("name", "date")) == before
    assert sum(r.rows.count() for r in ReferenceList.objects.all()) == rows_before


def test_binary_and_broken_xlsx_are_refused(seeded_catalog, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="无法读取 xlsx 表格"):
        load(path)
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(CommandError, match="不是 UTF-8 编码的 JSON"):
        load(path)


@pytest.mark.parametrize(
    "code, region, message",
    [
        ("51203600100", "dazhou", "应为12位数字"),
        ("51203600100A", "dazhou", "应为12位数字"),
        ("519936001002", "dazhou", "类型代码“99”不认识"),
        ("512037001002", "dazhou", "主项编码应以36开头"),
        ("522036001002", "dazhou", "省份代码“52”与所属地区的省份“51”不符"),
        ("002036003001", "songpan", "省份代码“00”与所属地区的省份“51”不符"),
        ("512036001002", "template", "未登记行政区划代码"),
    ],
)
def test_code_shape_and_province_are_checked(seeded_catalog, code, region, message):
    with pytest.raises(CatalogueCodeError, match=message):
        check_catalogue_code(code, Region.objects.get(code=region))


def test_a_code_is_set_recorded_exported_and_shown(seeded_catalog, client):
    item = ServiceItem.objects.get(guide__source__startswith="001_", code="unit-enrollment")
    assert check_catalogue_code(" 512036001001 ", item.guide.region) == "512036001001"
    set_catalogue_code(item, "512036001001")
    item.refresh_from_db()
    assert item.catalogue_code == "512036001001"
    entry = AuditEntry.objects.get(action="设置事项编码", object_id=str(item.pk))
    assert entry.changes == {"catalogue_code": ["", "512036001001"]}
    exported = {
        (g["source"], i["code"]): i["catalogue_code"] for g in export_catalog()["guides"] for i in g["items"]
    }
    assert exported[("001_8ae73a45f86e6fe7.txt", "unit-enrollment")] == "512036001001"
    assert exported[("002_72ce12711aa467e1.txt", "unit-enrollment")] is None
    page = client.get("/r/dazhou/items/unit-enrollment/").content.decode()
    assert "512036001001" in page
    assert "未登记" in client.get("/r/songpan/items/unit-enrollment/").content.decode()
    # A wrong code changes nothing and records nothing.
    with pytest.raises(CatalogueCodeRefused, match="不符"):
        set_catalogue_code(item, "532036001001")
    item.refresh_from_db()
    assert item.catalogue_code == "512036001001"
    assert AuditEntry.objects.filter(action="设置事项编码").count() == 1


def test_the_admin_form_refuses_a_bad_code(seeded_catalog):
    item = ServiceItem.objects.get(guide__source__startswith="004_", code="unit-enrollment")
    item.catalogue_code = "123"
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "应为12位数字" in str(refused.value.message_dict["catalogue_code"])


def test_codes_file_is_all_or_nothing(seeded_catalog, tmp_path):
    good = tmp_path / "codes.csv"
    good.write_text("region,item,catalogue_code\ndazhou,unit-enrollment,512036001001\n"
                    "panzhihua,unit-enrollment,512036001001\n", encoding="utf-8")
    out = StringIO()
    call_command("catalog", "codes", "load", str(good), stdout=out)
    assert "2 个事项有变化" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("region,item,catalogue_code\nsongpan,unit-enrollment,512036001001\n"
                   "songpan,employee-enrollment,999\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2条"):
        call_command("catalog", "codes", "load", str(bad))
    songpan = ServiceItem.objects.filter(guide__region__code="songpan", code="unit-enrollment")
    assert not songpan.exclude(catalogue_code="").exists()
    missing = tmp_path / "missing.csv"
    missing.write_text("region,item\ndazhou,unit-enrollment\n", encoding="utf-8")
    with pytest.raises(CommandError, match="表头应含"):
        call_command("catalog", "codes", "load", str(missing))
