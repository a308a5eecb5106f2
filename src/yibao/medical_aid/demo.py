"""Demo data for medical aid, for a first look with the printed accounts alone (演示数据, made-up
people): residents of 攀枝花 enrolled in the resident scheme, most with this year's contribution paid
in full, matching the shipped sample list (samples/aid-list-sample.csv: matches, a person not fully
paid, one who paid nothing, a duplicate, someone not insured here, an unknown category), so that a
免申即享 batch can be run and paid; and the demo resident 李居民 recognised as 低保对象 in 达州 for the
year, so that an aid reimbursement can be taken to 办结 (张演示, not recognised, shows R65)."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yibao.catalog.models import Region
from yibao.contributions.models import ResidentContribution
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Person, Scheme
from yibao.medical_aid.models import Recognition
from yibao.people.models import IdType

DUE = Decimal("380.00")  # 示例: the year's personal contribution
SINCE = datetime.date(2020, 1, 1)
# name, ID, paid (None: nothing recorded)
RESIDENTS = [
    ("阿依救助", "510402195803020118", DUE), ("吉克低保", "510402197206090221", DUE),
    ("沙马监测", "510402198011200333", DUE), ("杨重残", "510402196501150448", DUE),
    ("刘欠缴", "510402199004010552", Decimal("190.00")), ("陈未缴", "510402194908080665", None),
    ("马五保", "510402198802290881", DUE),
]  # 王外地 (510402197707070771) on the list is insured nowhere in the deployment


@transaction.atomic
def ensure_demo_aid():
    """The demo residents, their contributions and the demo recognition; returns lines to print."""
    year = timezone.localdate().year
    lines = []
    region = Region.objects.filter(code="panzhihua").first()
    if region is not None:
        for name, number, paid in RESIDENTS:
            person = registers.ensure_person(region, registers.person_particulars(IdType.RESIDENT_ID, number, name=name),
                                             phone="", actor=None, channel=Channel.SYSTEM)
            if registers.open_enrollment(person, Scheme.RESIDENT) is None:
                registers.enrol(person, Scheme.RESIDENT, region=region, on=SINCE, actor=None, channel=Channel.SYSTEM)
            if paid is not None:
                ResidentContribution.objects.get_or_create(
                    person=person, year=year,
                    defaults={"region": region, "due": DUE, "paid": paid, "paid_on": datetime.date(year - 1, 12, 20),
                              "reference": f"演示缴费{number[-4:]}"})
        lines.append(f"攀枝花市城乡居民{len(RESIDENTS)}人（{year}年个人缴费：4人已全额缴纳，1人未缴足，1人未缴），"
                     "对应示例名单 src/yibao/medical_aid/samples/aid-list-sample.csv（工作台 → 医疗救助可下载）")
    dazhou = Region.objects.filter(code="dazhou").first()
    resident = Person.objects.filter(id_number="511702198506124325").first()  # 李居民 (entitlements.demo)
    if dazhou is not None and resident is not None:
        Recognition.objects.get_or_create(person=resident, year=year, defaults={
            "category": "subsistence", "source": "civil", "reference": "演示：达州市民政局低保证"})
        lines.append(f"李居民：{year}年认定为低保对象（演示数据），可在达州申请医疗救助对象手工（零星）报销")
    return lines
