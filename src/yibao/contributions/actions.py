"""Every change to the contributions register, one function per verb.

Each runs in one transaction, locks the payer's row (person or employer) so two demands for the
same months cannot cross, writes the rows with the figures as applied, and records the audit
entry. The quotes (flexible_quote, declaration_quote, lump_sum_quote) compute without writing:
handlers call them to refuse a hopeless case at submission, the actions call them again under
the lock.

Which parameters apply (parameters.parameters_for): a month's contribution takes the version in
force on the month's first day; a 趸缴 the version in force on the day the case was submitted;
in both cases only versions recorded by the time the case was submitted (`known_at`).
"""
import calendar
import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from yibao.cases.interface import prefix_for
from yibao.catalog.models import Region
from yibao.contributions.exceptions import (
    BaseAlreadyDeclared,
    BaseOutOfBounds,
    InvalidDeclaration,
    InvalidPeriod,
    LumpSumNotNeeded,
    LumpSumOutstanding,
    MonthsAlreadyAssessed,
    NoticeNotPayable,
)
from yibao.contributions.models import (
    LIVE_ASSESSMENTS,
    Assessment,
    AssessmentState,
    ContributionBase,
    ContributionPeriod,
    NoticeKind,
    NoticeState,
    PaymentNotice,
    PeriodSource,
    amounts,
    contribution_months,
    years_text,
)
from yibao.core.audit import acting_user, record
from yibao.core.masking import mask_id_number
from yibao.core.models import Channel
from yibao.core.money import MoneyError, yuan
from yibao.enrollment.models import Enrollment, EnrollmentStatus, Person, Scheme
from yibao.enrollment.models import SAMPLE_LABEL, PolicyParameters
from yibao.enrollment.parameters import month_start, parameters_for

ZERO = Decimal("0")
EMPLOYEE = Scheme.EMPLOYEE

# Sample figures, shipped so a fresh deployment can be tried: not any region's policy, and
# labelled SAMPLE_LABEL wherever they are shown. Administrators replace them in the admin.
SAMPLE_FROM = datetime.date(2020, 1, 1)
SAMPLE_VALUES = {
    "employer_rate": Decimal("0.0700"),
    "personal_rate": Decimal("0.0200"),
    "base_floor": Decimal("4000.00"),
    "base_ceiling": Decimal("20000.00"),
    "flexible_rate": Decimal("0.0800"),
    "flexible_base_floor": Decimal("4000.00"),
    "flexible_base_ceiling": Decimal("20000.00"),
    "lump_sum_years_male": 30,
    "lump_sum_years_female": 25,
    "lump_sum_base": Decimal("6000.00"),
    "lump_sum_rate": Decimal("0.0800"),
    "retirement_age_male": 60,
    "retirement_age_female": 55,
    "notice_due_days": 30,
}


def _case_ref(case):
    return f"{case.receipt_no} " if case is not None else ""


