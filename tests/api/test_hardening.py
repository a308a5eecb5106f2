"""What a probe broke (issue 10): every malformed request is a 4xx in the API's one error shape,
never a 500, and a refused request changes nothing."""
import io
import json
import uuid
import zipfile

import pytest
from openpyxl import Workbook

from tests.api.conftest import assert_error
from tests.api.domain_support import (  # noqa: F401
    as_user,
    dazhou,
    generic_handlers,
    regions,
    shipped_regions,
    registered_unit,
    teams,
)
from tests.enrollment import factories as ef
from yibao.cases.models import Case
from yibao.enrollment.models import Enrollment
from yibao.enrollment.sheets import COLUMNS, MAX_ERRORS

pytestmark = pytest.mark.django_db


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ---------------------------------------------------------------- request bodies


def test_multipart_without_a_boundary_is_a_400_not_a_500(client, dazhou, as_user):
    unit, _ = registered_unit(dazhou)
    token = as_user(unit.user).token
    for path in (f"/api/employers/{unit.id_number}/sheets", "/api/cases/X-1/attachments"):
        response = client.post(path, b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--",
                               content_type="multipart/form-data", headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("path", ["/api/cases", "/api/auth/login", "/api/track"])
def test_a_body_over_the_upload_limit_is_a_413_in_the_error_format(client, dazhou, as_user, path):
    unit, _ = registered_unit(dazhou)
    big = json.dumps({"comment": "x" * (3 * 1024 * 1024)})
    response = client.post(path, big, content_type="application/json",
                           headers={"Authorization": f"Bearer {as_user(unit.user).token}", "Idempotency-Key": "k1"})
    assert_error(response, 413, "too_large")


def test_case_data_nested_too_deep_is_refused_before_anything_reads_it(dazhou, as_user):
    unit, _ = registered_unit(dazhou)
    deep = {}
    node = deep
    for _ in range(300):
        node["x"] = {}
        node = node["x"]
    response = as_user(unit.user).post("/cases", {"region": "dazhou", "item_code": "insurance-certificate",
                                                  "data": deep}, **{"Idempotency-Key": str(uuid.uuid4())})
    body = assert_error(response, 422, "validation")
    assert "嵌套" in body["message"] and Case.objects.count() == 0


def test_an_unknown_api_path_answers_json(client):
    for path in ("/api/no-such-thing", "/api/catalog/no/such/path/", "/api/cases/x/y/z"):
        response = client.get(path)
        assert response["Content-Type"].startswith("application/json"), path
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("text", ["³", "①", "٣", "1²"])
def test_unicode_digits_in_a_path_are_a_422_not_a_500(client, text):
    assert_error(client.get(f"/api/catalog/items/{text}"), 422, "invalid")


def test_validation_details_are_in_chinese(dazhou, as_user):
    unit, _ = registered_unit(dazhou)
    response = as_user(unit.user).post("/cases", {"item_id": "abc", "comment": 5},
                                       **{"Idempotency-Key": str(uuid.uuid4())})
    body = assert_error(response, 422, "validation")
    for error in body["details"]["errors"]:
        assert chinese(error["message"]), error
    response = as_user(unit.user).post("/cases", {"item_id": 1})  # no Idempotency-Key
    body = assert_error(response, 422, "validation")
    assert [e["message"] for e in body["details"]["errors"]] == ["必填"]


# ---------------------------------------------------------------- Excel sheets


def xlsx_with(part, xml):
    """A real workbook whose `part` is replaced by `xml` (bytes)."""
    book = Workbook()
    book.active.append(COLUMNS)
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, xml if info.filename == part else src.read(info.filename))
    out.seek(0)
    out.name = "增减表.xlsx"
    return out


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
          b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("xml", [LAUGHS, EXTERNAL, LAUGHS.decode().encode("utf-16")], ids=["laughs", "external", "utf16"])
def test_a_sheet_declaring_xml_entities_is_refused(dazhou, as_user, xml):
    unit, _ = registered_unit(dazhou)
    response = as_user(unit.user).upload(f"/employers/{unit.id_number}/sheets",
                                         {"file": xlsx_with("xl/worksheets/sheet1.xml", xml)})
    body = assert_error(response, 422, "invalid")
    assert "实体" in body["message"]
    assert Enrollment.objects.count() == 0


