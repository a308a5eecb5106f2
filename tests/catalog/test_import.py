"""Importing guide files: editions, idempotence, encodings, bad files, commands, export, report."""
import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
import zhconv
from django.core.management import call_command
from django.core.management.base import CommandError

from yibao.catalog.guides.importer import GuideImportError, import_files, seed_dir
from yibao.catalog.guides.parsed import GuideFormatError
from yibao.catalog.models import Guide, ServiceItem
from yibao.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SEEDS = {p.name[:3]: p for p in sorted(Path(seed_dir()).glob("*.txt"))}


def seed_text(prefix):
    return SEEDS[prefix].read_text(encoding="utf-8")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def codes(guide):
    return list(guide.items.order_by("ordinal").values_list("code", flat=True))


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_detects_region_and_is_idempotent():
    (guide, created), = import_files([SEEDS["002"]])
    assert created and guide.region.code == "songpan" and guide.items.count() == 36
    assert AuditEntry.objects.filter(action="导入指南", object_id=str(guide.pk)).count() == 1
    (again, created_again), = import_files([SEEDS["002"]])
    assert again.pk == guide.pk and not created_again
    assert Guide.objects.count() == 1 and ServiceItem.objects.count() == 36
    assert AuditEntry.objects.filter(action="导入指南").count() == 1


def test_region_detection_per_seed():
    results = import_files([SEEDS[k] for k in ("000", "003", "004")])
    assert [g.region.code for g, _ in results] == ["dazhou", "template", "panzhihua"]
    assert results[1][0].region.is_template


def test_region_option_wins_and_unknown_region_is_refused(tmp_path):
    (guide, _), = import_files([SEEDS["003"]], region="panzhihua")
    assert guide.region.code == "panzhihua"
    with pytest.raises(GuideImportError, match="未知的地区代码"):
        import_files([SEEDS["001"]], region="atlantis")


def test_text_naming_no_region_asks_for_one(tmp_path):
    body = "\n".join(seed_text("003").splitlines()[3:])  # without the 附件5 heading
    path = write(tmp_path, "nameless.txt", body)
    with pytest.raises(GuideImportError, match="--region"):
        import_files([path])
    assert not Guide.objects.exists()


