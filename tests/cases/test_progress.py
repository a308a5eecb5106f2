"""Progress query by receipt number and ID number; an applicant's own cases."""
import pytest

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.exceptions import CaseNotFound
from yibao.cases.queries import NOT_FOUND, cases_of, progress
from yibao.core.models import Channel

W = Channel.WINDOW


@pytest.fixture
def accepted(city, submit, clerk):
    return actions.accept_case(submit(f.item(city, "unit-enrollment", limits=[("", 3)])), clerk, channel=W)


def test_progress_shows_stages_holder_and_due_date_with_masked_data(accepted, person):
    person.name = "张三丰"
    person.save()
    answer = progress(accepted.receipt_no.lower(), person.id_number)
    assert answer["state_label"] == "已受理" and answer["holder"] == "市本级（已受理，待审核）"
    assert answer["due_date"] == accepted.due_date.isoformat() and answer["due_status"] == "on_time"
    assert [s["stage"] for s in answer["stages"]] == ["申请", "受理", "审核", "办结"]
    assert answer["stages"][1]["date"] == accepted.accepted_on.isoformat() and answer["stages"][2]["date"] is None
    assert answer["applicant"] == "张**"
    assert answer["applicant_id"] == person.id_number[:3] + "*" * 11 + person.id_number[-4:]
    assert person.id_number not in str(answer)


def test_wrong_id_number_gives_the_same_not_found_as_a_missing_case(accepted, person):
    with pytest.raises(CaseNotFound) as wrong:
        progress(accepted.receipt_no, "110101199003077777")
    with pytest.raises(CaseNotFound) as missing:
        progress("519900-20991231-000001-ABC", person.id_number)
    with pytest.raises(CaseNotFound) as empty:
        progress(accepted.receipt_no, "")
    assert wrong.value.message == missing.value.message == empty.value.message == NOT_FOUND
    assert wrong.value.details == missing.value.details == {}


def test_agent_id_number_also_opens_the_case(city, submit, clerk):
    agent = f.applicant(name="代办员")
    case = submit(f.item(city, "unit-enrollment"), agent=agent, materials=[1])
    assert progress(case.receipt_no, agent.id_number)["receipt_no"] == case.receipt_no


def test_cases_of_lists_own_and_agent_cases(city, submit, person):
    unit = f.item(city, "unit-enrollment")
    own = submit(unit)
    other = f.applicant(name="李四")
    as_agent = submit(unit, applicant=other, agent=person, actor=person.user)
    assert set(cases_of(person)) == {own, as_agent}
    assert list(cases_of(other)) == [as_agent]
