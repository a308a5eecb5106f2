"""The demo's registers for one region, written through the domains' own actions and their bulk
paths: employers registered one by one (单位参保登记), their employees enrolled from one 增减表 per
employer (the sheet import: a few thousand rows in a second), the year's bases declared and the
months assessed (缴费基数申报, 核定), all but the last month paid; the applicants' personal accounts
credited. Deterministic from the random source it is given."""
import datetime
import io
from dataclasses import dataclass, field

from stdnum.cn import ric, uscc

from yibao.accounts import actions as accounts
from yibao.cases import actions as engine
from yibao.cases.snapshot import has_review
from yibao.contributions import actions as contributions
from yibao.contributions.models import NoticeState, PaymentNotice
from yibao.core.models import Channel
from yibao.demo.staff import team
from yibao.enrollment import actions as registers
from yibao.enrollment import sheets
from yibao.enrollment.models import Employer, Enrollment, Scheme

SYSTEM = Channel.SYSTEM
# 行政区划代码 of each demo region (ID numbers and credit codes are made in them)
DIVISION = {"dazhou": "511702", "songpan": "513233", "panzhihua": "510402"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌海燕云飞鹏辉"
TRADES = ["商贸", "建材", "餐饮", "物流", "科技", "农业", "医药", "文化", "机械", "旅游"]


@dataclass
class Registers:
    employers: list = field(default_factory=list)
    persons: list = field(default_factory=list)  # enrolled employees (enrollment.Person)
    residents: list = field(default_factory=list)  # enrolled in the resident scheme
    flexible: list = field(default_factory=list)  # 灵活就业人员 (employee scheme, no employer)


def name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def id_numbers(rng, division, n, taken=()):
    """n distinct valid 身份证号 of `division`, born 1960–2000."""
    out, seen = [], set(taken)
    while len(out) < n:
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
        body = f"{division}{born:%Y%m%d}{rng.randrange(500, 1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


def credit_code(division, n):
    body = f"91{division}MA{n % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def _sheet(rows, on):
    from openpyxl import Workbook  # loaded when a sheet is written: `yibao` starts without it

    book = Workbook(write_only=True)
    sheet = book.create_sheet("增减表")
    sheet.append(sheets.COLUMNS)
    for number, person_name in rows:
        sheet.append(["居民身份证", number, person_name, None, None, None, "增加", on.isoformat()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(region, rng, *, persons, since, today):
    """Employers, employees, contributions from `since` (a first of month) to `today`."""
    division = DIVISION.get(region.code, "511702")
    made = Registers()
    n_employers = max(2, persons // 10)  # small and middling employers, ~10 employees each
    for i in range(n_employers):
        data = {"uscc": credit_code(division, rng.randrange(10**4) * 1000 + i), "kind": "企业",
                "name": f"{region.name.removesuffix('市').removesuffix('县')}{rng.choice(TRADES)}演示{i + 1}号有限公司",
                "legal_representative": name(rng), "bank_name": "中国银行演示支行", "bank_account": "6222020200112233445",
                "phone": f"0818-21{i % 100000:05d}",
                "address": f"{region.name}演示路{i + 1}号"}
        if Employer.objects.filter(uscc=data["uscc"]).exists():
            continue
        made.employers.append(registers.register_employer(region=region, data=data, on=since, actor=None,
                                                          channel=SYSTEM))
    numbers = id_numbers(rng, division, persons)
    per = -(-len(numbers) // len(made.employers))
    for k, employer in enumerate(made.employers):
        rows = [(n, name(rng)) for n in numbers[k * per:(k + 1) * per]]
        if rows:
            # A sheet is one 职工参保登记 case (accepted on receipt when filed as the system): its rows
            # are enrolled when that case completes, so the demo takes it to 办结 as staff would.
            case = sheets.import_sheet(io.BytesIO(_sheet(rows, since)), employer_uscc=employer.uscc, actor=None,
                                       channel=SYSTEM, file_name=f"增减表（演示数据）{k + 1}.xlsx")
            _complete_sheet_case(case, region)
    enrolled = Enrollment.objects.filter(employer__in=made.employers, scheme=Scheme.EMPLOYEE).select_related("person")
    made.persons = sorted((e.person for e in enrolled), key=lambda p: p.id_number)
    _contributions(made, region, rng, since=since, today=today)
    made.residents = _enrol_alone(region, rng, Scheme.RESIDENT, max(8, persons // 10), since=since)
    made.flexible = _enrol_alone(region, rng, Scheme.EMPLOYEE, max(6, persons // 40), since=since)
    return made


def _enrol_alone(region, rng, scheme, n, *, since):
    """`n` persons enrolled in `scheme` on their own (residents; flexible workers with no employer),
    through the register's own actions."""
    from yibao.enrollment.models import Person
    from yibao.people.models import IdType

    division = DIVISION.get(region.code, "511702")
    taken = set(Person.objects.values_list("id_number", flat=True))
    out = []
    for number in id_numbers(rng, division, n, taken=taken):
        person = registers.ensure_person(region, registers.person_particulars(IdType.RESIDENT_ID, number, name=name(rng)),
                                         phone=f"137{rng.randrange(10**8):08d}", actor=None, channel=SYSTEM)
        registers.enrol(person, scheme, region=region, on=since, actor=None, channel=SYSTEM, reason="演示数据")
        out.append(person)
    return out


def _complete_sheet_case(case, region):
    t = team(region)
    if has_review(case.snapshot):
        case = engine.start_review(case, t.reviewer, channel=Channel.WINDOW, comment="演示数据")
        case = engine.approve_case(case, t.reviewer2, channel=Channel.WINDOW, comment="演示数据")
    engine.complete_case(case, t.clerk, channel=Channel.WINDOW, comment="演示数据")


def _contributions(made, region, rng, *, since, today):
    by_employer = {}
    for e in Enrollment.objects.filter(employer__in=made.employers).select_related("person"):
        by_employer.setdefault(e.employer_id, []).append(e.person)
    for employer in made.employers:
        rows = [{"id_number": p.id_number, "name": p.name, "base": str(rng.choice((4000, 4500, 5000, 6000, 8000)))}
                for p in by_employer.get(employer.pk, [])]
        if rows:
            contributions.declare_bases(employer, region=region, year=since.year, from_month=since.month, rows=rows,
                                        today=today, actor=None, channel=SYSTEM)
    this_month = today.replace(day=1)
    for notice in PaymentNotice.objects.filter(employer__in=made.employers, state=NoticeState.ISSUED,
                                               period_from__lt=this_month).order_by("pk"):
        contributions.pay_notice(notice, paid_on=notice.period_from.replace(day=15), reference="演示数据",
                                 actor=None, channel=SYSTEM)


def credit_accounts(persons, region, rng, *, on):
    """A balance on each applicant's personal account (the yearly transfer in, 演示数据)."""
    for person in persons:
        accounts.credit(person, region, f"{rng.randrange(800, 6000)}.{rng.randrange(100):02d}", on=on,
                        reference="个人账户划入（演示数据）", actor=None, channel=SYSTEM)
