"""Changes to maternity claims, each one action: open the claim of a submitted case (its person,
employer, and what it holds once: invoices, the allowance of one birth), fix the amount at 审核通过
with the person locked, release what an unpaid case held."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.claims.actions import reserve_invoices
from yibao.core.audit import acting_user, record
from yibao.enrollment.models import Person
from yibao.maternity import queries
from yibao.maternity.exceptions import AlreadyClaimed, CannotPay
from yibao.maternity.models import ALLOWANCE, BenefitKey, MaternityClaim


def hold(case, key, what):
    """Hold `key` for `case` (inside the submission's transaction): the constraint decides; a holder
    that ended unpaid lets it go."""
    if BenefitKey.objects.filter(key=key, case=case, released=False).exists():
        return
    for _ in range(2):
        try:
            with transaction.atomic():
                BenefitKey.objects.create(key=key, case=case)
            return
        except IntegrityError:
            holder = BenefitKey.objects.select_for_update().filter(key=key, released=False).select_related("case").first()
            if holder is not None and holder.case.state in queries.ENDED_UNPAID:
                holder.released, holder.released_reason = True, f"原办件{holder.case.get_state_display()}"
                holder.save(update_fields=["released", "released_reason"])
                continue
            receipt = holder.case.receipt_no if holder else "另一办件"
            raise AlreadyClaimed(f"{what}已在办件{receipt}中申请，不能重复申请", field="event_date", case=receipt) from None
    raise AlreadyClaimed(f"{what}正被其他办件占用，请稍后再试", field="event_date")


def open_claim(case, person, employer):
    claim, _ = MaternityClaim.objects.get_or_create(
        case=case, defaults={"person": person, "employer": employer, "item_code": case.item_code})
    if case.item_code == ALLOWANCE:
        hold(case, f"allowance:{person.pk}:{case.data['event_date']}",
             f"{person.name}{case.data['event_date']}的生育津贴")
    else:
        reserve_invoices(case)  # an invoice is paid once across the deployment, reimbursement included
    return claim


def fix_amount(case, actor, channel):
    """审核通过: with the person locked (two approvals cannot both spend the same cap), compute and
    store the 核算明细; returns the amount. Refuses a case that pays nothing."""
    claim = MaternityClaim.objects.select_for_update().get(case=case)
    Person.objects.select_for_update().get(pk=claim.person_id)
    try:
        explanation = queries.calculate(case, claim)
    except queries.CannotCalculate as exc:
        raise CannotPay(str(exc)) from None
    if explanation["payable"] in ("0", "0.00"):
        raise CannotPay("按政策核算应付金额为0元，请作审核不通过处理", explanation=explanation)
    claim.explanation, claim.payable = explanation, explanation["payable"]
    claim.fixed, claim.calculated_at = True, timezone.now()
    claim.save(update_fields=["explanation", "payable", "fixed", "calculated_at"])
    record(actor=acting_user(actor), channel=channel, action="生育待遇核定", obj=claim,
           summary=f"{case.receipt_no} 核定{claim.payable}元", changes={"payable": ["", str(claim.payable)]})
    return claim.payable
