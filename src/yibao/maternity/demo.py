"""Demo data for the maternity items, for a first look with the printed accounts alone: the demo
employer (达州市演示商贸有限公司, people.demo) registered in 达州 with its bank account, and an
insured woman employee (王演示) with her own account, her employee enrolment through that employer,
last year's contribution base (the allowance's average wage comes from the register) and a
birth-service certificate received by data sharing (R53). Written once; the birth facts and the
invoices are what the user enters."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yibao.catalog.models import Region
from yibao.contributions.models import ContributionBase
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Employer, EmployerKind, Scheme
from yibao.maternity.models import SharedBirthCertificate
from yibao.people import actions as people
from yibao.people.demo import DEMO_APPLICANTS, DEMO_PASSWORD
from yibao.people.models import Applicant, ApplicantKind, IdType

# 演示数据: made-up, valid numbers
WOMAN = ("511702199208150247", "王演示", "13800003333")
EMPLOYER_USCC = next(a[2] for a in DEMO_APPLICANTS if a[0] == ApplicantKind.EMPLOYER)
EMPLOYER_ACCOUNT = ("中国建设银行达州分行", "51001234500050001234")
BASE = Decimal("6000.00")
SINCE = datetime.date(2020, 1, 1)


@transaction.atomic
def ensure_demo_maternity():
    """The demo employer's registration, the demo woman and her enrolment; returns lines to print."""
    region = Region.objects.filter(code="dazhou").first()
    employer_account = Applicant.objects.filter(id_number=EMPLOYER_USCC).first()
    if region is None or employer_account is None:
        return []
    employer = Employer.objects.filter(uscc=EMPLOYER_USCC).first() or registers.register_employer(
        region=region, on=SINCE, actor=None, channel=Channel.SYSTEM,
        data={"uscc": EMPLOYER_USCC, "name": employer_account.name, "kind": EmployerKind.ENTERPRISE,
              "legal_representative": "赵演示", "bank_name": EMPLOYER_ACCOUNT[0], "bank_account": EMPLOYER_ACCOUNT[1],
              "phone": employer_account.phone, "address": "达州市通川区演示路1号"})
    number, name, phone = WOMAN
    if not Applicant.objects.filter(id_number=number).exists():
        people.register_applicant(ApplicantKind.PERSON, IdType.RESIDENT_ID, number, name, phone, DEMO_PASSWORD,
                                  region=region, channel=Channel.SYSTEM)
    person = registers.ensure_person(region, registers.person_particulars(IdType.RESIDENT_ID, number, name=name),
                                     phone=phone, actor=None, channel=Channel.SYSTEM)
    if registers.open_enrollment(person, Scheme.EMPLOYEE) is None:
        registers.enrol(person, Scheme.EMPLOYEE, employer=employer, region=region, on=SINCE, actor=None,
                        channel=Channel.SYSTEM)
    today = timezone.localdate()
    for year in (today.year - 2, today.year - 1):  # a birth this year reads last year's base, one last year the year before
        ContributionBase.objects.get_or_create(employer=employer, person=person, year=year, defaults={"base": BASE})
    SharedBirthCertificate.objects.get_or_create(id_number=number, number="DZ-SYFW-2026-0001", defaults={
        "issued_on": today - datetime.timedelta(days=240), "source": "达州市卫生健康委员会（演示数据）"})
    return [
        f"个人（居民身份证）{name}：账号 {number}  密码 {DEMO_PASSWORD}（女职工，经{employer.name}参加达州市职工医保；"
        f"上年度缴费基数{BASE}元；生育服务证已数据共享；可办理生育保险待遇合并申请）",
    ]
