"""异地就医直接结算问题协调服务 (only the template guide 003 publishes it): a ticket from any channel,
linked to the person, filing and provider, answered and fed back at 办结; counted like any case.
The tests give a region the template as its guide, as an agency that adopts it would."""
import pytest
from django.utils import timezone

from tests.remote_care.conftest import W, place
from yibao.cases import actions
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.catalog.guides.importer import import_files, seed_dir
from yibao.catalog.models import Region
from yibao.remote_care.models import Coordination, Filing

CODE = "remote-settlement-help"
TEMPLATE = "003_0a79226fc910f612.txt"


@pytest.fixture
def adopter(regions):
    """A county whose published guide is the template (附件5)."""
    region = Region.objects.create(code="xuanhan", name="宣汉县", admin_code="511722")
    import_files([seed_dir() / TEMPLATE], region="xuanhan", effective=timezone.localdate())
    return region


def ticket(**more):
    return {"source": "微博", "phone": "13800001234", "insured_place": "宣汉县", "care_place": "海南省三亚市",
            "provider": "三亚市人民医院", "problem": "出院时医院称未查到备案，不能直接结算", **more}


def test_a_ticket_is_answered_and_fed_back(adopter, insured, submit, finish, staff):
    ins = insured(adopter)
    filing = Filing.objects.get(case=finish(submit(adopter, "remote-retiree", ins.applicant,
                                                   data=place(basis="证明材料")))[0])
    case = submit(adopter, CODE, ins.applicant, data=ticket(filing_number=filing.number))
    clerk = staff["xuanhan"].clerk
    case = actions.accept_case(case, clerk, channel=W)
    assert case.limit_days == 0 and case.due_date == case.accepted_on  # 即时协调
    with pytest.raises(DomainCheckFailed, match="协调结果"):
        actions.complete_case(case, clerk, channel=W)
    assert not Coordination.objects.exists()
    case = actions.complete_case(case, clerk, channel=W, comment="已联系三亚市人民医院重新读取备案信息，已直接结算")
    effect = case.events.last().payload["effect"]
    row = Coordination.objects.get(case=case)
    assert (row.person, row.filing, row.provider, row.get_source_display()) == (
        ins.person, filing, "三亚市人民医院", "微博")
    assert row.answer.startswith("已联系三亚市人民医院") and effect["filing"] == filing.number


def test_a_ticket_about_someone_else_s_filing_is_refused(adopter, insured, submit, finish):
    ins, other = insured(adopter), insured(adopter, name="王五")
    filing = Filing.objects.get(case=finish(submit(adopter, "remote-retiree", ins.applicant,
                                                   data=place(basis="证明材料")))[0])
    with pytest.raises(DomainCheckFailed, match="未找到"):
        submit(adopter, CODE, other.applicant, data=ticket(filing_number=filing.number))
    with pytest.raises(InvalidCaseData, match="source"):
        submit(adopter, CODE, other.applicant, data=ticket(source="飞鸽传书"))
