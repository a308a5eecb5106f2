"""Changes to medical-aid registers that a handler or a screen asks for, each one action:
recognitions (the external determination R65 recorded), the aid claim and its statements, the
amount fixed at approval with the person's yearly use locked."""
import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from yibao.cases.interface import CaseState
from yibao.claims.policy import ZERO, PolicyError
from yibao.core.audit import acting_user, record
from yibao.core.models import Channel
from yibao.enrollment.models import Person
from yibao.medical_aid import policy
from yibao.medical_aid.exceptions import AidNotPayable, NotRecognised, StatementAlreadyAided
from yibao.medical_aid.models import AidClaim, AidParameters, Category, Recognition, Source, StatementUse

ENDED_UNPAID = (CaseState.REFUSED, CaseState.DENIED, CaseState.WITHDRAWN)


def recognise(person, year, category, source, reference, *, actor, channel=Channel.WINDOW):
    """Record that `person` is an aid recipient of `category` for `year` (a list, or the external
    determination after the 委托授权书, R65). Once per person and year; a second is refused."""
    if category not in Category.values:
        raise NotRecognised("请选择救助类别", field="category")
    if source not in Source.values:
        raise NotRecognised("请选择认定部门", field="source")
    reference = (reference or "").strip()
    if not reference:
        raise NotRecognised("请填写认定文书编号", field="reference")
    try:
        with transaction.atomic():
            row = Recognition.objects.create(person=person, year=int(year), category=category, source=source,
                                             reference=reference[:200], recorded_by=acting_user(actor))
            record(actor=acting_user(actor), channel=channel, action="录入救助对象认定", obj=row,
                   summary=f"{person} {year}年 {row.get_category_display()}（{row.get_source_display()} {reference[:60]}）")
    except IntegrityError:
        raise NotRecognised(f"{person}{year}年已认定为救助对象", field="person") from None
    return row


def recognition(person, year):
    return Recognition.objects.filter(person=person, year=year).first()


def tariff(region_id, category, on):
    rows = AidParameters.objects.filter(category=category, effective_from__lte=on)
    row = (rows.filter(region_id=region_id).order_by("-effective_from").first()
           or rows.filter(region=None).order_by("-effective_from").first())
    if row is None:
        raise AidNotPayable(f"{Category(category).label}未设置医疗救助报销参数，请在后台设置")
    return policy.Tariff(category=row.get_category_display(), threshold=row.threshold, ratio=row.ratio,
                         yearly_cap=row.yearly_cap, label=str(row), sample=row.sample)


def reserve_statements(case):
    """Claim the case's statement numbers (each aided once: the constraint decides); a holder that
    ended unpaid lets its number go."""
    numbers = sorted({s["number"] for s in case.data.get("statements", [])})
    mine = set(StatementUse.objects.filter(case=case, released=False).values_list("number", flat=True))
    StatementUse.objects.filter(case=case, released=False).exclude(number__in=numbers).update(released=True)
    for number in numbers:
        if number in mine:
            continue
        for _ in range(2):
            try:
                with transaction.atomic():
                    StatementUse.objects.create(number=number, case=case)
                break
            except IntegrityError:
                holder = StatementUse.objects.select_for_update().filter(number=number, released=False) \
                    .select_related("case").first()
                if holder is not None and holder.case.state in ENDED_UNPAID:
                    holder.released = True
                    holder.save(update_fields=["released"])
                    continue
                receipt = holder.case.receipt_no if holder else "另一办件"
                raise StatementAlreadyAided(f"结算单{number}已在办件{receipt}中申请医疗救助，不能重复报销",
                                            field="statements", statement=number, case=receipt) from None


def release_statements(case):
    StatementUse.objects.filter(case=case, released=False).update(released=True)


def open_claim(case, person):
    year = _year(case)
    claim, _ = AidClaim.objects.get_or_create(case=case, defaults={"person": person, "year": year})
    reserve_statements(case)
    return claim


def _year(case):
    dates = [datetime.date.fromisoformat(s["settled_on"]) for s in case.data.get("statements", [])]
    return min(dates).year if dates else case.submitted_at.year


def _statements(case):
    return [policy.Statement(number=s["number"], total=Decimal(s["total"]), in_scope=Decimal(s["in_scope"]),
                             basic=Decimal(s["basic"]), critical=Decimal(s["critical"]),
                             supplementary=Decimal(s.get("supplementary") or "0"))
            for s in case.data.get("statements", [])]


def calculate(case, claim):
    """The explanation under the parameters in force for the person's category, with the year's use
    of the claims fixed before (not this one)."""
    found = recognition(claim.person, claim.year)
    if found is None:
        raise NotRecognised(f"{claim.person}尚未认定为{claim.year}年医疗救助对象：已提供《个人家庭经济状况核查委托授权书》，"
                            "待相关部门认定后方可报销")
    used = (AidClaim.objects.filter(person=claim.person, year=claim.year, fixed=True)
            .exclude(pk=claim.pk).exclude(case__state__in=ENDED_UNPAID))
    paid_before = used.aggregate(s=Sum("payable"))["s"] or ZERO
    threshold_used = sum((sum((Decimal(r["threshold"]) for r in c.explanation.get("lines", [])), ZERO)
                          for c in used), ZERO)
    on = datetime.date(claim.year, 12, 31)
    try:
        return found, policy.calculate(_statements(case), tariff(case.region_id, found.category, on),
                                       threshold_used=threshold_used, paid_before=paid_before)
    except PolicyError as exc:
        raise AidNotPayable(exc.message, field="statements", **exc.details) from None


def preview(case):
    """The explanation as it stands (stored, not fixed): for the screens before approval."""
    claim = AidClaim.objects.filter(case=case).select_related("person").first()
    if claim is None or claim.fixed:
        return claim
    try:
        found, explanation = calculate(case, claim)
    except (NotRecognised, AidNotPayable) as exc:
        claim.explanation = {"error": exc.message}
        claim.save(update_fields=["explanation"])
        return claim
    claim.category = found.category
    claim.explanation = explanation.as_json()
    claim.payable = explanation.payable
    claim.save(update_fields=["category", "explanation", "payable"])
    return claim


def fix_amount(case):
    """At 审核通过: with the person locked (two claims approved at once cannot both spend the cap),
    compute, store and fix the amount."""
    claim = AidClaim.objects.select_for_update().get(case=case)
    Person.objects.select_for_update().get(pk=claim.person_id)
    found, explanation = calculate(case, claim)
    if explanation.payable <= 0:
        raise AidNotPayable(f"按政策核算医疗救助金额为0元（{_why_nothing(explanation)}），请作审核不通过处理",
                            explanation=explanation.as_json())
    claim.category = found.category
    claim.explanation = explanation.as_json()
    claim.payable = explanation.payable
    claim.fixed = True
    claim.save(update_fields=["category", "explanation", "payable", "fixed"])
    return claim.payable


def _why_nothing(explanation):
    remaining = sum((Decimal(r["remaining"]) for r in explanation.lines), ZERO)
    if remaining <= 0:
        return "保险报销后无个人负担的政策范围内费用"
    if explanation.threshold_used >= remaining:
        return "个人负担未超过起付线"
    return "已达年度救助限额"
