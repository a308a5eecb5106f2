"""Demo data for 异地就医直接结算问题协调服务 (remote-settlement-help), which only the 附件5 template
guide publishes (none of the three demo regions does): a made-up county, 演示县, that adopts the
template as its guide — what `yibao guides import 003_… --region CODE` does for a real county — and
its clerk, so that the printed accounts can take a ticket from intake to the answer fed back."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yibao.catalog.guides.importer import import_files, seed_dir
from yibao.catalog.models import Guide, Office, Region
from yibao.people import actions as people
from yibao.people.demo import DEMO_PASSWORD
from yibao.people.models import Role

COUNTY = {"code": "demo-county", "name": "演示县（采用附件5模板指南）"}
TEMPLATE = "003_0a79226fc910f612.txt"
CLERK = "demo-county-clerk"


@transaction.atomic
def ensure_demo_county():
    """The county, its guide (the template, in force from today) and its clerk; created once.
    Returns [(description, login, password)] for the printed list; empty if the template is missing."""
    path = seed_dir() / TEMPLATE
    if not path.exists():
        return []
    region, _ = Region.objects.get_or_create(code=COUNTY["code"], defaults={"name": COUNTY["name"], "sort_order": 900})
    if not Guide.objects.filter(region=region).exists():
        import_files([path], region=region.code, effective=timezone.localdate())
    if not get_user_model().objects.filter(username=CLERK).exists():
        office = (Office.objects.filter(guide__region=region).order_by("ordinal").values_list("name", flat=True)
                  .first() or "医疗保障事务中心")
        people.create_staff(CLERK, DEMO_PASSWORD, region, office, [Role.CLERK, Role.REVIEWER])
    return [(f"{region.name} 窗口受理、审核（异地就医直接结算问题协调）", CLERK, DEMO_PASSWORD)]
