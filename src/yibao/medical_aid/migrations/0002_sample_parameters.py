"""Sample medical-aid parameters for every region (region=None), labelled 示例参数: the guides give no
amounts or ratios (R67). Full subsidy for 特困人员 and 重度残疾人, a fixed sum for the others
(national-rules §6: full for some groups, partial for others — *unconfirmed*). An administrator sets
each region's own versions in the admin; they replace these."""
import datetime
from decimal import Decimal as D

from django.db import migrations

BASIS = "示例参数：各指南未载明资助标准和救助比例，由统筹地区按本地政策设置"
START = datetime.date(2020, 1, 1)

# category, subsidy (None: full; else the fixed sum), threshold, ratio, yearly cap
ROWS = [
    ("extreme", None, "0", "1.0000", "60000"),
    ("subsistence", "240", "0", "0.7000", "50000"),
    ("low_income", "120", "1000", "0.6000", "30000"),
    ("monitored", "150", "1500", "0.6000", "30000"),
    ("disabled", None, "500", "0.6500", "40000"),
]


def forwards(apps, schema_editor):
    Subsidy = apps.get_model("medical_aid", "SubsidyParameters")
    Aid = apps.get_model("medical_aid", "AidParameters")
    for category, fixed, threshold, ratio, cap in ROWS:
        Subsidy.objects.get_or_create(
            region=None, category=category, effective_from=START,
            defaults={"mode": "fixed" if fixed else "full", "amount": D(fixed) if fixed else None, "sample": True,
                      "basis": BASIS})
        Aid.objects.get_or_create(
            region=None, category=category, effective_from=START,
            defaults={"threshold": D(threshold), "ratio": D(ratio), "yearly_cap": D(cap), "sample": True,
                      "basis": BASIS})


def backwards(apps, schema_editor):
    apps.get_model("medical_aid", "SubsidyParameters").objects.filter(region=None, basis=BASIS).delete()
    apps.get_model("medical_aid", "AidParameters").objects.filter(region=None, basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("medical_aid", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
