"""The states of a case, the actions that move it, and the one table of allowed moves."""
from django.db import models

from yibao.cases.exceptions import InvalidTransition
from yibao.core.machine import Machine


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", "已提交"  # received, waiting for the office to check the materials
    CORRECTION_REQUESTED = "correction_requested", "待补正"  # 一次性告知 issued; the applicant must supply
    ACCEPTED = "accepted", "已受理"  # materials accepted; the time limit runs from today
    REFUSED = "refused", "不予受理"  # not accepted, with the reason given (final)
    UNDER_REVIEW = "under_review", "审核中"  # a reviewer is examining the case
    APPROVED = "approved", "审核通过"  # decided in favour; payment items wait for 拨付
    DENIED = "denied", "审核不通过"  # decided against, with the reason given (final)
    PAYING = "paying", "拨付中"  # a payment order exists; the bank has not answered yet
    PAID = "paid", "已拨付"  # the order was paid (its paid event); 办结 follows
    COMPLETED = "completed", "已办结"  # done, register effect applied (final)
    WITHDRAWN = "withdrawn", "已撤回"  # withdrawn by the applicant while open (final)


class Action(models.TextChoices):
    SUBMIT = "submit", "提交申请"
    ACCEPT = "accept", "受理"
    REQUEST_CORRECTION = "request_correction", "一次性告知补正"
    RESUBMIT = "resubmit", "补正材料"
    REFUSE = "refuse", "不予受理"
    START_REVIEW = "start_review", "审核"
    APPROVE = "approve", "审核通过"
    DENY = "deny", "审核不通过"
    PAY = "pay", "拨付"  # a payment order is made; the case waits for the bank
    PAYMENT_PAID = "payment_paid", "支付成功"  # the order's paid event (payments calls this)
    PAYMENT_FAILED = "payment_failed", "支付失败"  # the order failed or was cancelled: a re-issued order is due
    COMPLETE = "complete", "办结"
    WITHDRAW = "withdraw", "撤回"
    SUPPLY = "supply", "补交容缺材料"
    MARK_OVERDUE = "mark_overdue", "逾期标记"
    ADJUST_DUE = "adjust_due", "办理期限调整"
    RATE = "rate", "评价"
    REASSIGN = "reassign", "改派经办机构"


S = CaseState
A = Action

# (state, action) -> the states the action may lead to. Where there is more than one the action
# chooses (a resubmission returns to where the correction was asked). Self-loops record history.
TRANSITIONS = {
    (S.SUBMITTED, A.ACCEPT): {S.ACCEPTED},
    (S.SUBMITTED, A.REQUEST_CORRECTION): {S.CORRECTION_REQUESTED},
    (S.SUBMITTED, A.REFUSE): {S.REFUSED},
    (S.SUBMITTED, A.WITHDRAW): {S.WITHDRAWN},
    (S.CORRECTION_REQUESTED, A.RESUBMIT): {S.SUBMITTED, S.ACCEPTED, S.UNDER_REVIEW},
    (S.CORRECTION_REQUESTED, A.REFUSE): {S.REFUSED},
    (S.CORRECTION_REQUESTED, A.WITHDRAW): {S.WITHDRAWN},
    (S.ACCEPTED, A.START_REVIEW): {S.UNDER_REVIEW},
    (S.ACCEPTED, A.COMPLETE): {S.COMPLETED},  # items without 审核 only
    (S.ACCEPTED, A.REQUEST_CORRECTION): {S.CORRECTION_REQUESTED},
    (S.ACCEPTED, A.SUPPLY): {S.ACCEPTED},
    (S.ACCEPTED, A.WITHDRAW): {S.WITHDRAWN},
    (S.UNDER_REVIEW, A.APPROVE): {S.APPROVED},
    (S.UNDER_REVIEW, A.DENY): {S.DENIED},
    (S.UNDER_REVIEW, A.REQUEST_CORRECTION): {S.CORRECTION_REQUESTED},
    (S.UNDER_REVIEW, A.SUPPLY): {S.UNDER_REVIEW},
    (S.UNDER_REVIEW, A.WITHDRAW): {S.WITHDRAWN},
    (S.APPROVED, A.PAY): {S.PAYING},  # payment items only; again after a failed order (re-issue)
    (S.PAYING, A.PAYMENT_PAID): {S.PAID},  # only from the order's paid event
    (S.PAYING, A.PAYMENT_FAILED): {S.APPROVED},  # waits for a re-issued order
    (S.APPROVED, A.COMPLETE): {S.COMPLETED},  # items without 拨付 only
    (S.APPROVED, A.WITHDRAW): {S.WITHDRAWN},
    (S.PAID, A.COMPLETE): {S.COMPLETED},
    # A supervisor moves an open case to another office of the region; the state stays.
    (S.SUBMITTED, A.REASSIGN): {S.SUBMITTED},
    (S.CORRECTION_REQUESTED, A.REASSIGN): {S.CORRECTION_REQUESTED},
    (S.ACCEPTED, A.REASSIGN): {S.ACCEPTED},
    (S.UNDER_REVIEW, A.REASSIGN): {S.UNDER_REVIEW},
    (S.APPROVED, A.REASSIGN): {S.APPROVED},
    (S.PAYING, A.REASSIGN): {S.PAYING},
    (S.PAID, A.REASSIGN): {S.PAID},
}

# Not finished: the deadline is watched and the applicant may still act.
OPEN_STATES = frozenset({S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.UNDER_REVIEW, S.APPROVED, S.PAYING,
                         S.PAID})
# The clock runs in these (from acceptance to 办结).
RUNNING_STATES = frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.APPROVED, S.PAYING, S.PAID})
# The applicant may rate the case once it reached one of these.
RATABLE_STATES = frozenset({S.COMPLETED, S.REFUSED, S.DENIED})


CASES = Machine(
    TRANSITIONS, error=InvalidTransition,
    refusal=lambda state, action: f"办件当前状态为“{CaseState(state).label}”，不能执行“{Action(action).label}”",
)


def allowed(state, action):
    return CASES.targets(state, action)


def check_transition(state, action, target=None):
    """The state `action` leads to from `state`; InvalidTransition when the table forbids it."""
    return CASES.move(state, action, target)


def actions_from(state):
    """The actions the table allows in `state` (for a UI to offer)."""
    return CASES.actions_from(state)
