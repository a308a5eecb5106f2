"""Sample settlement parameters for every region without its own, labelled as samples. The guides
give the cycle and (004) the day, 每月15日前; the deposit rate, the ceiling per line, the publicity
period and the agreement's length are local policy and shipped only as samples."""
import datetime
from decimal import Decimal

from django.db import migrations

BASIS = "示例参数：004指南“每月15日前”；保证金比例、单条上限、公示期、协议期为演示数值"


def forward(apps, schema_editor):
    apps.get_model("providers", "SettlementParameters").objects.get_or_create(
        region=None, effective_from=datetime.date(2020, 1, 1),
        defaults={"quarterly": False, "claim_due_day": 15, "deposit_rate": Decimal("0.0500"),
                  "line_ceiling": Decimal("50000.00"), "publicity_days": 5, "agreement_years": 1, "sample": True,
                  "basis": BASIS})


def backward(apps, schema_editor):
    apps.get_model("providers", "SettlementParameters").objects.filter(region=None, basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
