"""Reading claims: the parameters of a region and scheme, a person's accumulated use, the visits of
a claim as the policy engine takes them."""
import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from yibao.cases.interface import CaseState
from yibao.claims import facts, policy
from yibao.claims.exceptions import NoParameters, ProviderUnknown
from yibao.claims.models import Claim, ClaimReview, ClaimUse, InvoiceUse, ReimbursementParameters, ReviewLevel
from yibao.entitlements import queries as entitlements

# A fixed claim counts in the year's use while its case stands (approved, 拨付中, paid, done).
STANDING = (CaseState.APPROVED, CaseState.PAYING, CaseState.PAID, CaseState.COMPLETED)
# A case in one of these ended without payment: its invoices may be claimed again.
ENDED_UNPAID = (CaseState.REFUSED, CaseState.DENIED, CaseState.WITHDRAWN)


def parameters(region, scheme):
    """Every version of every benefit's parameters for `region` and `scheme`: per benefit the
    region's own versions where it has any, else every region's default versions."""
    rows = list(ReimbursementParameters.objects.filter(Q(region=region) | Q(region=None), scheme=scheme)
                .select_related("region"))
    own = {r.benefit_key for r in rows if r.region_id}
    return [r for r in rows if r.region_id or r.benefit_key not in own]


def tariffs(region, scheme):
    return [r.tariff() for r in parameters(region, scheme)]


def used_by(person, *, exclude_case=None):
    """The person's deductible and payments accumulated by the claims still standing."""
    rows = ClaimUse.objects.filter(person=person, case__state__in=STANDING)
    if exclude_case is not None:
        rows = rows.exclude(case=exclude_case)
    used = policy.Used()
    for row in rows.values("benefit", "year", "period").annotate(d=Sum("deductible_used"), p=Sum("paid")):
        key = (row["benefit"], row["period"])
        used.deductible[key] = used.deductible.get(key, Decimal("0")) + row["d"]
        cap = (row["benefit"], row["year"])
        used.paid[cap] = used.paid.get(cap, Decimal("0")) + row["p"]
    return used


def claim_of(case):
    return Claim.objects.filter(case=case).first()


def reviews(claim, level=None):
    rows = ClaimReview.objects.filter(claim=claim).select_related("actor")
    return rows.filter(level=level) if level else rows


def first_review(claim):
    return reviews(claim, ReviewLevel.FIRST).order_by("-at", "-id").first()


def holder_of(number):
    """The invoice use holding `number` now (not released), or None."""
    return InvoiceUse.objects.filter(number=number, released=False).select_related("case").first()


def benefit_of(item_code, person, invoice, on):
    """(benefit, note): inpatient care is 住院; outpatient care of a disease the person is recognised
    for on that day is paid under the disease's own parameters, else as ordinary outpatient care."""
    if item_code == "inpatient-reimbursement":
        return policy.INPATIENT, ""
    code = (invoice.get("disease_code") or "").strip()
    if not code:
        return policy.OUTPATIENT, ""
    if entitlements.covering(person, code, on) is None:
        return policy.OUTPATIENT, f"未认定病种{code}或就诊日不在待遇期内，按普通门诊支付"
    return policy.chronic(code), f"已认定病种{code}，按门诊慢特病支付"


def visits(case, person, adjustments=None):
    """The claim's invoices as the policy engine's visits, with the reviewers' adjustments
    ({"<invoice>#<n>": {"admitted": "12.30", "reason": "..."}}) on their lines; the hospital level
    from the provider register and the filing from the filing register (claims.facts), each
    named in the visit's note."""
    adjustments = adjustments or {}
    out = []
    for invoice in case.data.get("invoices", []):
        on = datetime.date.fromisoformat(invoice["care_date"])
        benefit, note = benefit_of(case.item_code, person, invoice, on)
        try:
            level, level_note = facts.hospital_level(invoice)
        except facts.UnknownLevel as exc:
            raise ProviderUnknown(f"票据{invoice['invoice_no']}：{exc}", field="invoices",
                                  invoice_no=invoice["invoice_no"]) from None
        remote, filed, filing_note = facts.filing_status(person, invoice, region=case.region)
        lines = []
        for n, line in enumerate(invoice["lines"], start=1):
            ref = f"{invoice['invoice_no']}#{n}"
            adjusted = adjustments.get(ref) or {}
            lines.append(policy.Line(
                item=line["item"], category=line["category"], amount=Decimal(line["amount"]),
                quantity=Decimal(line["quantity"]), price=Decimal(line["price"]), ref=ref,
                admitted=Decimal(adjusted["admitted"]) if adjusted else None, admitted_reason=adjusted.get("reason", ""),
            ))
        out.append(policy.Visit(key=invoice["invoice_no"], benefit=benefit, on=on, level=level,
                                remote=remote, filed=filed, lines=tuple(lines),
                                note="；".join(n for n in (note, level_note, filing_note) if n)))
    return out


def calculate(case, claim, adjustments=None, used=None):
    """The explanation of the claim as it stands (adjustments: the latest 初审's unless given;
    use: the person's claims standing now, this one left out). Reads only."""
    if adjustments is None:
        first = first_review(claim)
        adjustments = {a["ref"]: a for a in (first.adjustments if first else [])}
    try:
        return policy.calculate(visits(case, claim.person, adjustments), tariffs(case.region, claim.scheme),
                                used if used is not None else used_by(claim.person, exclude_case=case))
    except policy.PolicyError as exc:
        raise NoParameters(exc.message, **exc.details) from None


def explanation_of(case):
    """The 核算明细 to show: the stored one once the amount is fixed, else as it would stand now
    (nothing stored); None for a case without a claim."""
    claim = Claim.objects.filter(case=case).select_related("person").first()
    if claim is None:
        return None
    if claim.fixed:
        return {**claim.explanation, "fixed": True, "payable": str(claim.payable)}
    explanation = calculate(case, claim)
    return {**explanation.as_json(entitlements.disease_names()), "fixed": False, "payable": str(explanation.payable)}
