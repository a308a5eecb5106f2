"""改派: a supervisor moves an open case to another office of the region; nobody else may."""
import pytest

from tests.cases import factories as f
from tests.handlers import on_generic_handler
from yibao.cases import actions
from yibao.cases.deadlines import DUE_SOON, ON_TIME, OVERDUE, due_status
from yibao.cases.exceptions import ConcurrentUpdate, InvalidCaseData, InvalidTransition
from yibao.cases.models import Case
from yibao.catalog.models import Office
from yibao.core.models import AuditEntry, Channel
from yibao.people.policy import NotAllowed
from yibao.workdays.calendar import current, due_date

W = Channel.WINDOW


@pytest.fixture(autouse=True)
def engine_rules():
    # These tests are about the engine's table and flow, not a domain's rules.
    with on_generic_handler("contribution-base", "insurance-certificate", "chronic-disease", "outpatient-reimbursement"):
        yield


@pytest.fixture
def item(city):
    item = f.item(city, "contribution-base")
    for n, name in enumerate(["市本级", "通川区"], start=1):
        Office.objects.create(guide=item.guide, ordinal=n, name=name)
    return item


def test_supervisor_reassigns_an_open_case_with_one_event(item, submit, supervisor):
    case = submit(item)
    case = actions.reassign_case(case, supervisor, office="通川区", channel=W, comment="就近办理",
                                 expected_version=case.version)
    case.refresh_from_db()
    assert (case.office, case.state, case.version) == ("通川区", "submitted", 2)
    event = case.events.get(action="reassign")
    assert event.payload == {"office": ["市本级", "通川区"]} and event.comment == "就近办理"
    assert event.actor_role == "科室负责人"
    assert AuditEntry.objects.filter(object_id=str(case.pk), action="改派经办机构").count() == 1


@pytest.mark.parametrize("office, message", [("", "请选择"), ("成都市", "请选择"), ("市本级", "无需改派")])
def test_reassign_refuses_an_office_not_listed_or_the_same(item, submit, supervisor, office, message):
    case = submit(item)
    with pytest.raises(InvalidCaseData, match=message):
        actions.reassign_case(case, supervisor, office=office, channel=W)
    assert Case.objects.get(pk=case.pk).office == "市本级" and not case.events.filter(action="reassign").exists()


def test_reassign_needs_the_supervisor_role_a_current_version_and_an_open_case(item, submit, clerk, supervisor,
                                                                                reviewer):
    case = submit(item)
    with pytest.raises(NotAllowed, match="科室负责人"):
        actions.reassign_case(case, clerk, office="通川区", channel=W)
    with pytest.raises(ConcurrentUpdate):
        actions.reassign_case(case, supervisor, office="通川区", channel=W, expected_version=case.version + 1)
    actions.refuse_case(case, clerk, channel=W, reason="不属于受理范围")
    with pytest.raises(InvalidTransition):
        actions.reassign_case(case, supervisor, office="通川区", channel=W)
    assert Case.objects.get(pk=case.pk).office == "市本级"


def test_due_status_with_a_calendar_given_agrees_with_the_module_functions(item, submit, clerk):
    case = actions.accept_case(submit(item), clerk, channel=W)
    calendar = current()
    today = case.accepted_on
    for day, expected in [(today, ON_TIME), (case.due_date, DUE_SOON),
                          (due_date(case.due_date, 1).date, OVERDUE)]:
        assert due_status(case, day, calendar) == due_status(case, day) == expected
