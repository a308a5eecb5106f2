"""Reading cases: the public progress query and an applicant's own cases. Changes nothing."""
from datetime import datetime
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from yibao.cases.checklist import Conditions, checklist
from yibao.cases.deadlines import DUE_LABELS, due_status, pick_limit
from yibao.cases.exceptions import CaseNotFound, LimitUndetermined
from yibao.cases.models import Case, CaseEvent
from yibao.cases.receipts import normalise
from yibao.cases.snapshot import cached, flow_refusal, has_review, is_payment
from yibao.cases.states import OPEN_STATES, Action, CaseState, actions_from
from yibao.catalog.models import Guide
from yibao.core.compiled import CompiledQuery
from yibao.core.masking import mask_id_number, mask_name

# Moves only the payment order's own events make (payments calls them); never offered to staff.
ORDER_DRIVEN = frozenset({Action.PAYMENT_PAID, Action.PAYMENT_FAILED})

NOT_FOUND = "未查询到办件，请核对受理编号和证件号码"

# What get_FOO_display() gives, without building the dict of every choice on each call (a good
# part of the public query's time).
ACTION_LABELS, STATE_LABELS = dict(Action.choices), dict(CaseState.choices)

# Which event marks a published stage as reached.
STAGE_ACTIONS = (
    ("申请", (Action.SUBMIT,)),
    ("受理", (Action.ACCEPT, Action.REFUSE)),
    ("审核", (Action.APPROVE, Action.DENY)),
    ("拨付", (Action.PAYMENT_PAID,)),
    ("办结", (Action.COMPLETE,)),
)


def _holder(case):
    """Who has the case now, in the words an applicant understands."""
    office = case.office or "经办机构"
    return {
        CaseState.SUBMITTED: f"{office}（待受理）",
        CaseState.CORRECTION_REQUESTED: "申请人（待补正材料）",
        CaseState.ACCEPTED: f"{office}（已受理，待审核）" if has_review(case.snapshot) else f"{office}（待办结）",
        CaseState.UNDER_REVIEW: f"{office}（审核中）",
        CaseState.APPROVED: f"{office}（待拨付）" if is_payment(case.snapshot) else f"{office}（待办结）",
        CaseState.PAYING: f"{office}（拨付中，待银行支付）",
        CaseState.PAID: f"{office}（已拨付，待办结）",
    }.get(case.state, "已结束")


def _stages(case, events):
    wanted = ["申请", "受理"]
    if has_review(case.snapshot):
        wanted.append("审核")
    if is_payment(case.snapshot):
        wanted.append("拨付")
    wanted.append("办结")
    reached = {}
    for event in events:
        for stage, actions in STAGE_ACTIONS:
            if event.action in actions:
                reached[stage] = event
    return [
        {
            "stage": stage,
            "date": timezone.localdate(reached[stage].at).isoformat() if stage in reached else None,
            "result": ACTION_LABELS.get(reached[stage].action, reached[stage].action) if stage in reached else "",
        }
        for stage in wanted
    ]


def _by_receipt(alias):
    # The receipt number is unique: no ordering to compile (the model's default one) or sort by.
    sample = {"receipt_no": "\x00receipt_no"}
    cases = Case.objects.using(alias).select_related("applicant", "agent")
    return cases.filter(**sample).order_by()[:1], sample


class EventRow(NamedTuple):
    """What the progress shows of an event (its payload and actor are not read)."""

    at: datetime
    action: str
    office: str
    comment: str


def _events(alias):
    sample = {"case_id": -7}
    events = CaseEvent.objects.using(alias).filter(**sample).order_by("at", "id")
    return events.values_list(*EventRow._fields), sample


# The public query's reads, compiled once per database (core.compiled): building them through
# the ORM cost more than the database's answer from the unique index.
CASE_BY_RECEIPT = CompiledQuery(Case, _by_receipt)
EVENTS = CompiledQuery(CaseEvent, _events)


def _holds(person, number):
    # As the ID numbers' iexact match did (ID numbers are ASCII), without a LIKE to escape.
    return person is not None and person.id_number.upper() == number


def progress(receipt_no, id_number, today=None):
    """What anyone holding the receipt number and the applicant's (or agent's) ID number may see.
    A wrong pair and a missing case give the same CaseNotFound."""
    number = (id_number or "").strip().upper()
    case = next(iter(CASE_BY_RECEIPT.objects(receipt_no=normalise(receipt_no))), None) if number else None
    if case is None or not (_holds(case.applicant, number) or _holds(case.agent, number)):
        raise CaseNotFound(NOT_FOUND)
    return case_progress(case, today)


