"""A sample disease list for every region (region=None), labelled 示例参数: the guides name the
procedure and the records (R42: 出院记录或诊断证明、检验检查报告), not the diseases or how long a
recognition lasts. An administrator keeps each region's own list in the admin."""
import datetime

from django.db import migrations

BASIS = "示例参数：各指南未载明认定病种目录及有效期，由统筹地区按本地政策设置"
START = datetime.date(2020, 1, 1)
RECORDS = ["出院记录或诊断证明", "检验检查报告"]  # R42

# (kind, schemes, code, name, extra documents, validity in months)
ROWS = [
    ("chronic-disease", ("employee", "resident"), "MT001", "恶性肿瘤门诊治疗", ["病理诊断报告"], 24),
    ("chronic-disease", ("employee", "resident"), "MT002", "慢性肾功能衰竭（透析治疗）", ["透析治疗记录"], 24),
    ("chronic-disease", ("employee", "resident"), "MT003", "高血压病（合并心、脑、肾并发症）", [], 24),
    ("chronic-disease", ("employee", "resident"), "MT004", "糖尿病（合并并发症）", ["糖化血红蛋白检验报告"], 24),
    ("two-diseases", ("resident",), "LB001", "高血压（两病门诊用药）", [], 12),
    ("two-diseases", ("resident",), "LB002", "糖尿病（两病门诊用药）", [], 12),
    ("special-drugs", ("employee", "resident"), "DX001", "特定肿瘤靶向药物治疗", ["基因检测报告"], 12),
    ("special-drugs", ("employee", "resident"), "DX002", "罕见病高值药品治疗", [], 12),
]


def forwards(apps, schema_editor):
    Disease = apps.get_model("entitlements", "Disease")
    for kind, schemes, code, name, extra, months in ROWS:
        for scheme in schemes:
            Disease.objects.get_or_create(
                region=None, scheme=scheme, code=code, effective_from=START,
                defaults={"kind": kind, "name": name, "documents": RECORDS + extra, "validity_months": months,
                          "sample": True, "basis": BASIS})


def backwards(apps, schema_editor):
    apps.get_model("entitlements", "Disease").objects.filter(region=None, basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