def test_a_sheet_that_expands_past_the_limit_is_refused_before_parsing(dazhou, as_user, monkeypatch):
    from yibao.core import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 4 * 1024 * 1024)  # the real 256 MB would take a while to build
    unit, _ = registered_unit(dazhou)
    padding = b"<sheetData>" + b" " * (5 * 1024 * 1024) + b"</sheetData>"
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + padding + b"</worksheet>")
    data = xlsx_with("xl/worksheets/sheet1.xml", xml)
    assert len(data.getvalue()) < 100 * 1024  # a small upload
    body = assert_error(as_user(unit.user).upload(f"/employers/{unit.id_number}/sheets", {"file": data}), 422,
                        "invalid")
    assert "解压后超过" in body["message"]


def test_a_sheet_declaring_huge_dimensions_is_refused(dazhou, as_user):
    unit, _ = registered_unit(dazhou)
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
           b'</is></c></row></sheetData></worksheet>')
    body = assert_error(as_user(unit.user).upload(f"/employers/{unit.id_number}/sheets",
                                                  {"file": xlsx_with("xl/worksheets/sheet1.xml", xml)}), 422, "invalid")
    assert "范围过大" in body["message"]


def test_a_sheet_of_many_bad_rows_reports_a_bounded_list_and_the_count_of_the_rest(dazhou, as_user):
    unit, _ = registered_unit(dazhou)
    book = Workbook()
    book.active.append(COLUMNS)
    bad_rows = MAX_ERRORS * 3
    for i in range(bad_rows):
        book.active.append(["居民身份证", f"bad{i}", "某", "", "", "", "调动", ""])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "增减表.xlsx"
    body = assert_error(as_user(unit.user).upload(f"/employers/{unit.id_number}/sheets", {"file": data}), 422,
                        "invalid")
    errors = body["details"]["errors"]
    assert len(errors) == MAX_ERRORS
    checked_rows = len({e["row"] for e in errors})
    assert body["details"]["unchecked"] == bad_rows - checked_rows > 0
    assert f"另有{body['details']['unchecked']}行未检查" in body["message"]


def test_the_api_docs_load_their_assets_from_the_project_not_a_cdn(client):
    import re

    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("swagger-ui-bundle" in a for a in assets), html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "no asset from another host"
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(b"".join(served.streaming_content) if served.streaming else served.content) > 1000


# ---------------------------------------------------------------- channels the guide names


def test_a_window_only_item_cannot_be_filed_over_the_api_but_staff_take_it_at_the_window(dazhou, as_user, teams):
    from yibao.cases import actions
    from yibao.cases.snapshot import item_in_force
    from yibao.core.models import Channel

    unit, _ = registered_unit(dazhou)
    body = {"region": "dazhou", "item_code": "unit-enrollment", "materials": ["1"]}
    refused = as_user(unit.user).post("/cases", body, **{"Idempotency-Key": str(uuid.uuid4())})
    error = assert_error(refused, 403, "channel_not_offered")
    assert "窗口" in error["message"] and error["details"]["channels"]
    assert Case.objects.count() == 0
    query = {"region": "dazhou", "item_code": "unit-info-query"}  # window-only too in 达州
    assert_error(as_user(unit.user).post("/cases", query, **{"Idempotency-Key": str(uuid.uuid4())}), 403,
                 "channel_not_offered")
    case = actions.submit_case(item=item_in_force(dazhou, "unit-info-query"), applicant=unit,
                               actor=teams["dazhou"].clerk, channel=Channel.HOTLINE,
                               materials=[str(m.ordinal) for m in item_in_force(dazhou, "unit-info-query").materials.all()])
    assert case.channel == "hotline"  # staff intake records the channel the person came by


def test_the_sheet_readers_take_a_path_too(tmp_path):
    from yibao.enrollment.sheets import read_rows

    book = Workbook()
    book.active.append(COLUMNS)
    book.active.append(["居民身份证", "x", "某", "", "", "", "增加", ""])
    book.save(tmp_path / "s.xlsx")
    assert [number for number, _ in read_rows(str(tmp_path / "s.xlsx"))] == [2]
    assert [number for number, _ in read_rows(tmp_path / "s.xlsx")] == [2]
