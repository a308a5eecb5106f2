"""Fixtures for the provider items on the shipped guides: staff of each region (clerk, reviewer,
three payers, a supervisor as the head), provider accounts, and helpers that take a designation
through the engine's actions and the agreement's review steps."""
import datetime
import io

import pytest

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.domain_support import shipped_regions  # noqa: F401 (fixture)
from yibao.cases import actions
from yibao.cases.snapshot import item_in_force
from yibao.core.models import Channel
from yibao.people.models import Applicant, ApplicantKind, IdType
from yibao.providers import actions as providers
from yibao.providers.claims_file import write_csv

W = Channel.WINDOW
BANK = "6222021234567890128"
TODAY = datetime.date.today


@pytest.fixture
def regions(shipped_regions):
    return shipped_regions


@pytest.fixture
def staff(regions):
    teams = {}
    for code, region in regions.items():
        team = ds.team(region)
        team.head = cf.staff(region, "supervisor")
        teams[code] = team
    return teams


_seq = iter(range(10, 99999))


def provider_account(code=None, name="达州市测试医院", region=None):
    code = code or f"H511702{next(_seq):05d}"
    return Applicant.objects.create(user=cf.user(), kind=ApplicantKind.PROVIDER, id_type=IdType.PROVIDER_CODE,
                                    id_number=code, name=name, phone="0818-2100009", region=region)


def hospital_data(**over):
    data = {"name": "达州市测试医院", "kind": "hospital", "level": "2", "ownership": "private",
            "licence_kind": "practice", "licence_no": "PDY12345-511702", "legal_representative": "王院长",
            "principal": "李主任", "address": "达州市通川区测试路1号", "bank_name": "中国银行达州分行",
            "bank_account": "511702000012345678", "sealed": True}
    return {**data, **over}


def pharmacy_data(**over):
    data = {"name": "达州市测试大药房", "kind": "pharmacy", "licence_kind": "pharmacy", "licence_no": "川AA8180001",
            "business_licence_no": "91511702MA62XKL1YD", "legal_representative": "赵经理", "address": "达州市通川区药房街2号",
            "bank_name": "中国工商银行达州分行", "bank_account": "2317000012345678901", "sealed": True}
    return {**data, **over}


@pytest.fixture
def submit(staff):
    """submit(region, code, applicant, data): filed by the provider itself online with every
    material the catalogue lists, or, where the guide in force offers the item at the window only,
    brought to the window and filed by the region's clerk."""

    def _submit(region, code, applicant, data, *, actor=None, channel=Channel.PORTAL):
        item = item_in_force(region, code)
        materials = {k: "document" for k in ds.catalogue_materials(item)}
        if channel != W and actor is None and not item.channels.filter(online=True).exists():
            actor, channel = staff[region.code].clerk, W
        return actions.submit_case(item=item, applicant=applicant, actor=actor or applicant.user, channel=channel,
                                   materials=materials, data=data)

    return _submit


@pytest.fixture
def designate(staff, submit):
    """designate(region, account, data=None) -> (case, agreement): a designation taken to 办结:
    accepted, evaluated (publicised a month ago), publicity over, signed, approved, completed."""

    def _designate(region, account, data=None, *, code="hospital-designation", starts_on=None):
        team = staff[region.code]
        case = submit(region, code, account, data or hospital_data(name=account.name))
        case = actions.accept_case(case, team.clerk, channel=W)
        case = actions.start_review(case, team.reviewer, channel=W)
        agreement = providers.agreement_for_case(case)
        evaluate(agreement, team.reviewer)
        agreement = providers.end_publicity(agreement, team.reviewer, channel=W)
        providers.sign_agreement(agreement, team.reviewer, channel=W, starts_on=starts_on or TODAY())
        case = actions.approve_case(case, team.reviewer, channel=W)
        case = actions.complete_case(case, team.clerk, channel=W)
        return case, providers.agreement_for_case(case)

    return _designate


def evaluate(agreement, reviewer, *, passed=True, days_ago=30):
    onsite = TODAY() - datetime.timedelta(days=days_ago + 2)
    return providers.record_evaluation(agreement, reviewer, channel=W, panel=["专家甲", "专家乙", "专家丙"],
                                       onsite_on=onsite, score=86 if passed else 40, passed=passed,
                                       opinion="符合定点条件" if passed else "不符合定点条件",
                                       publicised_on=TODAY() - datetime.timedelta(days=days_ago))


@pytest.fixture
def through(staff):
    """through(case) -> (case, effect): accepted, reviewed, approved and completed by the team."""

    def _through(case):
        team = staff[case.region.code]
        actions.accept_case(case, team.clerk, channel=W)
        actions.start_review(case, team.reviewer, channel=W)
        case = actions.approve_case(case, team.reviewer, channel=W)
        case = actions.complete_case(case, team.clerk, channel=W)
        return case, case.events.last().payload["effect"]

    return _through


def claim_file(rows):
    """A claim CSV (bytes) of `rows`: dicts with the HEADER's fields by their short names."""
    out = io.StringIO()
    write_csv([[r.get(k, "") for k in ("patient_id", "patient_name", "visit_no", "visit_kind", "visit_on", "item_code",
                                        "item_name", "catalogue_class", "quantity", "amount", "fund_share", "remote",
                                        "filing_no")] for r in rows], out)
    return out.getvalue().encode("utf-8")


def line(patient_id, visit_on, **over):
    row = {"patient_id": patient_id, "patient_name": "张三", "visit_no": "V0001", "visit_kind": "门诊",
           "visit_on": visit_on.isoformat(), "item_code": "001201000010000", "item_name": "一般诊疗费",
           "catalogue_class": "甲", "quantity": "1", "amount": "100.00", "fund_share": "80.00", "remote": "否",
           "filing_no": ""}
    return {**row, **over}



@pytest.fixture
def clock(monkeypatch):
    """clock(date): from now on the system's today is `date` (10:00 local time), as if the test ran
    then; the calendar, the guides and the registers are the real ones."""
    from django.utils import timezone

    def _set(day):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
        return day

    return _set


def month_after(day, n=1):
    """The first day of the n-th month after `day`'s."""
    month = day.month - 1 + n
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)
