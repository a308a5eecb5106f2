"""What finishes the settlement: remote lines checked against the filing register, a line claimed
again in a later month, a month without claims and a month that pays nothing, the head who may not
be the re-reviewer, and the quality deposit paid back after the year's assessment."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.cases import factories as cf
from tests.providers.conftest import W, claim_file, line, month_after
from tests.providers.test_settlement import file_claims, filed_in_dazhou, month  # noqa: F401 (fixture)
from yibao.cases import actions
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.policy import NotAllowed
from yibao.providers import actions as providers
from yibao.providers.documents import statement_pdf, statement_xlsx
from yibao.providers.exceptions import ClaimPeriodInvalid, InvalidInput, SettlementStepRefused
from yibao.providers.models import (
    ClaimSubmission,
    DepositRelease,
    ReleaseState,
    SettlementParameters,
    SettlementState,
)

pytestmark = pytest.mark.django_db


def period_of(day):
    return day.strftime("%Y-%m")


def test_remote_lines_are_checked_against_the_filing_register(month, regions):
    dazhou, me, provider, start, a, b = month
    c, filing = filed_in_dazhou(regions, start.replace(day=6), name="攀备案")
    # filed for 攀枝花's own city: no cover for care in 达州
    from yibao.remote_care import actions as remote
    from tests import domain_support as ds

    e = ds.insured(regions["dazhou"], name="达外出", since=datetime.date(2020, 1, 1))[1]
    remote.file_filing(e, regions["dazhou"], remote.Request(kind="resident", province="四川省", city="攀枝花市",
                                                           start_on=start, basis="proof", applied_on=start),
                       actor=None, channel=W)
    d = start.replace
    rows = [
        line(c.id_number, d(day=5), visit_no="R1", remote="是"),  # 2: the day before the filing began
        line(c.id_number, d(day=20), visit_no="R2", remote="是"),  # 3: covered, no number given
        line(c.id_number, d(day=21), visit_no="R3", remote="是", filing_no="WRONG-1"),  # 4: covered, wrong number
        line(e.id_number, d(day=20), visit_no="R4", remote="是", filing_no="X"),  # 5: filed for another city
        line(a.id_number, d(day=20), visit_no="R5"),  # 6: not remote
    ]
    submission = file_claims(provider, me, period_of(start), claim_file(rows))
    flagged = {f.line_no: f for f in submission.flagged.all()}
    assert {n: f.rules for n, f in flagged.items()} == {2: ["remote_unfiled"], 5: ["remote_unfiled"]}
    assert "达州市" in flagged[2].note and str(d(day=5)) in flagged[2].note
    assert "X" in flagged[5].note
    assert submission.by_rule["remote_unfiled"]["lines"] == 2


def test_a_line_claimed_again_in_a_later_month_is_rejected_as_a_duplicate(month, clock):
    dazhou, me, provider, start, a, b = month
    first = start.replace
    claimed = line(a.id_number, first(day=3), visit_no="V1")
    file_claims(provider, me, period_of(start), claim_file([claimed, line(b.id_number, first(day=4), visit_no="V2")]))
    following = month_after(start)
    clock(month_after(following).replace(day=5))
    again = file_claims(provider, me, period_of(following), claim_file([
        line(a.id_number, following.replace(day=2), visit_no="V10"),  # 2: good
        claimed,  # 3: claimed in the earlier month
        line(b.id_number, first(day=9), visit_no="V3"),  # 4: an earlier day, never claimed
        line(a.id_number, first(day=3), visit_no="V1", amount="101.00"),  # 5: same visit, other amount
    ]))
    flagged = {f.line_no: f for f in again.flagged.all()}
    assert flagged[3].rules == ["outside_period", "duplicate"]
    assert flagged[3].note == f"已在{period_of(start)}结算申报中申报"
    assert flagged[4].rules == ["outside_period"] and flagged[5].rules == ["outside_period"]
    assert 2 not in flagged and again.by_rule["duplicate"]["lines"] == 1


def test_a_voided_earlier_month_does_not_count_as_claimed(month, clock, staff):
    dazhou, me, provider, start, a, b = month
    claimed = line(a.id_number, start.replace(day=3), visit_no="V1")
    earlier = file_claims(provider, me, period_of(start), claim_file([claimed]))
    actions.refuse_case(earlier.case, staff["dazhou"].clerk, channel=W, reason="清单有误")
    following = month_after(start)
    clock(month_after(following).replace(day=5))
    again = file_claims(provider, me, period_of(following), claim_file([claimed]))
    assert again.flagged.get().rules == ["outside_period"]


def test_a_month_without_claims_is_a_zero_declaration(month):
    dazhou, me, provider, start, a, b = month
    submission = file_claims(provider, me, period_of(start), claim_file([]))
    assert submission.state == SettlementState.SETTLED and submission.case is None
    assert submission.lines == 0 and submission.payable == Decimal("0.00") and submission.deposit == Decimal("0.00")
    assert submission.events.get().action == "none"
    assert statement_pdf(submission).startswith(b"%PDF")
    book = load_workbook(io.BytesIO(statement_xlsx(submission)), read_only=True)
    summary = {r[0]: r[1] for r in book["结算单"].iter_rows(values_only=True) if r and len(r) > 1}
    assert summary["应拨付（元）"] == "0.00"
    with pytest.raises(ClaimPeriodInvalid, match="重复"):
        file_claims(provider, me, period_of(start), claim_file([line(a.id_number, start.replace(day=3))]))


def test_a_month_whose_every_line_is_rejected_is_settled_at_zero(month, staff):
    dazhou, me, provider, start, a, b = month
    team = staff["dazhou"]
    submission = file_claims(provider, me, period_of(start),
                             claim_file([line("511702198001010016", start.replace(day=4))]))
    case = actions.accept_case(submission.case, team.clerk, channel=W)
    case = actions.start_review(case, team.reviewer, channel=W)
    submission = providers.re_review(submission, {}, team.reviewer, channel=W)
    assert submission.approved == Decimal("0.00") and submission.payable == Decimal("0.00")
    providers.approve_settlement(submission, team.head, channel=W)
    with pytest.raises(SettlementStepRefused, match="0元"):
        actions.approve_case(case, team.reviewer, channel=W)
    actions.deny_case(case, team.reviewer, channel=W, reason="本期核定应拨付金额为0元")
    submission.refresh_from_db()
    assert submission.state == SettlementState.SETTLED and submission.payable == Decimal("0.00")


@pytest.mark.parametrize("superuser", [False, True])
def test_the_head_may_not_approve_what_he_re_reviewed(month, staff, superuser):
    dazhou, me, provider, start, a, b = month
    team = staff["dazhou"]
    both = cf.staff(dazhou, "admin") if superuser else cf.staff(dazhou, "reviewer", "supervisor")
    if superuser:
        both.is_superuser = both.is_staff = True
        both.save()
    submission = file_claims(provider, me, period_of(start), claim_file([line(a.id_number, start.replace(day=3))]))
    case = actions.accept_case(submission.case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    submission = providers.re_review(submission, {}, both, channel=W)
    with pytest.raises(NotAllowed, match="复审人员不得核准"):
        providers.approve_settlement(submission, both, channel=W)
    submission.refresh_from_db()
    assert submission.state == SettlementState.REVIEWED and submission.approved_by is None
    providers.approve_settlement(submission, team.head, channel=W)
    submission.refresh_from_db()
    assert submission.state == SettlementState.APPROVED and submission.approved_by == team.head


def settle_month(provider, me, team, period, rows):
    submission = file_claims(provider, me, period, claim_file(rows))
    case = actions.accept_case(submission.case, team.clerk, channel=W)
    case = actions.start_review(case, team.reviewer, channel=W)
    submission = providers.re_review(submission, {}, team.reviewer, channel=W)
    providers.approve_settlement(submission, team.head, channel=W)
    pay_through(actions.approve_case(case, team.reviewer, channel=W), team)
    submission.refresh_from_db()
    assert submission.state == SettlementState.SETTLED
    return submission


def pay_through(case, team):
    case = actions.pay_case(case, team.maker, channel=W)
    order = payments.approve_order(order_for_case(case), team.checker, channel=W)
    payments.mark_paid(order, team.cashier, channel=W, bank_reference=f"BANK-{case.pk}")
    case.refresh_from_db()
    return actions.complete_case(case, team.clerk, channel=W), order


def test_the_deposit_is_paid_back_after_the_years_assessment(month, staff, clock):
    dazhou, me, provider, start, a, b = month
    team = staff["dazhou"]
    settled = settle_month(provider, me, team, period_of(start), [
        line(a.id_number, start.replace(day=3), visit_no="V1", amount="1000.00", fund_share="800.00"),
        line(b.id_number, start.replace(day=4), visit_no="V2", amount="500.00", fund_share="400.50")])
    assert settled.deposit == Decimal("60.03")  # 5% of 1200.50 (sample rate)
    year = start.year
    with pytest.raises(InvalidInput, match="已结束"):
        providers.release_deposit(provider, year, 95, team.reviewer, channel=W)
    clock(datetime.date(year + 1, 1, 12))
    with pytest.raises(NotAllowed):
        providers.release_deposit(provider, year, 95, me.user, channel=W)
    with pytest.raises(InvalidInput, match="0至100"):
        providers.release_deposit(provider, year, 101, team.reviewer, channel=W)

    # below the full-release score (sample: 90): in proportion to the score
    release = providers.release_deposit(provider, year, "60", team.reviewer, channel=W)
    assert (release.held, release.released, release.withheld) == (Decimal("60.03"), Decimal("36.02"), Decimal("24.01"))
    assert SettlementParameters.objects.get(region=None).sample
    with pytest.raises(SettlementStepRefused, match="已办理|没有待返还"):
        providers.release_deposit(provider, year, 95, team.reviewer, channel=W)
    case = release.case
    assert case.applicant == me and case.state == "accepted"
    # the score was wrong: the case is denied, the deposit held again, and released anew
    actions.start_review(case, team.reviewer, channel=W)
    actions.deny_case(case, team.reviewer, channel=W, reason="考核得分有误")
    release.refresh_from_db()
    assert release.state == ReleaseState.VOID and not release.submissions.exists()

    release = providers.release_deposit(provider, year, "92.5", team.reviewer, channel=W)
    assert release.released == Decimal("60.03") and release.withheld == Decimal("0.00")
    case = actions.start_review(release.case, team.reviewer, channel=W)
    case = actions.approve_case(case, team.reviewer, channel=W)
    assert case.amount == Decimal("60.03")
    case, order = pay_through(case, team)
    assert order.amount == Decimal("60.03") and order.account_no == provider.bank_account
    assert "质量保证金" in order.purpose
    release.refresh_from_db()
    assert release.state == ReleaseState.SETTLED
    assert case.events.last().payload["effect"]["paid"] == "60.03"
    assert list(ClaimSubmission.objects.filter(deposit_release=release)) == [settled]
    assert DepositRelease.objects.filter(provider=provider).count() == 2


def test_the_provider_cannot_open_a_release_case_itself(month, submit):
    dazhou, me, provider, start, a, b = month
    with pytest.raises(Exception, match="保证金|上传"):
        submit(dazhou, "hospital-settlement", me, {"period": period_of(start), "release": 1})


def test_the_release_on_the_workbench_and_the_providers_page(month, staff, clock, client):
    from django.urls import reverse

    dazhou, me, provider, start, a, b = month
    team = staff["dazhou"]
    settle_month(provider, me, team, period_of(start), [line(a.id_number, start.replace(day=3), visit_no="V1")])
    clock(datetime.date(start.year + 1, 1, 12))
    agreement = provider.agreements.get()
    client.force_login(team.reviewer)
    url = reverse("workbench:agreement_step", args=[agreement.pk, "deposit_release"])
    refused = client.post(url, {"year": str(start.year), "score": "abc"}, follow=True).content.decode()
    assert "0至100" in refused and not DepositRelease.objects.exists()
    page = client.post(url, {"year": str(start.year), "score": "95"}, follow=True).content.decode()
    release = DepositRelease.objects.get()
    assert release.released == Decimal("4.00") and release.case is not None  # 5% of 80.00
    assert "质量保证金返还" in page and release.case.receipt_no in page
    client.force_login(me.user)
    mine = client.get(reverse("portal:my_provider")).content.decode()
    assert "质量保证金返还" in mine and "4.00" in mine


def test_the_audit_note_is_shown_to_the_provider(month, client):
    from django.urls import reverse

    dazhou, me, provider, start, a, b = month
    submission = file_claims(provider, me, period_of(start), claim_file([
        line(b.id_number, start.replace(day=6), visit_no="V5", remote="是", filing_no="BA-9")]))
    client.force_login(me.user)
    page = client.get(reverse("portal:my_settlement", args=[submission.pk])).content.decode()
    assert "异地就医未备案" in page and "未查到覆盖就医地四川省达州市的异地就医备案" in page and "BA-9" in page


def test_a_zero_declaration_on_the_portal(month, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    dazhou, me, provider, start, a, b = month
    client.force_login(me.user)
    page = client.post(reverse("portal:upload_claims"),
                       {"period": period_of(start), "file": SimpleUploadedFile("c.csv", claim_file([]), "text/csv")},
                       follow=True).content.decode()
    assert "已零申报" in page and "已结算" in page
    assert ClaimSubmission.objects.get().state == SettlementState.SETTLED