def test_new_edition_comes_into_force_and_old_stays_readable(tmp_path):
    (old, _), = import_files([SEEDS["004"]], effective=datetime.date(2024, 1, 1))
    changed = seed_text("004").replace("不超过1个工作日", "不超过2个工作日", 1)
    later = datetime.date.today() + datetime.timedelta(days=30)
    (new, created), = import_files(
        [write(tmp_path, "004_2025.txt", changed)], edition="2025年版", effective=later
    )
    assert created and new.pk != old.pk
    assert list(Guide.objects.in_force().values_list("pk", flat=True)) == [old.pk]
    assert list(Guide.objects.in_force(on=later).values_list("pk", flat=True)) == [new.pk]
    assert old.items.get(ordinal=1).time_limits.get().working_days == 1
    assert new.items.get(ordinal=1).time_limits.get().working_days == 2
    assert new.edition == "2025年版" and old.edition == "2024年版"


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.txt", b"", "文件为空"),
        ("blank.txt", b"  \n\r\n\t\n", "文件为空"),
        ("binary.txt", bytes(range(256)) * 8, "不是文本文件"),
        ("undecodable.txt", "一、单位参保登记\n".encode("utf-8") + b"\xff\xfe\xfa\x80\x81 abc\n", "无法解码"),
        ("prose.txt", "这是一段普通的文字。\n没有任何事项。\n".encode("utf-8"), "没有找到任何事项"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(tmp_path, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises(GuideFormatError, match=message) as info:
        import_files([SEEDS["002"], path])  # the good file before it is not stored either
    assert name in str(info.value)
    assert not Guide.objects.exists() and not ServiceItem.objects.exists()


def test_undecodable_names_the_line(tmp_path):
    data = "一、单位参保登记\n（一）事项名称\n".encode("utf-8") + b"\xff\xfe\x80\n"
    with pytest.raises(GuideFormatError) as info:
        import_files([write(tmp_path, "bad.txt", data)])
    assert info.value.line == 3


@pytest.mark.parametrize("seed,after", [("001", "二十、"), ("001", "（三）办理渠道"), ("004", "常驻异地工作人员备案"), ("003", "16.")])
def test_truncated_mid_item_is_refused(tmp_path, seed, after):
    lines = seed_text(seed).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    if after.startswith("（"):  # cut inside the 20th item's fields
        start = [i for i, line in enumerate(lines) if line.startswith(after)][19]
    path = write(tmp_path, "cut.txt", "\n".join(lines[: start + 3]))
    with pytest.raises(GuideFormatError, match="截断") as info:
        import_files([path], region="dazhou")
    assert "cut.txt" in str(info.value) and info.value.line > 0, str(info.value)
    assert not Guide.objects.exists()


def test_gb18030_crlf_bom_and_traditional_copies_import_the_same_items(tmp_path):
    text = seed_text("001")
    (original, _), = import_files([SEEDS["001"]])
    gbk = write(tmp_path, "gbk.txt", text.replace("\n", "\r\n").encode("gb18030"))
    bom = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    traditional = write(tmp_path, "trad.txt", zhconv.convert(text, "zh-hant"))
    assert "參保" in traditional.read_text(encoding="utf-8")
    (g_gbk, _), (g_bom, _), (g_trad, _) = import_files([gbk, bom, traditional], region="songpan")
    for copy in (g_gbk, g_bom, g_trad):
        assert codes(copy) == codes(original)
        assert [len(i.time_limits.all()) for i in copy.items.all()] == [len(i.time_limits.all()) for i in original.items.all()]
    # same decoded text: the same content (and so the same edition when imported twice)
    assert g_gbk.content_hash == g_bom.content_hash == original.content_hash
    assert g_trad.items.get(ordinal=2).materials.filter(when="灵活就业人员").exists()
    assert g_gbk.items.get(ordinal=1).offices.count() == 8


def test_unknown_title_is_kept_under_an_unknown_code(tmp_path):
    text = seed_text("003").replace("1.\xa0单位参保登记", "1.\xa0医保积分兑换", 1).replace(
        "一、事项名称\n单位参保登记。", "一、事项名称\n医保积分兑换。", 1
    )
    (guide, _), = import_files([write(tmp_path, "new.txt", text)])
    first = guide.items.get(ordinal=1)
    assert first.code.startswith("unknown-") and len(first.code) == len("unknown-") + 8
    assert first.group == "other" and first.name == "医保积分兑换"
    assert any("未识别" in w for w in first.warnings)
    assert guide.items.count() == 30


def test_other_layouts_of_the_same_families(tmp_path):
    """Half-width headings with a colon and value on the same line, 办结时限, 受理材料, numbered `1、`."""
    text = (
        "某市医保经办指南\n\n"
        "1、单位参保登记\n"
        "(一)事项名称：单位参保登记\n"
        "(二)服务对象：参保单位。\n"
        "(三)办理渠道：经办机构窗口、四川医保APP。\n"
        "(四)受理材料\n1、《登记表》(加盖单位公章)；\n2、委托办理的，应提供代理人身份证件。\n"
        "(五)办结时限：不超过 7 个工作日\n"
        "(六)办理流程\n1、申请：提交；\n2、办结：完成。\n"
    )
    (guide, _), = import_files([write(tmp_path, "x.txt", text)], region="dazhou")
    only = guide.items.get()
    assert only.code == "unit-enrollment" and only.service_objects == "参保单位。"
    assert [(t.when, t.working_days) for t in only.time_limits.all()] == [("", 7)]
    assert [m.when for m in only.materials.all()] == ["", "委托办理"]
    assert [c.code for c in only.channels.all()] == ["window", "sc-app"]
    assert [s.name for s in only.stages.all()] == ["申请", "办结"]


def test_import_command_and_errors(tmp_path):
    out = run("guides", "import", str(SEEDS["004"]), "--edition", "试行版", "--effective", "2024-03-01")
    assert "已导入" in out and "攀枝花市" in out and "34个事项" in out
    guide = Guide.objects.get()
    assert guide.edition == "试行版" and guide.effective_from == datetime.date(2024, 3, 1)
    assert "未变化" in run("guides", "import", str(SEEDS["004"]))
    with pytest.raises(CommandError, match="文件为空"):
        run("guides", "import", str(write(tmp_path, "e.txt", b"")))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("guides", "import", str(SEEDS["004"]), "--effective", "明天")


def test_load_defaults_twice_changes_nothing(seeded_catalog):
    before = (Guide.objects.count(), ServiceItem.objects.count())
    out = run("guides", "load-defaults")
    assert out.count("未变化") == 5
    assert (Guide.objects.count(), ServiceItem.objects.count()) == before == (5, 178)


def test_report_command(seeded_catalog):
    out = run("guides", "report")
    assert out.count("== ") == 5
    assert "事项：38个" in out and "事项：40个" in out
    assert "丢弃的识别噪声：17行" in out
    assert "0818-53360070818-5336359" in out or "连在一起" in out  # the glued complaint numbers of 达川区
    assert "0818-63327689" in out  # malformed: 8 local digits
    assert "事项名称为空" in out and "不一致" in out and "重复" in out
    section_000 = out.split("== 000")[1].split("== ")[0]
    assert "字段为空（事项数）" in section_000 and "materials" in section_000


def test_export_shape_and_every_limit(seeded_catalog):
    data = json.loads(run("catalog", "export", "--format", "json"))
    guides = data["guides"]
    assert len(guides) == 5
    assert sum(g["in_force"] for g in guides) == 4
    first = guides[0]
    assert set(first) >= {"source", "region", "edition", "in_force", "items"}
    assert set(first["region"]) == {"code", "name"}
    keys = {"code", "title", "service_objects", "channels", "materials", "stages", "time_limits", "time_limit_text",
            "query", "evaluation", "notes", "offices", "missing_fields"}
    by_source = {g["source"]: g for g in guides}
    for service_item in ServiceItem.objects.select_related("guide").prefetch_related("time_limits"):
        exported = by_source[service_item.guide.source]["items"][service_item.ordinal - 1]
        assert keys <= set(exported)
        assert exported["code"] == service_item.code
        assert exported["time_limits"] == [
            {"when": t.when or None, "working_days": t.working_days} for t in service_item.time_limits.all()
        ]
        if not exported["time_limits"]:
            assert "time_limits" in exported["missing_fields"]
    dazhou = by_source["001_8ae73a45f86e6fe7.txt"]
    employee = dazhou["items"][1]
    assert employee["time_limits"] == [{"when": "在职职工", "working_days": 3}, {"when": "灵活就业人员", "working_days": 0}]
    assert {"name", "when"} <= set(employee["materials"][0])
    office = dazhou["items"][0]["offices"][0]
    assert set(office) >= {"name", "address", "hours", "consult_phones", "complaint_phones"}
    only = json.loads(run("catalog", "export", "--region", "songpan"))
    assert [g["region"]["code"] for g in only["guides"]] == ["songpan"]


def test_export_query_count_does_not_grow_with_items(seeded_catalog, django_assert_max_num_queries):
    from yibao.catalog.export import export_catalog

    with django_assert_max_num_queries(12):
        export_catalog()


def test_search_command(seeded_catalog):
    rows = json.loads(run("catalog", "search", "退休后去外地生活，异地安置怎么备案", "--region", "dazhou", "--format", "json"))
    assert rows and rows[0]["code"] == "remote-retiree" and rows[0]["region"] == "dazhou"
    table = run("catalog", "search", "异地安置退休人员备案")
    assert "[remote-retiree]" in table.splitlines()[0]
    with pytest.raises(CommandError):
        run("catalog", "search", "   ")
