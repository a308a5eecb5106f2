"""Sample maternity parameters for every region (region=None), labelled 示例参数: no guide gives a
figure (seed-analysis §3.12). The allowance's leave days are the national ones (女职工劳动保护特别规定
art. 7) and the rate formula the sample the national notes cite (月平均工资×12÷365); the Sichuan
extension of 60 days is recorded but, as a sample, not paid by the fund (cities differ, unconfirmed).
An administrator sets each region's own versions in the back office."""
import datetime
from decimal import Decimal as D

from django.db import migrations

BASIS = "示例参数：各指南未载明生育医疗费用支付标准和生育津贴计发办法，由统筹地区按本地政策设置"
START = datetime.date(2020, 1, 1)
# item, deductible, (一级, 二级, 三级), 乙类自付, yearly cap
TARIFFS = [
    ("prenatal-payment", "0", ("1.00", "1.00", "1.00"), "0.00", "1000"),
    ("maternity-medical-payment", "0", ("1.00", "0.95", "0.90"), "0.10", "6000"),
    ("family-planning-payment", "0", ("1.00", "0.95", "0.90"), "0.10", "3000"),
]


def forwards(apps, schema_editor):
    Tariff = apps.get_model("maternity", "MaternityTariff")
    for code, deductible, ratios, share, cap in TARIFFS:
        Tariff.objects.get_or_create(region=None, item_code=code, effective_from=START, defaults={
            "deductible": D(deductible), "ratio_level1": D(ratios[0]), "ratio_level2": D(ratios[1]),
            "ratio_level3": D(ratios[2]), "class_b_share": D(share), "yearly_cap": D(cap), "sample": True,
            "basis": BASIS})
    apps.get_model("maternity", "AllowanceParameters").objects.get_or_create(
        region=None, effective_from=START, defaults={
            "base_days": 98, "difficult_days": 15, "per_extra_baby_days": 15, "miscarriage_early_days": 15,
            "miscarriage_late_days": 42, "regional_extra_days": 60, "regional_extra_paid": False,
            "regional_extra_basis": "四川省人口与计划生育条例延长生育假60天（示例参数：是否由基金计发各市不同）",
            "rate_months": 12, "rate_days": 365, "sample": True, "basis": BASIS})


def backwards(apps, schema_editor):
    apps.get_model("maternity", "MaternityTariff").objects.filter(region=None, basis=BASIS).delete()
    apps.get_model("maternity", "AllowanceParameters").objects.filter(region=None, basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("maternity", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
