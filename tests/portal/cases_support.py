"""Fixtures of the public case pages' tests (imported by tests/portal/test_cases_*.py): an online
item of an in-force guide, people, staff, and an upload folder of the test's own."""
from datetime import date

import pytest

from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from tests.portal.conftest import chronic, parsed_guide
from yibao.catalog.guides.parsed import ParsedChannel, ParsedItem, ParsedMaterial, ParsedStage, ParsedTimeLimit
from yibao.catalog.guides.store import get_or_create_region, save_guide
from yibao.people.models import ApplicantKind

CODES = ("chronic-disease", "unit-enrollment", "employee-enrollment")


def flexible():
    """An online item whose limit and materials depend on the applicant's kind."""
    return ParsedItem(
        ordinal=3, code="employee-enrollment", title="职工参保登记", name="职工参保登记",
        time_limits=[ParsedTimeLimit(3, when="在职职工"), ParsedTimeLimit(0, when="灵活就业人员")],
        materials=[
            ParsedMaterial("有效身份证件"),
            ParsedMaterial("劳动合同", when="在职职工"),
            ParsedMaterial("委托书", when="委托办理"),
            ParsedMaterial("出国定居证明", when="出国定居", commitment_fallback=True),
        ],
        channels=[ParsedChannel("net", "网上办理", "网上办理", online=True)],
        stages=[ParsedStage("申请"), ParsedStage("受理"), ParsedStage("审核"), ParsedStage("办结")],
    )


def offline():
    return ParsedItem(
        ordinal=2, code="unit-enrollment", title="单位参保登记", name="单位参保登记",
        time_limits=[ParsedTimeLimit(3)], materials=[ParsedMaterial("营业执照")],
        channels=[ParsedChannel("window", "经办机构窗口", "经办机构窗口")],
    )


# These tests are about the portal, not the domains.
generic_handlers = generic_handlers_for(*CODES)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def guide(db):
    """甲市's guide in force: 门诊慢特病 (online, 20 days, two materials), 单位参保登记 (window only),
    职工参保登记 (online, split by kind)."""
    from tests.portal.conftest import CITY_OFFICE

    region = get_or_create_region("jia", "甲市", area_code="0818", admin_code="511700", sort_order=10)
    guide, _ = save_guide(
        parsed_guide("jia-cases.txt", [
            chronic(20, materials=[("身份证件", ""), ("病历资料", "")], offices=[CITY_OFFICE]),
            offline(),
            flexible(),
        ]),
        region, edition="2023年版", effective_from=date(2023, 1, 1),
    )
    return guide


@pytest.fixture
def chronic_item(guide):
    return guide.items.get(code="chronic-disease")


@pytest.fixture
def region(guide):
    return guide.region


@pytest.fixture
def person(region):
    return f.applicant(name="张三", id_number="511702199003071238", region=region)


@pytest.fixture
def other(region):
    return f.applicant(name="李四", id_number="511702198501011234", region=region)


@pytest.fixture
def employer(region):
    return f.applicant(name="达州市演示商贸有限公司", id_number="91511702MA62XKL1YD", kind=ApplicantKind.EMPLOYER,
                       region=region)


@pytest.fixture
def clerk(region):
    return f.staff(region, "clerk")


@pytest.fixture
def reviewer(region):
    return f.staff(region, "reviewer")


@pytest.fixture
def supervisor(region):
    return f.staff(region, "supervisor")


@pytest.fixture
def old_and_template(guide):
    """An earlier edition of 甲市 (no longer in force) and a template guide, each with the item."""
    old, _ = save_guide(parsed_guide("jia-old.txt", [chronic(30, materials=[("身份证件", "")])]), guide.region,
                        edition="旧版", effective_from=date(2020, 1, 1))
    tpl = get_or_create_region("tpl", "公共服务事项指南（模板）", is_template=True, sort_order=90)
    template, _ = save_guide(parsed_guide("tpl-cases.txt", [chronic(20, materials=[("身份证件", "")])]), tpl,
                             edition="附件5")
    return old.items.get(), template.items.get()


def files_in(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
