"""remote-settlement-help with the printed demo accounts alone: 演示县 adopts the 附件5 template (the
only guide that publishes the item); its clerk takes 张演示's ticket at the window, and 办结 records the
answer fed back. Created once."""
import pytest

from tests.remote_care.test_demo import DEMO_APPLICANTS
from yibao.cases import actions
from yibao.cases.snapshot import item_in_force
from yibao.core.models import Channel
from yibao.people.demo import ensure_demo_accounts
from yibao.people.models import Applicant, StaffProfile
from yibao.remote_care.demo import CLERK, ensure_demo_county
from yibao.remote_care.models import Coordination


@pytest.mark.django_db
def test_the_demo_county_takes_a_coordination_ticket_to_its_end(seeded_catalog):
    ensure_demo_accounts()
    printed = ensure_demo_county()
    assert ensure_demo_county() == printed and printed[0][1] == CLERK  # once
    clerk = StaffProfile.objects.select_related("user", "region").get(user__username=CLERK)
    item = item_in_force(clerk.region, "remote-settlement-help")
    person = Applicant.objects.get(id_number=DEMO_APPLICANTS[0][2])
    case = actions.submit_case(item=item, applicant=person, actor=clerk.user, channel=Channel.WINDOW,
                               data={"source": "微信", "phone": "13800001111", "insured_place": "达州市",
                                     "care_place": "海南省三亚市", "provider": "三亚市人民医院",
                                     "problem": "出院结算时医院称未查到备案，不能直接结算"})
    case = actions.accept_case(case, clerk.user, channel=Channel.WINDOW)
    case = actions.complete_case(case, clerk.user, channel=Channel.WINDOW, comment="已与就医地医保部门核实备案，已重新结算")
    row = Coordination.objects.get(case=case)
    assert (row.get_source_display(), row.answer) == ("微信", "已与就医地医保部门核实备案，已重新结算")
    assert case.state == "completed"
