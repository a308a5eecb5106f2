"""Changes to claims, each one action: reserve a case's invoice numbers, calculate, 初审 with line
adjustments, fix the amount at 复核 (the engine's 审核通过), 财务复核 before 拨付.

The amount is never typed: the policy engine computes it from the lines and the parameters in
force on the date of care; a reviewer admits less of a line, always with a reason, and the engine
recomputes. The person's accumulated use is read and written with the person's row locked, so two
claims approved at once cannot both spend the same cap."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.cases.interface import CaseState
from yibao.claims import queries
from yibao.claims.exceptions import (
    InvoiceAlreadyClaimed,
    NotInsured,
    NothingPayable,
    ReviewOrderError,
)
from yibao.claims.models import Claim, ClaimReview, ClaimUse, InvoiceUse, ReviewLevel
from yibao.core.audit import acting_user, record
from yibao.core.money import MoneyError, yuan
from yibao.enrollment.models import Person
from yibao.entitlements import queries as entitlements
from yibao.entitlements.handlers import insured as insured_person
from yibao.people import policy as staff_policy


def insured(case):
    """(person, scheme) the claim is about: the applicant's record and open enrolment."""
    return insured_person(case, purpose="报销", error=NotInsured)


def _holder_ended(holder):
    return holder.case.state in queries.ENDED_UNPAID


def reserve_invoices(case):
    """Claim the case's invoice numbers for it (run inside the submission's transaction). A number
    another case holds is refused with that case named; a holder that ended unpaid lets it go."""
    numbers = sorted({i["invoice_no"] for i in case.data.get("invoices", [])})
    mine = set(InvoiceUse.objects.filter(case=case, released=False).values_list("number", flat=True))
    for number in sorted(mine - set(numbers)):  # a correction dropped it
        InvoiceUse.objects.filter(case=case, number=number, released=False).update(
            released=True, released_reason="补正时删除该票据")
    for number in numbers:
        if number in mine:
            continue
        for _ in range(2):
            try:
                with transaction.atomic():  # a savepoint: the constraint decides, not a look before
                    InvoiceUse.objects.create(number=number, case=case)
                break
            except IntegrityError:
                holder = InvoiceUse.objects.select_for_update().filter(number=number, released=False) \
                    .select_related("case").first()
                if holder is not None and _holder_ended(holder):
                    holder.released = True
                    holder.released_reason = f"原办件{holder.case.get_state_display()}"
                    holder.save(update_fields=["released", "released_reason"])
                    continue
                receipt = holder.case.receipt_no if holder else "另一办件"
                raise InvoiceAlreadyClaimed(
                    f"票据号{number}已在办件{receipt}中申请报销，同一票据不能重复报销", field="invoices",
                    invoice_no=number, case=receipt) from None
        else:
            raise InvoiceAlreadyClaimed(f"票据号{number}正被其他办件占用，请稍后再试", field="invoices", invoice_no=number)


def open_claim(case):
    """The claim row of a submitted case (its person and scheme), and its invoices reserved."""
    person, scheme = insured(case)
    claim, _ = Claim.objects.get_or_create(case=case, defaults={"person": person, "scheme": scheme})
    reserve_invoices(case)
    return claim


def _store(claim, explanation):
    claim.explanation = explanation.as_json(entitlements.disease_names())
    claim.payable = explanation.payable
    claim.calculated_at = timezone.now()
    claim.save(update_fields=["explanation", "payable", "calculated_at"])


