"""What a staff screen may offer: the table's actions narrowed by the item's flow, and 即时办结."""
import pytest

from tests.cases import factories as f
from tests.handlers import on_generic_handler
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.cases.queries import is_instant, next_steps
from yibao.core.models import Channel

W = Channel.WINDOW


@pytest.fixture(autouse=True)
def engine_rules():
    # These tests are about the engine's table and flow, not a domain's rules.
    with on_generic_handler("contribution-base", "insurance-certificate", "chronic-disease", "outpatient-reimbursement"):
        yield


def test_three_day_item_offers_review_then_decision_then_completion(city, submit, clerk, reviewer):
    case = submit(f.item(city, "contribution-base"))
    assert next_steps(case) == ["accept", "request_correction", "refuse", "withdraw", "reassign"]
    actions.accept_case(case, clerk, channel=W)
    case.refresh_from_db()
    # reviewed items are not completed straight from 已受理
    assert "complete" not in next_steps(case) and "start_review" in next_steps(case)
    actions.start_review(case, reviewer, channel=W)
    actions.approve_case(case, reviewer, channel=W)
    case.refresh_from_db()
    assert "complete" in next_steps(case) and "pay" not in next_steps(case)
    assert not is_instant(case)


def test_payment_item_is_paid_before_completion(city, submit, clerk, reviewer):
    case = submit(f.item(city, "outpatient-reimbursement", stages=f.PAYMENT, limits=[("", 30)]))
    actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    actions.approve_case(case, reviewer, channel=W, amount="12.50")
    case.refresh_from_db()
    assert "pay" in next_steps(case) and "complete" not in next_steps(case)


def test_item_without_review_completes_from_accepted(city, submit, clerk):
    case = submit(f.item(city, "insurance-certificate", stages=f.NO_REVIEW, limits=[("", 0)]))
    assert is_instant(case)
    actions.accept_case(case, clerk, channel=W)
    case.refresh_from_db()
    assert "complete" in next_steps(case) and "start_review" not in next_steps(case)


@pytest.mark.parametrize("kind, instant", [("灵活就业人员", True), ("在职职工", False)])
def test_split_limit_is_instant_only_on_the_zero_day_side(city, submit, kind, instant):
    item = f.item(city, "chronic-disease", limits=[("在职职工", 3), ("灵活就业人员", 0)])
    assert is_instant(submit(item, conditions={"applicant_kind": kind})) is instant


def test_a_limit_the_case_does_not_decide_is_not_instant():
    case = Case(snapshot={"time_limits": [{"when": "在职职工", "working_days": 3},
                                          {"when": "灵活就业人员", "working_days": 0}]}, conditions={}, channel=W)
    assert is_instant(case) is False
