"""An item's flow (does it have a 审核 step, does it pay), decided once as data.

The importer derives it from the stages a guide publishes; a guide that publishes none (000)
gets the default of its item code, and says so (`source`). The administrator may correct it in
the admin (recorded). The case engine reads only the flow frozen into a case, never the wording.
"""
from django.db import models

REVIEW_WORDS = ("审核", "审批", "审查")
PAYMENT_WORDS = ("拨付", "支付")

# The items whose guides publish a 拨付 step wherever they publish stages (DESIGN.md: accounts,
# reimbursement, maternity, medical aid, settlement): the default when a guide publishes none.
PAYING_CODES = frozenset({
    "account-withdrawal", "account-transfer", "outpatient-reimbursement", "inpatient-reimbursement",
    "prenatal-payment", "maternity-medical-payment", "family-planning-payment", "maternity-allowance",
    "aid-contribution-subsidy", "aid-reimbursement", "hospital-settlement", "pharmacy-settlement",
})


class FlowSource(models.TextChoices):
    STAGES = "stages", "按指南所列办理流程"  # derived from the published stages
    DEFAULT = "default", "指南未载明流程，按事项类别默认"  # no stages published: the code's default
    ADMIN = "admin", "管理员核定"  # corrected by an administrator (recorded in 操作记录)


def derive(code, stage_names):
    """(has_review, pays, source) for an item `code` publishing `stage_names`."""
    names = [n for n in stage_names if n]
    if not names:
        # Reviewed is the safe side; whether it pays is the item's nature, not left to chance.
        return True, code in PAYING_CODES, FlowSource.DEFAULT
    review = any(w in n for n in names for w in REVIEW_WORDS)
    pays = any(w in n for n in names for w in PAYMENT_WORDS)
    return review, pays, FlowSource.STAGES


# Who else has a say on whether a flow can be run: the case engine registers a check here (the
# catalogue imports no other app), e.g. "the handler of this code pays but the flow does not".
_CHECKS = []


def add_check(check):
    """`check(item) -> str | None`: a problem with `item`'s flow, in Chinese, or None."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def problems(item):
    """What the registered checks find wrong with `item`'s flow (empty when it can run)."""
    return [p for p in (check(item) for check in _CHECKS) if p]
