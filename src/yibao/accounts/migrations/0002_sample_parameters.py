"""The one figure the guides give for accounts: 5000元 (template guide 003, C14/R26), shipped as a
sample default for every region; an administrator sets each region's own (or empties it)."""
import datetime
from decimal import Decimal

from django.db import migrations

BASIS = ("附件5 公共服务事项指南（模板）：异地安置人员个人账户余额超过5000元、医疗保险关系转移至统筹范围外"
         "且个人账户余额超过5000元的，可以申请一次性支取")


def forwards(apps, schema_editor):
    AccountParameters = apps.get_model("accounts", "AccountParameters")
    AccountParameters.objects.get_or_create(
        region=None, effective_from=datetime.date(2020, 1, 1),
        defaults={"withdrawal_threshold": Decimal("5000.00"), "sample": True, "basis": BASIS})


def backwards(apps, schema_editor):
    apps.get_model("accounts", "AccountParameters").objects.filter(region=None, basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