def preview(case):
    """Calculate and store the explanation without fixing anything (the reviewer's first look)."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(case=case)
        explanation = queries.calculate(case, claim)
        _store(claim, explanation)
    return claim


def _clean_adjustments(case, raw):
    refs = {f"{i['invoice_no']}#{n}": line for i in case.data.get("invoices", [])
            for n, line in enumerate(i["lines"], start=1)}
    out = []
    for entry in raw or []:
        ref = str(entry.get("ref", "")).strip()
        if ref not in refs:
            raise ReviewOrderError(f"没有费用明细{ref}（应写作“票据号#行号”）", field="adjustments", ref=ref)
        try:
            admitted = yuan(entry.get("admitted", ""))
        except MoneyError as exc:
            raise ReviewOrderError(f"{ref}：{exc}", field="adjustments", ref=ref) from None
        amount = yuan(refs[ref]["amount"])
        if not yuan(0) <= admitted <= amount:
            raise ReviewOrderError(f"{ref}：核定金额应在0到{amount}元之间", field="adjustments", ref=ref)
        reason = str(entry.get("reason", "")).strip()
        if not reason:
            raise ReviewOrderError(f"{ref}：核减须注明理由", field="adjustments", ref=ref)
        out.append({"ref": ref, "admitted": str(admitted), "reason": reason[:200]})
    return out


def first_review(case, actor, *, channel, adjustments=(), comment=""):
    """初审: a reviewer checks the lines (admitting less of one with a reason) and records the result."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("person").get(case=case)
        case.refresh_from_db(fields=["state"])
        if case.state != CaseState.UNDER_REVIEW:
            raise ReviewOrderError(f"办件当前状态为“{case.get_state_display()}”，审核中方可初审")
        staff_policy.check(actor, "approve", region_id=case.region_id)
        cleaned = _clean_adjustments(case, adjustments)
        explanation = queries.calculate(case, claim, {a["ref"]: a for a in cleaned})
        _store(claim, explanation)
        review = ClaimReview.objects.create(claim=claim, level=ReviewLevel.FIRST, actor=actor, adjustments=cleaned,
                                            payable=explanation.payable, comment=(comment or "")[:500], channel=channel)
        record(actor=acting_user(actor), channel=channel, action="报销初审", obj=claim,
               summary=f"{case.receipt_no} 初审核算{explanation.payable}元，核减{len(cleaned)}项",
               changes={"payable": ["", str(explanation.payable)], "adjustments": cleaned})
    return review


def fix_amount(case, actor, channel):
    """复核 (inside the engine's 审核通过): with the person locked, recompute from the 初审's lines
    and the use of the claims standing now, store the use of this claim, return the amount."""
    claim = Claim.objects.select_for_update().get(case=case)
    first = queries.first_review(claim)
    if first is None:
        raise ReviewOrderError("报销须先经初审，再由另一审核人员复核", field="amount")
    if acting_user(actor) is not None and first.actor_id == actor.pk:
        raise ReviewOrderError("初审与复核不能由同一人办理", field="amount")
    person = Person.objects.select_for_update().get(pk=claim.person_id)  # serialises the person's use
    explanation = queries.calculate(case, claim)
    if explanation.payable <= 0:
        raise NothingPayable(f"按政策核算应付金额为0元（{_why_nothing(explanation)}），请作审核不通过处理",
                             explanation=claim.explanation)
    _store(claim, explanation)
    if not claim.fixed:
        ClaimUse.objects.bulk_create(ClaimUse(claim=claim, person=person, case=case, benefit=b.benefit, year=b.year,
                                              period=b.period, deductible_used=b.deductible_used, paid=b.paid)
                                     for b in explanation.buckets)
        claim.fixed = True
        claim.save(update_fields=["fixed"])
    ClaimReview.objects.create(claim=claim, level=ReviewLevel.SECOND, actor=actor, payable=explanation.payable,
                               adjustments=first.adjustments, channel=channel)
    return explanation.payable


def _why_nothing(explanation):
    if not explanation.lines:
        return "无费用明细"
    if explanation.eligible == 0:
        return "无符合支付范围的费用"
    if explanation.deductible >= explanation.eligible:
        return "符合范围的费用未超过起付线"
    return "已达年度最高支付限额"


def finance_check(case, actor, *, channel, comment=""):
    """财务复核 (R05): finance re-checks the invoices of an approved claim before 拨付; not by a reviewer."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(case=case)
        case.refresh_from_db(fields=["state"])
        if case.state != CaseState.APPROVED:
            raise ReviewOrderError(f"办件当前状态为“{case.get_state_display()}”，审核通过后方可财务复核")
        staff_policy.check(actor, "pay", region_id=case.region_id)
        if acting_user(actor) is not None and queries.reviews(claim).exclude(level=ReviewLevel.FINANCE).filter(
                actor=actor).exists():
            raise ReviewOrderError("参与初审或复核的人员不得办理财务复核")
        review = ClaimReview.objects.create(claim=claim, level=ReviewLevel.FINANCE, actor=actor, payable=claim.payable,
                                            comment=(comment or "票据核对无误")[:500], channel=channel)
        record(actor=acting_user(actor), channel=channel, action="报销财务复核", obj=claim,
               summary=f"{case.receipt_no} 财务复核 {claim.payable}元")
    return review


def check_payable(case, actor):
    """Before 拨付: the finance re-check is done, and the payer took no part in the review."""
    claim = Claim.objects.get(case=case)
    if not queries.reviews(claim, ReviewLevel.FINANCE).exists():
        raise ReviewOrderError("报销须经财务复核票据后方可拨付")
    if acting_user(actor) is not None and queries.reviews(claim).filter(
            level__in=(ReviewLevel.FIRST, ReviewLevel.SECOND), actor=actor).exists():
        raise ReviewOrderError("参与初审或复核的人员不得办理拨付")
