"""The transition table, invalid moves that change nothing, append-only history, receipt numbers,
the frozen item version."""
import re
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import ConcurrentUpdate, ImmutableRecord, InvalidTransition, ItemNotAvailable
from yibao.cases.models import Case, CaseEvent, Evaluation
from yibao.cases.receipts import next_receipt_no
from yibao.cases.states import OPEN_STATES, TRANSITIONS, CaseState, check_transition
from yibao.core.models import AuditEntry, Channel

W = Channel.WINDOW
FINAL = {CaseState.REFUSED, CaseState.DENIED, CaseState.COMPLETED, CaseState.WITHDRAWN}


def test_transition_table_is_closed_and_final_states_lead_nowhere():
    for (state, _), targets in TRANSITIONS.items():
        assert state in CaseState.values and targets <= set(CaseState.values)
        assert state not in FINAL
    assert set(CaseState.values) - FINAL == OPEN_STATES


def test_invalid_transition_message_is_chinese_and_names_both():
    with pytest.raises(InvalidTransition) as exc:
        check_transition(CaseState.COMPLETED, "pay")
    assert exc.value.message == "办件当前状态为“已办结”，不能执行“拨付”"
    assert exc.value.as_dict()["code"] == "invalid_transition"


def frozen(case):
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("updated_at")
    events = list(CaseEvent.objects.filter(case=case).values())
    return row, events, AuditEntry.objects.count()


@pytest.mark.parametrize("attempt", ["accept", "start_review", "approve", "pay", "complete", "withdraw", "refuse",
                                     "request_correction", "resubmit"])
def test_invalid_transitions_leave_case_and_events_exactly_as_before(city, submit, clerk, reviewer, payer, person,
                                                                     attempt):
    case = submit(f.item(city, "unit-enrollment"))
    case = actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    actions.approve_case(case, reviewer, channel=W)
    case = actions.complete_case(case, clerk, channel=W)
    before = frozen(case)
    calls = {
        "accept": lambda: actions.accept_case(case, clerk, channel=W),
        "start_review": lambda: actions.start_review(case, reviewer, channel=W),
        "approve": lambda: actions.approve_case(case, reviewer, channel=W),
        "pay": lambda: actions.pay_case(case, payer, channel=W),
        "complete": lambda: actions.complete_case(case, clerk, channel=W),
        "withdraw": lambda: actions.withdraw_case(case, person.user, channel=W),
        "refuse": lambda: actions.refuse_case(case, clerk, channel=W, reason="理由"),
        "request_correction": lambda: actions.request_correction(case, clerk, channel=W),
        "resubmit": lambda: actions.resubmit_case(case, person.user, channel=W),
    }
    with pytest.raises(InvalidTransition, match="办件当前状态为“已办结”"):
        calls[attempt]()
    assert frozen(case) == before


def test_stale_version_is_a_conflict(city, submit, clerk):
    case = submit(f.item(city, "unit-enrollment"))
    actions.accept_case(case, clerk, channel=W, expected_version=case.version)
    with pytest.raises(ConcurrentUpdate, match="已被其他人更新"):
        actions.refuse_case(case, clerk, channel=W, reason="重复申请", expected_version=1)


def test_events_are_append_only(city, submit):
    case = submit(f.item(city, "unit-enrollment"))
    event = case.events.get()
    event.comment = "改写"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        CaseEvent.objects.filter(case=case).update(comment="改写")
    with pytest.raises(ImmutableRecord):
        CaseEvent.objects.filter(case=case).delete()
    assert CaseEvent.objects.get(pk=event.pk).comment == ""


def test_each_transition_appends_exactly_one_event_with_actor_role_and_office(city, submit, clerk, reviewer):
    case = submit(f.item(city, "unit-enrollment"))
    counts = [case.events.count()]
    actions.accept_case(case, clerk, channel=W)
    counts.append(case.events.count())
    actions.start_review(case, reviewer, channel=Channel.API)
    counts.append(case.events.count())
    assert counts == [1, 2, 3]
    review = case.events.last()
    assert (review.actor, review.actor_role, review.office, review.channel) == (reviewer, "审核", "市本级", "api")
    assert case.events.first().actor_role == "申请人"


def test_receipt_numbers_are_unique_readable_and_not_enumerable(city):
    day = date(2026, 11, 26)
    numbers = [next_receipt_no(city, day) for _ in range(30)]
    assert len(set(numbers)) == 30
    assert all(re.fullmatch(r"519900-20261126-\d{6}-[A-Z2-9]{3}", n) for n in numbers)
    assert [int(n.split("-")[2]) for n in numbers] == list(range(1, 31))
    assert len({n[-3:] for n in numbers}) > 1  # check characters vary


def test_receipt_number_uniqueness_is_a_database_constraint(city, submit):
    case = submit(f.item(city, "unit-enrollment"))
    clone = Case.objects.filter(pk=case.pk).values().get()
    clone.pop("id")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(**clone)


def test_frozen_snapshot_is_unaffected_by_a_new_edition(city, submit, clerk):
    old = f.item(city, "unit-enrollment", limits=[("", 3)], materials=[("旧版登记表", "", False)])
    case = submit(old)
    new = f.item(city, "unit-enrollment", limits=[("", 1)], materials=[("新版登记表", "", False), ("营业执照", "", False)],
                 effective_from=timezone.localdate())
    assert new.guide_id != old.guide_id
    case = actions.accept_case(case, clerk, channel=W)
    assert case.limit_days == 3
    assert [e.name for e in checklist(case)] == ["旧版登记表"]
    assert case.snapshot["edition"] == old.guide.edition
    # the old edition is no longer taken for new cases
    with pytest.raises(ItemNotAvailable, match="不是现行版本"):
        submit(old)
    assert submit(new).snapshot["materials"][0]["name"] == "新版登记表"


def test_template_guide_takes_no_cases(submit):
    template = f.region("template-x", "模板", "")
    template.is_template = True
    template.save()
    with pytest.raises(ItemNotAvailable, match="模板"):
        submit(f.item(template, "unit-enrollment"))


def test_evaluation_rows_are_immutable(city, submit, clerk, person):
    case = actions.run_instant(submit(f.item(city, "resident-enrollment", limits=[("", 0)])), clerk, channel=W)
    evaluation = actions.rate_case(case, person.user, level="satisfied", channel=Channel.PORTAL)
    evaluation.level = "very_dissatisfied"
    with pytest.raises(ImmutableRecord):
        evaluation.save()
    with pytest.raises(ImmutableRecord):
        Evaluation.objects.filter(pk=evaluation.pk).update(level="very_dissatisfied")
    assert Evaluation.objects.get(pk=evaluation.pk).level == "satisfied"
