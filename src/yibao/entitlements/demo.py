"""Demo data for the recognition and reimbursement items, for a first look with the printed
accounts alone: a medical-expert pool in each demo region (R04), and the demo resident (people.demo)
insured in 达州's resident scheme, so that a 门诊慢特病 or “两病” recognition and then an outpatient
claim can be taken from application to 办结. Written through the domains' own actions, once."""
import datetime

from django.db import transaction

from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Scheme
from yibao.entitlements.models import Expert
from yibao.people.demo import DEMO_APPLICANTS, DEMO_REGIONS

# 演示数据: made-up names
EXPERTS = [("王心远", "心血管内科"), ("李肾安", "肾内科"), ("陈糖宁", "内分泌科"), ("周瘤清", "肿瘤科")]
RESIDENT_NAME = "李居民"
SINCE = datetime.date(2020, 1, 1)


@transaction.atomic
def ensure_demo_entitlements():
    """The expert pools and the demo resident's enrolment; returns lines to print."""
    lines = []
    for region in Region.objects.filter(code__in=DEMO_REGIONS):
        if not Expert.objects.filter(region=region).exists():
            for name, specialty in EXPERTS:
                Expert.objects.create(region=region, name=name, specialty=specialty,
                                      institution=f"{region.name}演示医院（演示数据）")
        lines.append(f"{region.name}医疗专家库：{Expert.objects.filter(region=region, active=True).count()}名专家（演示数据）")
    region = Region.objects.filter(code="dazhou").first()
    resident = next((a for a in DEMO_APPLICANTS if a[3] == RESIDENT_NAME), None)
    if region is not None and resident is not None:
        kind, id_type, number, name, phone = resident
        person = registers.ensure_person(region, registers.person_particulars(id_type, number, name=name), phone=phone,
                                         actor=None, channel=Channel.SYSTEM)
        if registers.open_enrollment(person, Scheme.RESIDENT) is None:
            registers.enrol(person, Scheme.RESIDENT, region=region, on=SINCE, actor=None, channel=Channel.SYSTEM)
        lines.append(f"{name}：达州市城乡居民医保参保（演示数据，可申请门诊慢特病、“两病”认定，再申请门诊费用报销）")
    return lines
