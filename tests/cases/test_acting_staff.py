"""The acting staff member is resolved once per action: one read of the profile (with its region),
however many checks the action makes (policy, the role recorded, the office recorded)."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.states import CaseState
from yibao.core.models import Channel
from yibao.people.models import StaffProfile

PROFILE_TABLE = StaffProfile._meta.db_table


def _profile_reads(queries):
    return [q["sql"] for q in queries if f'"{PROFILE_TABLE}"' in q["sql"] or f"`{PROFILE_TABLE}`" in q["sql"]
            or f" {PROFILE_TABLE} " in q["sql"]]


def _fresh(user):
    # As a request sees its user: a new instance, no profile cached on it.
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("step", ["accept", "review", "approve", "complete"])
def test_one_profile_read_per_staff_action(step, city, clerk, reviewer, submit):
    item = f.item(city, "outpatient-chronic", stages=f.STANDARD)
    case = submit(item)
    runs = {
        "accept": (clerk, lambda c, u: actions.accept_case(c, u, channel=Channel.WINDOW)),
        "review": (reviewer, lambda c, u: actions.start_review(c, u, channel=Channel.WINDOW)),
        "approve": (reviewer, lambda c, u: actions.approve_case(c, u, channel=Channel.WINDOW)),
        "complete": (reviewer, lambda c, u: actions.complete_case(c, u, channel=Channel.WINDOW)),
    }
    for name, (staff, run) in runs.items():
        user = _fresh(staff)
        with CaptureQueriesContext(connection) as queries:
            case = run(case, user)
        if name == step:
            assert len(_profile_reads(queries.captured_queries)) == 1, _profile_reads(queries.captured_queries)
            break
    assert case.state in (CaseState.ACCEPTED, CaseState.UNDER_REVIEW, CaseState.APPROVED, CaseState.COMPLETED)
