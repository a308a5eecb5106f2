"""Sample reimbursement parameters for every region (region=None) and both schemes, labelled
示例参数: no guide gives a deductible, ratio or cap (DESIGN.md). An administrator sets each
region's own versions in the admin; a region's own versions of a benefit replace these."""
import datetime
from decimal import Decimal as D

from django.db import migrations

BASIS = "示例参数：各指南未载明起付线、支付比例和封顶线，由统筹地区按本地政策设置"
START = datetime.date(2020, 1, 1)
CHRONIC = ("MT001", "MT002", "MT003", "MT004", "DX001", "DX002")
TWO = ("LB001", "LB002")

# (scheme, benefit, disease codes, deductible, per, (一级, 二级, 三级), 乙类自付, 未备案降低, cap)
ROWS = [
    ("employee", "outpatient", ("",), "200", "year", ("0.70", "0.60", "0.50"), "0.10", "0.10", "3000"),
    ("employee", "inpatient", ("",), "600", "admission", ("0.90", "0.85", "0.80"), "0.10", "0.10", "200000"),
    ("resident", "outpatient", ("",), "100", "year", ("0.60", "0.50", "0.40"), "0.15", "0.10", "1000"),
    ("resident", "inpatient", ("",), "400", "admission", ("0.85", "0.70", "0.55"), "0.15", "0.10", "150000"),
    ("employee", "chronic", CHRONIC, "0", "year", ("0.85", "0.80", "0.75"), "0.10", "0.10", "8000"),
    ("resident", "chronic", CHRONIC, "0", "year", ("0.70", "0.65", "0.60"), "0.15", "0.10", "5000"),
    ("resident", "chronic", TWO, "0", "year", ("0.50", "0.50", "0.50"), "0.15", "0.10", "800"),
]


def forwards(apps, schema_editor):
    Parameters = apps.get_model("claims", "ReimbursementParameters")
    for scheme, benefit, codes, deductible, per, ratios, share, unfiled, cap in ROWS:
        for code in codes:
            Parameters.objects.get_or_create(
                region=None, scheme=scheme, benefit=benefit, disease_code=code, effective_from=START,
                defaults={"deductible": D(deductible), "deductible_per": per, "ratio_level1": D(ratios[0]),
                          "ratio_level2": D(ratios[1]), "ratio_level3": D(ratios[2]), "class_b_share": D(share),
                          "unfiled_reduction": D(unfiled), "yearly_cap": D(cap), "sample": True, "basis": BASIS})


def backwards(apps, schema_editor):
    apps.get_model("claims", "ReimbursementParameters").objects.filter(region=None, basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
