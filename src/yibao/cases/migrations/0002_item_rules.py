"""Sample item rules the guides state in their notes: 定点申请 — 对申请材料内容不全的，应自收到材料之日起
5个工作日内一次性告知 (攀枝花 2024, items 医疗机构/零售药店申请定点协议管理). Editable in the admin."""
from django.db import migrations

RULES = [
    ("hospital-designation", 5, "攀枝花 2024 指南：自收到材料之日起5个工作日内一次性告知补充"),
    ("pharmacy-designation", 5, "攀枝花 2024 指南：自收到材料之日起5个工作日内一次性告知补充"),
]


def add(apps, schema_editor):
    ItemRule = apps.get_model("cases", "ItemRule")
    for code, days, note in RULES:
        ItemRule.objects.get_or_create(item_code=code, defaults={"incompleteness_notice_days": days, "note": note})


def remove(apps, schema_editor):
    apps.get_model("cases", "ItemRule").objects.filter(item_code__in=[c for c, _, _ in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
