"""case_progress (the progress of a case whose reader is already known) and expected_limit (the
limit a case will get once accepted)."""
from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from yibao.cases import actions
from yibao.cases.queries import case_progress, expected_limit, progress
from yibao.core.models import Channel

SPLIT = (("在职职工", 5), ("灵活就业人员", 10))
generic_handlers = generic_handlers_for("chronic-disease", "remote-worker", "remote-temporary")


def test_case_progress_is_what_the_public_query_shows(city, submit, clerk, person):
    case = actions.accept_case(submit(f.item(city, "chronic-disease")), clerk, channel=Channel.WINDOW)
    assert case_progress(case) == progress(case.receipt_no, person.id_number)
    assert person.id_number not in str(case_progress(case))


def test_expected_limit_follows_the_conditions_and_the_channel(city, submit):
    split = f.item(city, "chronic-disease", limits=SPLIT)
    assert expected_limit(submit(split, conditions={"applicant_kind": "灵活就业人员"})) == 10
    assert expected_limit(submit(split, conditions={"applicant_kind": "在职职工"})) == 5
    by_channel = f.item(city, "remote-worker", limits=(("线上", 0), ("线下", 1)))
    assert expected_limit(submit(by_channel, channel=Channel.PORTAL)) == 0
    assert expected_limit(submit(by_channel)) == 1
    assert expected_limit(submit(f.item(city, "remote-temporary", limits=()))) is None
