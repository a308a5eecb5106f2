"""Demo registers for a first look: the demo person (people.demo) insured in 达州 as a flexible
worker with a personal account balance, so that an account withdrawal can be taken from the
window to 办结 with the printed accounts alone. Written through the domains' own actions, once."""
import datetime
from decimal import Decimal

from django.db import transaction

from yibao.accounts import actions as accounts
from yibao.accounts.models import PersonalAccount
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Scheme
from yibao.people.demo import DEMO_APPLICANTS
from yibao.people.models import ApplicantKind

DEMO_BALANCE = Decimal("2345.67")  # 演示数据
SINCE = datetime.date(2020, 1, 1)


@transaction.atomic
def ensure_demo_insured():
    """The demo person's enrolment and account in 达州; returns a line to print, or "" when the
    region or the person is missing."""
    region = Region.objects.filter(code="dazhou").first()
    kind, id_type, number, name, phone = next(a for a in DEMO_APPLICANTS if a[0] == ApplicantKind.PERSON)
    if region is None:
        return ""
    c = Channel.SYSTEM
    person = registers.ensure_person(region, registers.person_particulars(id_type, number, name=name), phone=phone,
                                     actor=None, channel=c)
    if registers.open_enrollment(person, Scheme.EMPLOYEE) is None:
        registers.enrol(person, Scheme.EMPLOYEE, region=region, on=SINCE, actor=None, channel=c)
    if not PersonalAccount.objects.filter(person=person, region=region).exists():
        accounts.credit(person, region, DEMO_BALANCE, on=datetime.date(2025, 12, 31), reference="历史余额（演示数据）",
                        actor=None, channel=c)
    balance = PersonalAccount.objects.get(person=person, region=region).balance()
    return f"{name}：达州市职工医保（灵活就业）参保，个人账户余额 {balance} 元（演示数据，可办理个人账户一次性支取）"