def case_progress(case, today=None):
    """The progress of `case` as the public query shows it (personal data masked): for a page
    that has already established who may see the case."""
    events = [EventRow(*row) for row in EVENTS.rows(case_id=case.pk, using=case._state.db)]
    status = due_status(case, today)
    return {
        "receipt_no": case.receipt_no,
        "item": case.title,
        "applicant": mask_name(case.applicant.name),
        "applicant_id": mask_id_number(case.applicant.id_number),
        "state": case.state,
        "state_label": STATE_LABELS.get(case.state, case.state),
        "holder": _holder(case),
        "stages": _stages(case, events),
        "history": [
            {"at": e.at.isoformat(), "action": ACTION_LABELS.get(e.action, e.action), "office": e.office, "comment": e.comment}
            for e in events
            if e.action != Action.RATE
        ],
        "submitted_on": timezone.localdate(case.submitted_at).isoformat(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "time_limit_days": case.limit_days,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "due_provisional": case.due_provisional,
        "due_status": status,
        "due_status_label": DUE_LABELS.get(status, ""),
        "owed_materials": case.owed,
        "materials_missing": [e.name for e in checklist(case) if e.missing] if case.is_open else [],
    }


def expected_limit(case):
    """The time limit (working days) that will apply to `case` once accepted, from its frozen item
    and conditions: None when the guide states none or the case does not yet say which applies."""
    try:
        rule, _ = pick_limit(case.snapshot.get("time_limits"), Conditions.parse(case.conditions), online=case.online)
    except LimitUndetermined:
        return None
    return rule["working_days"] if rule else None


def cases_of(applicant):
    """The cases an applicant filed or acted in as agent, newest first."""
    return (
        Case.objects.filter(Q(applicant=applicant) | Q(agent=applicant))
        .select_related("region")
        .order_by("-submitted_at", "-id")
    )


def region_offices(region_id):
    """The office names the region's guide in force lists (empty when it lists none); read once
    per edition (snapshot's cache)."""
    def build():
        guide = Guide.objects.filter(region_id=region_id).in_force().first()
        return tuple(guide.offices.order_by("ordinal").values_list("name", flat=True)) if guide else ()

    return list(cached(("region-offices", region_id, timezone.localdate()), build))


def next_steps(case):
    """The actions the transition table and the item's published flow allow on `case` now, before
    asking who may take them (people.policy does that): what a staff screen may offer."""
    return [a for a in actions_from(case.state)
            if a not in ORDER_DRIVEN and flow_refusal(case.snapshot, case.state, a) is None]


def is_instant(case):
    """即时办结: the limit that applies to this case is 0 working days and nothing is to be paid."""
    try:
        rule, _ = pick_limit(case.snapshot.get("time_limits"), Conditions.parse(case.conditions), online=case.online)
    except LimitUndetermined:
        return False
    return rule is not None and rule["working_days"] == 0 and not is_payment(case.snapshot)


def reviewers_of(case):
    """The users who reviewed `case` (started the review, approved or denied it): under the
    three-person rule none of them makes, approves or confirms its payment order."""
    return set(case.events.filter(action__in=(Action.START_REVIEW, Action.APPROVE, Action.DENY))
               .exclude(actor=None).values_list("actor_id", flat=True))


def reviewers_of_cases(case_ids):
    """{case id: reviewers_of(case)} for many cases in one query (a batch of payment orders)."""
    found = {}
    rows = (CaseEvent.objects.filter(case_id__in=case_ids, action__in=(Action.START_REVIEW, Action.APPROVE, Action.DENY))
            .exclude(actor=None).values_list("case_id", "actor_id"))
    for case_id, actor_id in rows:
        found.setdefault(case_id, set()).add(actor_id)
    return found


def open_case_with(item_code, applicant, key, value):
    """The applicant's open case of `item_code` whose data hold `value` at `key` (a data key, then
    sub-keys joined by "__": "sheet__sha256"), or None: a domain refuses the same paper filed twice."""
    return (Case.objects.filter(item_code=item_code, applicant=applicant, state__in=OPEN_STATES,
                                **{f"data__{key}": value}).order_by("id").first())