def _lock(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def month_label(month):
    return f"{month.year}年{month.month}月"


def months_from(first, last):
    """The first days of every month from `first` to `last` (both month starts), in order."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _number(region, tag, day):
    # Random tail: numbers are unique (database constraint) and cannot be enumerated.
    return f"{prefix_for(region)}-{tag}-{day:%Y%m%d}-{secrets.token_hex(5).upper()}"


def _issue_notice(*, kind, region, today, params, person=None, employer=None, case=None, period=(None, None),
                  items, total, label):
    due_from = max(today, period[0] or today)
    return PaymentNotice.objects.create(
        number=_number(region, "JF", today), kind=kind, region=region, person=person, employer=employer, case=case,
        period_from=period[0], period_to=period[1], items=items, total=total, issued_on=today,
        due_on=due_from + datetime.timedelta(days=params.need("notice_due_days")), parameters_label=label,
    )


def _label(versions):
    return SAMPLE_LABEL if any(v.sample for v in versions) else ""


def _already_assessed(person_ids, months):
    """{person_id: [months]} of live assessments among `months`."""
    found = {}
    rows = Assessment.objects.filter(person_id__in=person_ids, month__in=months, state__in=LIVE_ASSESSMENTS)
    for person_id, month in rows.values_list("person_id", "month").order_by("month"):
        found.setdefault(person_id, []).append(month)
    return found


def _check_bounds(base, params, floor_field, ceiling_field, what):
    floor, ceiling = params.need(floor_field), params.need(ceiling_field)
    if base < floor or base > ceiling:
        label = f"（{params.label}）" if params.label else ""
        raise BaseOutOfBounds(f"{what}{base}元不在缴费基数下限{floor}元至上限{ceiling}元之间{label}",
                              base=str(base), floor=str(floor), ceiling=str(ceiling))


# ---------------------------------------------------------------- parameters


def load_sample_parameters(*, actor=None, channel=Channel.COMMAND, regions=None):
    """Give every region without parameters the sample version (idempotent). Returns the new rows."""
    regions = regions if regions is not None else Region.objects.filter(is_template=False)
    created = []
    with transaction.atomic():
        for region in regions:
            if PolicyParameters.objects.filter(region=region, scheme=EMPLOYEE).exists():
                continue
            version = PolicyParameters.objects.create(
                region=region, scheme=EMPLOYEE, effective_from=SAMPLE_FROM, sample=True, created_by=acting_user(actor),
                basis=f"{SAMPLE_LABEL}：系统内置演示数值，正式使用前须由管理员按本地区政策录入", **SAMPLE_VALUES)
            record(actor=acting_user(actor), channel=channel, action="载入示例政策参数", obj=version, summary=str(version))
            created.append(version)
    return created


# ---------------------------------------------------------------- 灵活就业人员缴费


@dataclass
class Line:
    month: datetime.date
    base: Decimal
    params: PolicyParameters
    employer_rate: Decimal
    personal_rate: Decimal
    employer_amount: Decimal = ZERO
    personal_amount: Decimal = ZERO
    amount: Decimal = ZERO

    def __post_init__(self):
        self.employer_amount, self.personal_amount, self.amount = amounts(self.base, self.employer_rate,
                                                                           self.personal_rate)

    def as_item(self, **extra):
        return {"month": self.month.strftime("%Y-%m"), "base": str(self.base), "rate": str(self.employer_rate +
                self.personal_rate), "employer_amount": str(self.employer_amount),
                "personal_amount": str(self.personal_amount), "amount": str(self.amount), **extra}


def flexible_quote(person, *, region, first, last, base=None, known_at=None):
    """The lines a flexible worker would owe for the months `first`..`last` (month starts) at
    `base` (None: each month's floor). Refuses a base out of bounds and months already owed."""
    if last < first:
        raise InvalidPeriod("缴费起始月份不能晚于截止月份")
    months = months_from(first, last)
    lines = []
    for month in months:
        params = parameters_for(region, EMPLOYEE, month, known_at=known_at)
        month_base = params.need("flexible_base_floor") if base is None else base
        _check_bounds(month_base, params, "flexible_base_floor", "flexible_base_ceiling",
                      f"{month_label(month)}的缴费基数")
        lines.append(Line(month, month_base, params, ZERO, params.need("flexible_rate")))
    taken = _already_assessed([person.pk], months).get(person.pk)
    if taken:
        raise MonthsAlreadyAssessed(f"以下月份已核定或已缴费，不能重复缴费：{'、'.join(month_label(m) for m in taken)}",
                                    months=[m.strftime("%Y-%m") for m in taken])
    return lines


def issue_flexible_notice(person, *, region, first, last, base=None, today, actor, channel, case=None,
                          known_at=None):
    """出具缴费通知单 for a flexible worker's months: one assessment per month, one notice."""
    with transaction.atomic():
        person = _lock(person)
        lines = flexible_quote(person, region=region, first=first, last=last, base=base, known_at=known_at)
        total = sum((line.amount for line in lines), ZERO)
        notice = _issue_notice(kind=NoticeKind.FLEXIBLE, region=region, today=today, params=lines[0].params,
                               person=person, case=case, period=(first, last), items=[l.as_item() for l in lines],
                               total=total, label=_label(l.params for l in lines))
        _write_assessments(notice, [(person.pk, None, line) for line in lines], region=region, case=case)
        record(actor=acting_user(actor), channel=channel, action="出具缴费通知单", obj=notice,
               summary=f"{_case_ref(case)}{person} 灵活就业人员 {month_label(first)}至{month_label(last)} "
                       f"{len(lines)}个月 应缴{total}元 {notice.parameters_label}".strip(),
               changes={"number": notice.number, "total": str(total)})
    return notice


def _write_assessments(notice, rows, *, region, case):
    """rows: (person_id, employer_id, Line)."""
    try:
        with transaction.atomic():
            Assessment.objects.bulk_create([
                Assessment(person_id=person_id, employer_id=employer_id, region=region, month=line.month,
                           base=line.base, employer_rate=line.employer_rate, personal_rate=line.personal_rate,
                           employer_amount=line.employer_amount, personal_amount=line.personal_amount,
                           amount=line.amount, parameters=line.params, case=case, notice=notice)
                for person_id, employer_id, line in rows
            ], batch_size=1000)
    except IntegrityError:  # another demand for one of these months committed first
        raise MonthsAlreadyAssessed("部分月份已被核定，请刷新后重试") from None


# ---------------------------------------------------------------- 缴费基数申报


@dataclass
class Declared:
    row: int
    person: Person
    enrollment: Enrollment
    base: Decimal


@dataclass
class DeclarationQuote:
    year: int
    from_month: datetime.date
    rows: list = field(default_factory=list)  # [Declared]
    params: PolicyParameters | None = None


def declaration_quote(employer, *, region, year, from_month, rows, known_at=None):
    """Check a declaration: every row names an employee enrolled through `employer`, once, with
    a base within the floor and ceiling in force on the first declared month, not declared for
    the year before. All problems are reported at once, by row (the sheet's row number when the
    rows came from a sheet, else 1-based)."""
    if not 1 <= from_month <= 12:
        raise InvalidPeriod("申报起始月份应为1至12")
    first = datetime.date(year, from_month, 1)
    params = parameters_for(region, EMPLOYEE, first, known_at=known_at)
    floor, ceiling = params.need("base_floor"), params.need("base_ceiling")
    numbers = [(r.get("id_number") or "").strip().upper() for r in rows]
    persons = {p.id_number: p for p in Person.objects.filter(id_number__in=set(numbers))}
    enrollments = {
        e.person_id: e for e in Enrollment.objects.filter(
            employer=employer, scheme=EMPLOYEE, person__in=persons.values(),
            status__in=(EnrollmentStatus.ACTIVE, EnrollmentStatus.SUSPENDED, EnrollmentStatus.INTERRUPTED))
    }
    declared = set(ContributionBase.objects.filter(employer=employer, year=year, person__in=persons.values())
                   .values_list("person_id", flat=True))
    errors, good, seen = [], [], set()
    label = f"（{params.label}）" if params.label else ""
    for n, (number, raw) in enumerate(zip(numbers, rows), start=1):
        person = persons.get(number)
        problem = None  # (the exception it is a case of, the message)
        try:
            base = yuan(raw.get("base", ""))
        except MoneyError:
            base, problem = None, (InvalidDeclaration, "缴费基数格式不正确")
        if not number:
            problem = (InvalidDeclaration, "未填写证件号码")
        elif number in seen:
            problem = (InvalidDeclaration, "证件号码重复")
        elif person is None or person.pk not in enrollments:
            problem = (InvalidDeclaration, f"不是{employer.name}的在册职工")
        elif person.pk in declared:
            problem = (BaseAlreadyDeclared, f"{year}年度缴费基数已申报，不能重复申报")
        elif base is not None and not floor <= base <= ceiling:
            problem = (BaseOutOfBounds, f"缴费基数{base}元不在下限{floor}元至上限{ceiling}元之间{label}")
        seen.add(number)
        row = raw.get("row") or n
        if problem:
            errors.append((problem[0], {"row": row, "id_number": mask_id_number(number), "message": problem[1]}))
        else:
            good.append(Declared(row, person, enrollments[person.pk], base))
    if errors:
        kinds = {kind for kind, _ in errors}
        first_error = errors[0][1]
        raise (kinds.pop() if len(kinds) == 1 else InvalidDeclaration)(
            f"缴费基数申报有{len(errors)}行不符合要求（第{first_error['row']}行：{first_error['message']}）",
            errors=[e for _, e in errors])
    if not good:
        raise InvalidDeclaration("请至少申报一名职工的缴费基数", errors=[])
    return DeclarationQuote(year, first, good, params)


def declare_bases(employer, *, region, year, from_month, rows, today, actor, channel, case=None, known_at=None):
    """参保单位缴费基数申报 办结: record each employee's base for the year and assess (核定) the
    months of the year that have begun; later months are assessed month by month
    (assess_employer_month). Returns (bases written, notices issued)."""
    with transaction.atomic():
        employer = _lock(employer)
        quote = declaration_quote(employer, region=region, year=year, from_month=from_month, rows=rows,
                                  known_at=known_at)
        try:
            with transaction.atomic():
                bases = ContributionBase.objects.bulk_create([
                    ContributionBase(employer=employer, person=d.person, year=year, base=d.base, case=case)
                    for d in quote.rows
                ], batch_size=1000)
        except IntegrityError:
            raise BaseAlreadyDeclared(f"{year}年度缴费基数已有申报，请刷新后重试") from None
        record(actor=acting_user(actor), channel=channel, action="缴费基数申报", obj=employer,
               summary=f"{_case_ref(case)}{employer.name} {year}年度 自{from_month}月起 {len(bases)}名职工",
               changes={"year": year, "from_month": from_month, "persons": len(bases)})
        last = min(datetime.date(year, 12, 1), month_start(today))
        notices = [
            n for month in months_from(quote.from_month, last)
            if (n := assess_employer_month(employer, month, region=region, today=today, actor=actor, channel=channel,
                                           case=case, known_at=known_at)) is not None
        ]
    return bases, notices


def assess_employer_month(employer, month, *, region, today, actor, channel, case=None, known_at=None):
    """核定 one month of an employer: every employee enrolled through it and contributing in that
    month, with a declared base for the year and nothing yet owed for the month, at that month's
    rates (the base held within that month's floor and ceiling). One payment notice, or None
    when nobody is due."""
    month = month_start(month)
    with transaction.atomic():
        employer = _lock(employer)
        params = parameters_for(region, EMPLOYEE, month, known_at=known_at)
        floor, ceiling = params.need("base_floor"), params.need("base_ceiling")
        er, pr = params.need("employer_rate"), params.need("personal_rate")
        enrolled = Enrollment.objects.filter(
            employer=employer, scheme=EMPLOYEE, status=EnrollmentStatus.ACTIVE, start_on__lte=month_end(month)
        ).values_list("person_id", flat=True)
        bases = dict(ContributionBase.objects.filter(employer=employer, year=month.year, person_id__in=enrolled)
                     .values_list("person_id", "base"))
        owed = _already_assessed(list(bases), [month])
        rows = [(pid, employer.pk, Line(month, min(max(base, floor), ceiling), params, er, pr))
                for pid, base in sorted(bases.items()) if pid not in owed]
        if not rows:
            return None
        total = sum((line.amount for _, _, line in rows), ZERO)
        employer_part = sum((line.employer_amount for _, _, line in rows), ZERO)
        item = {"month": month.strftime("%Y-%m"), "persons": len(rows),
                "base_total": str(sum((line.base for _, _, line in rows), ZERO)),
                "employer_rate": str(er), "personal_rate": str(pr), "employer_amount": str(employer_part),
                "personal_amount": str(total - employer_part), "amount": str(total)}
        notice = _issue_notice(kind=NoticeKind.EMPLOYER, region=region, today=today, params=params, employer=employer,
                               case=case, period=(month, month), items=[item], total=total, label=params.label)
        _write_assessments(notice, rows, region=region, case=case)
        record(actor=acting_user(actor), channel=channel, action="核定单位应缴医保费", obj=notice,
               summary=f"{_case_ref(case)}{employer.name} {month_label(month)} {len(rows)}人 应缴{total}元 "
                       f"{params.label}".strip(),
               changes={"number": notice.number, "total": str(total)})
    return notice


# ---------------------------------------------------------------- 趸缴


@dataclass
class LumpSumQuote:
    months_required: int
    months_had: int
    months_short: int
    base: Decimal
    rate: Decimal
    amount: Decimal
    params: PolicyParameters

    def as_item(self):
        return {"item": "趸缴医保费", "months_required": self.months_required, "months_had": self.months_had,
                "months_short": self.months_short, "base": str(self.base), "rate": str(self.rate),
                "amount": str(self.amount),
                "text": f"规定缴费年限{years_text(self.months_required)}，已缴{years_text(self.months_had)}，"
                        f"趸缴{years_text(self.months_short)}：{self.months_short}个月×{self.base}元×{self.rate}"}


def lump_sum_quote(person, *, region, on, known_at=None):
    """Years short of the region's required years × base × rate; LumpSumNotNeeded when none."""
    params = parameters_for(region, EMPLOYEE, on, known_at=known_at)
    required = params.lump_sum_years(person.sex) * 12
    had = contribution_months(person)
    if had >= required:
        raise LumpSumNotNeeded(
            f"{person}累计缴费{years_text(had)}，已达到{region.name}规定的{years_text(required)}，无需趸缴"
            + (f"（{params.label}）" if params.label else ""), months=had, required=required)
    base, rate = params.need("lump_sum_base"), params.need("lump_sum_rate")
    short = required - had
    return LumpSumQuote(required, had, short, base, rate, yuan(base * rate * short), params)


def issue_lump_sum_notice(person, *, region, on, today, actor, channel, case=None, known_at=None):
    """趸缴 办结: 核定应缴医保费金额 and issue its payment notice. Paying it records the months."""
    with transaction.atomic():
        person = _lock(person)
        quote = lump_sum_quote(person, region=region, on=on, known_at=known_at)
        try:
            with transaction.atomic():
                notice = _issue_notice(kind=NoticeKind.LUMP_SUM, region=region, today=today, params=quote.params,
                                       person=person, case=case, items=[quote.as_item()], total=quote.amount,
                                       label=quote.params.label)
        except IntegrityError:
            raise LumpSumOutstanding(f"{person}尚有未缴清的趸缴通知单，请先缴费或作废后再申请") from None
        record(actor=acting_user(actor), channel=channel, action="核定趸缴医保费", obj=notice,
               summary=f"{_case_ref(case)}{person} 趸缴{years_text(quote.months_short)} 应缴{quote.amount}元 "
                       f"{notice.parameters_label}".strip(),
               changes={"number": notice.number, **quote.as_item()})
    return notice


# ---------------------------------------------------------------- paying and recording


def pay_notice(notice, *, paid_on, reference="", actor, channel):
    """The notice was paid in full: its assessments are paid (their months count), and a 趸缴
    notice records the months it made up."""
    with transaction.atomic():
        notice = PaymentNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != NoticeState.ISSUED:
            raise NoticeNotPayable(f"缴费通知单{notice.number}当前为“{notice.get_state_display()}”，不能缴费")
        notice.state, notice.paid_on, notice.payment_reference = NoticeState.PAID, paid_on, (reference or "")[:100]
        notice.save(update_fields=["state", "paid_on", "payment_reference", "updated_at"])
        paid = notice.assessments.filter(state=AssessmentState.ASSESSED).update(state=AssessmentState.PAID,
                                                                                   paid_on=paid_on)
        if notice.kind == NoticeKind.LUMP_SUM:
            record_contribution_period(notice.person, months=notice.items[0]["months_short"],
                                       source=PeriodSource.LUMP_SUM, region=notice.region, case=notice.case,
                                       notice=notice, origin=f"趸缴通知单{notice.number}", actor=actor,
                                       channel=channel)
        record(actor=acting_user(actor), channel=channel, action="缴费通知单已缴费", obj=notice,
               summary=f"{notice.number} {notice.payer_name} {notice.total}元", changes={"assessments": paid})
    return notice


def cancel_notice(notice, *, reason, actor, channel):
    """作废 an unpaid notice; its months may be demanded again."""
    with transaction.atomic():
        notice = PaymentNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != NoticeState.ISSUED:
            raise NoticeNotPayable(f"缴费通知单{notice.number}当前为“{notice.get_state_display()}”，不能作废")
        notice.state = NoticeState.CANCELLED
        notice.save(update_fields=["state", "updated_at"])
        notice.assessments.filter(state=AssessmentState.ASSESSED).update(state=AssessmentState.CANCELLED)
        record(actor=acting_user(actor), channel=channel, action="作废缴费通知单", obj=notice,
               summary=f"{notice.number}：{reason}"[:500])
    return notice


def record_contribution_period(person, *, months, source, region, start_month=None, end_month=None, origin="",
                               case=None, notice=None, actor, channel, scheme=EMPLOYEE):
    """Contribution time from outside the paid assessments: history, 趸缴, or a transfer in."""
    if months <= 0:
        raise InvalidPeriod("缴费月数应大于0")
    with transaction.atomic():
        period = ContributionPeriod.objects.create(
            person=person, scheme=scheme, region=region, source=source, months=months, start_month=start_month,
            end_month=end_month, origin=origin[:200], case=case, notice=notice, actor=acting_user(actor))
        record(actor=acting_user(actor), channel=channel, action="记录缴费年限", obj=period,
               summary=f"{_case_ref(case)}{person} {PeriodSource(source).label} {years_text(months)} {origin}".strip())
    return period

