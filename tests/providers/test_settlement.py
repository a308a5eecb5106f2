"""A month of claims: every audit rule rejects its line, the provider answers line by line, the
re-review fixes the result, the head approves, the approved amount less the deposit is paid to the
provider's account through a payment order; the statement as PDF and xlsx."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tests import domain_support as ds
from tests.providers.conftest import W, claim_file, hospital_data, line, month_after, provider_account
from yibao.cases import actions
from yibao.cases.snapshot import item_in_force
from yibao.core.models import Channel
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.policy import NotAllowed
from yibao.providers import actions as providers
from yibao.providers.documents import statement_pdf, statement_xlsx
from yibao.providers.exceptions import (
    ClaimFileInvalid,
    ClaimPeriodInvalid,
    InvalidInput,
    NotTheProvidersAccount,
    SettlementStepRefused,
)
from yibao.providers.models import ClaimSubmission, FlaggedLine, Provider, SettlementState, Verdict

pytestmark = pytest.mark.django_db
ONLINE = Channel.PORTAL


def opener(region, account):
    def open_case(code, data):
        item = item_in_force(region, code)
        return actions.submit_case(item=item, applicant=account, actor=account.user, channel=ONLINE, data=data,
                                   materials={k: "document" for k in ds.catalogue_materials(item)})

    return open_case


def file_claims(provider, account, period, content, filename="claims.csv"):
    return providers.submit_claims(provider, period, io.BytesIO(content), filename, account.user, channel=ONLINE,
                                   open_case=opener(provider.region, account))


@pytest.fixture
def month(regions, designate, submit, through, clock):
    """A private hospital designated today; next month it is suspended on the 10th and resumed on
    the 15th; the clock then stands on the 5th of the month after (claims are due by the 15th)."""
    dazhou = regions["dazhou"]
    me = provider_account(name="达州市结算测试医院")
    designate(dazhou, me, hospital_data(name="达州市结算测试医院"))
    start = month_after(datetime.date.today())
    clock(start.replace(day=10))
    through(submit(dazhou, "provider-suspension", me, {"request": "suspend", "reason": "设备检修"}))
    clock(start.replace(day=15))
    through(submit(dazhou, "provider-resumption", me, {}))
    clock(month_after(start).replace(day=5))
    a = ds.insured(dazhou, name="李参保", since=datetime.date(2020, 1, 1))[1]
    b = ds.insured(dazhou, name="王参保", since=datetime.date(2020, 1, 1))[1]
    return dazhou, me, Provider.objects.get(code=me.id_number), start, a, b


def filed_in_dazhou(regions, start, name="攀参保"):
    """A person insured in 攀枝花 with a long-term filing for care in 四川省达州市 from `start`
    (filed through the filing register's own action, applied for that day)."""
    from yibao.remote_care import actions as remote

    person = ds.insured(regions["panzhihua"], name=name, since=datetime.date(2020, 1, 1))[1]
    request = remote.Request(kind="resident", province="四川省", city="达州市", start_on=start, basis="proof",
                             applied_on=start)
    return person, remote.file_filing(person, regions["panzhihua"], request, actor=None, channel=W)


def rows_for(start, a, b, c=None):
    d = start.replace
    return [
        line(a.id_number, d(day=3), visit_no="V1"),  # 2: good
        line((c or b).id_number, d(day=5), visit_no="V2", remote="是", filing_no="BA-2026-001"),  # 3: filed (c)
        line("511702198001010016", d(day=4), visit_no="V3"),  # 4: not insured
        line(a.id_number, d(day=12), visit_no="V4"),  # 5: provider suspended
        line(a.id_number, d(day=3), visit_no="V1"),  # 6: duplicate of line 2
        line(b.id_number, d(day=6), visit_no="V5", remote="是"),  # 7: remote visit without a filing
        line(a.id_number, d(day=7), visit_no="V6", catalogue_class="丙"),  # 8: outside the catalogue
        line(a.id_number, d(day=8), visit_no="V7", amount="60000.00", fund_share="48000.00"),  # 9: over the ceiling
        line(b.id_number, d(day=9), visit_no="V8", amount="10.00", fund_share="20.00"),  # 10: fund over the amount
        line(b.id_number, start - datetime.timedelta(days=2), visit_no="V9"),  # 11: outside the period
    ]


def test_a_month_of_claims_from_file_to_payment(month, staff, regions):
    dazhou, me, provider, start, a, b = month
    c, filing = filed_in_dazhou(regions, start)
    team = staff["dazhou"]
    period = start.strftime("%Y-%m")
    submission = file_claims(provider, me, period, claim_file(rows_for(start, a, b, c)))
    assert submission.lines == 10 and submission.state == SettlementState.AUDITED
    assert submission.claimed == Decimal("80.00") * 8 + Decimal("48000.00") + Decimal("20.00")
    by_rule = {k: v["lines"] for k, v in submission.by_rule.items()}
    assert by_rule == {"outside_period": 1, "not_insured": 1, "provider_suspended": 1, "duplicate": 1,
                       "remote_unfiled": 1, "outside_catalogue": 1, "over_policy": 2}
    flagged = {f.line_no: f.rules for f in submission.flagged.all()}
    assert flagged == {4: ["not_insured"], 5: ["provider_suspended"], 6: ["duplicate"], 7: ["remote_unfiled"],
                       8: ["outside_catalogue"], 9: ["over_policy"], 10: ["over_policy"], 11: ["outside_period"]}
    assert submission.rejected_preliminary == Decimal("80.00") * 6 + Decimal("48000.00") + Decimal("20.00")
    # the remote visit without a filing names where none was found (b is insured in 达州 itself)
    assert "达州市" in submission.flagged.get(line_no=7).note and filing.number
    assert submission.flagged.get(line_no=6).note == "与第2行重复"
    case = submission.case
    assert case.item_code == "hospital-settlement" and case.applicant == me

    # The provider answers line by line: two disputed, the rest accepted.
    other = provider_account(name="别家医院")
    with pytest.raises(NotTheProvidersAccount):
        providers.answer_lines(submission, {4: ("accept", "")}, other.user, channel=ONLINE)
    with pytest.raises(InvalidInput, match="理由"):
        providers.answer_lines(submission, {4: ("dispute", "")}, me.user, channel=ONLINE)
    with pytest.raises(SettlementStepRefused, match="不是初审拒付"):
        providers.answer_lines(submission, {2: ("dispute", "好的")}, me.user, channel=ONLINE)
    submission = providers.answer_lines(
        submission, {4: ("dispute", "患者当日已参保，附参保凭证"), 7: ("dispute", "已电话备案"),
                     **{n: ("accept", "") for n in (5, 6, 8, 9, 10, 11)}}, me.user, channel=ONLINE)
    assert submission.state == SettlementState.ANSWERED

    actions.accept_case(case, team.clerk, channel=W)
    with pytest.raises(SettlementStepRefused):  # the re-review happens in 审核
        providers.re_review(submission, {}, team.reviewer, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    with pytest.raises(SettlementStepRefused, match="尚未复审"):
        providers.re_review(submission, {4: ("restore", "核实已参保")}, team.reviewer, channel=W)
    submission = providers.re_review(submission, {4: ("restore", "核实已参保"), 7: ("uphold", "无备案记录")},
                                     team.reviewer, channel=W)
    assert submission.rejected_final == submission.rejected_preliminary - Decimal("80.00")
    assert submission.approved == submission.claimed - submission.rejected_final == Decimal("240.00")
    assert submission.deposit == Decimal("12.00") and submission.payable == Decimal("228.00")
    assert FlaggedLine.objects.get(submission=submission, line_no=4).verdict == Verdict.RESTORED

    with pytest.raises(SettlementStepRefused, match="负责人核准"):
        actions.approve_case(case, team.reviewer, channel=W)
    with pytest.raises(NotAllowed):
        providers.approve_settlement(submission, team.reviewer, channel=W)
    providers.approve_settlement(submission, team.head, channel=W)
    case = actions.approve_case(case, team.reviewer, channel=W)
    assert case.amount == Decimal("228.00")
    case = actions.pay_case(case, team.maker, channel=W)
    order = order_for_case(case)
    assert order.amount == Decimal("228.00") and order.account_no == provider.bank_account
    assert order.payee_name == provider.name
    order = payments.approve_order(order, team.checker, channel=W)
    payments.mark_paid(order, team.cashier, channel=W, bank_reference="BANK-1")
    case = actions.complete_case(case, team.clerk, channel=W)
    effect = case.events.last().payload["effect"]
    assert effect["paid"] == "228.00" and effect["deposit"] == "12.00"
    submission.refresh_from_db()
    assert submission.state == SettlementState.SETTLED

    pdf = statement_pdf(submission)
    assert pdf.startswith(b"%PDF")
    book = load_workbook(io.BytesIO(statement_xlsx(submission)), read_only=True)
    summary = {r[0]: r[1] for r in book["结算单"].iter_rows(values_only=True) if r and len(r) > 1}
    assert summary["应拨付（元）"] == "228.00" and summary["核定金额（元）"] == "240.00"
    lines = list(book["拒付明细"].iter_rows(values_only=True))[1:]
    assert len(lines) == 8 and {r[11] for r in lines} >= {"予以支付", "维持拒付", "认可"}
    assert all("*" in r[2] for r in lines)  # ID numbers masked


def test_a_malformed_file_is_refused_whole(month):
    dazhou, me, provider, start, a, b = month
    rows = rows_for(start, a, b)
    rows[5]["amount"] = "12.345"
    with pytest.raises(ClaimFileInvalid, match="第7行"):
        file_claims(provider, me, start.strftime("%Y-%m"), claim_file(rows))
    for bad, message in ((b"", "空"), (b"\x00\x01binary", "缺少列|CSV|编码"), ("患者姓名\n张三\n".encode(), "缺少列")):
        with pytest.raises(ClaimFileInvalid, match=message):
            file_claims(provider, me, start.strftime("%Y-%m"), bad)
    with pytest.raises(ClaimFileInvalid):
        file_claims(provider, me, start.strftime("%Y-%m"), b"not a zip", filename="claims.xlsx")
    assert ClaimSubmission.objects.count() == 0 and not FlaggedLine.objects.exists()


def test_periods_open_late_and_twice(month, clock):
    dazhou, me, provider, start, a, b = month
    content = claim_file(rows_for(start, a, b)[:2])
    with pytest.raises(ClaimPeriodInvalid, match="尚未结束"):
        file_claims(provider, me, month_after(start).strftime("%Y-%m"), content)
    with pytest.raises(InvalidInput, match="格式"):
        file_claims(provider, me, "2026-13", content)
    file_claims(provider, me, start.strftime("%Y-%m"), content)
    with pytest.raises(ClaimPeriodInvalid, match="重复"):
        file_claims(provider, me, start.strftime("%Y-%m"), content)
    clock(month_after(start).replace(day=16))
    with pytest.raises(ClaimPeriodInvalid, match="逾期"):
        file_claims(provider, me, start.strftime("%Y-%m"), content)
    with pytest.raises(NotTheProvidersAccount):
        providers.submit_claims(provider, start.strftime("%Y-%m"), io.BytesIO(content), "c.csv",
                                provider_account().user, channel=ONLINE, open_case=None)


def test_an_xlsx_claim_file_and_a_refused_case_voids_the_submission(month, staff):
    dazhou, me, provider, start, a, b = month
    book = Workbook()
    sheet = book.active
    rows = rows_for(start, a, b)[:3]
    from yibao.providers.claims_file import HEADER

    sheet.append(HEADER)
    for r in rows:
        sheet.append([r["patient_id"], r["patient_name"], r["visit_no"], r["visit_kind"],
                      datetime.date.fromisoformat(r["visit_on"]), r["item_code"], r["item_name"], r["catalogue_class"],
                      1, float(r["amount"]), float(r["fund_share"]), r["remote"], r["filing_no"]])
    out = io.BytesIO()
    book.save(out)
    submission = file_claims(provider, me, start.strftime("%Y-%m"), out.getvalue(), filename="claims.xlsx")
    assert submission.lines == 3 and submission.by_rule["not_insured"]["lines"] == 1
    assert len(submission.digest) == 64
    actions.refuse_case(submission.case, staff["dazhou"].clerk, channel=W, reason="清单与实际不符")
    submission.refresh_from_db()
    assert submission.state == SettlementState.VOID
    again = file_claims(provider, me, start.strftime("%Y-%m"), out.getvalue(), filename="claims.xlsx")
    assert again.pk != submission.pk


def test_the_generic_application_form_cannot_fake_a_submission(month, submit):
    dazhou, me, provider, start, a, b = month
    with pytest.raises(SettlementStepRefused, match="上传"):
        submit(dazhou, "hospital-settlement", me, {"period": start.strftime("%Y-%m"), "submission": 999})
