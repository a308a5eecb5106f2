"""Two suspensions of one agreement, or two claim files of one period, at the same moment: one
goes through, the other is refused, and nothing is counted twice. Real transactions in two threads
on PostgreSQL."""
import datetime
import io

import pytest
from django.db import connection

from tests.cases import factories as cf
from tests.concurrency import race
from tests.providers.conftest import claim_file, line, month_after, provider_account
from yibao.cases import actions
from yibao.core.models import Channel
from yibao.providers import actions as providers
from yibao.providers.exceptions import ClaimPeriodInvalid, InvalidAgreementTransition
from yibao.providers.models import (
    Agreement,
    AgreementAction,
    AgreementEvent,
    AgreementState,
    ClaimSubmission,
    Provider,
    SettlementParameters,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
S = Channel.SYSTEM


def hospital_in_force(region, account, since):
    """A provider whose agreement is in force since `since` (its history written as the register
    keeps it)."""
    provider = Provider.objects.create(code=account.id_number, name=account.name, kind="hospital", level="2",
                                       ownership="private", licence_kind="practice", licence_no="PDY-RACE",
                                       legal_representative="院长", address="测试路1号", bank_name="测试银行",
                                       bank_account="1234567890123", region=region, account=account)
    agreement = Agreement.objects.create(provider=provider, region=region, state=AgreementState.IN_FORCE,
                                         starts_on=since, ends_on=since.replace(year=since.year + 3), signed_on=since)
    AgreementEvent.objects.create(agreement=agreement, action=AgreementAction.ACTIVATE, to_state=agreement.state,
                                  on=since, channel=S)
    return provider, agreement


@pytest.mark.parametrize("round_no", range(2))
def test_one_agreement_is_suspended_once(round_no):
    region = cf.region()
    reviewers = [cf.staff(region, "reviewer"), cf.staff(region, "reviewer")]
    provider, agreement = hospital_in_force(region, provider_account(), datetime.date(2025, 1, 1))
    results = race(*(lambda r=r: providers.suspend(provider, r, S, reason="查实违规") for r in reviewers))
    refused = [r for r in results if isinstance(r, InvalidAgreementTransition)]
    assert len(refused) == 1, results
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SUSPENDED and agreement.suspensions == 1
    assert agreement.events.filter(action=AgreementAction.SUSPEND).count() == 1


def test_one_period_is_submitted_once(clock):
    region = cf.region()
    item = cf.item(region, "hospital-settlement", stages=cf.PAYMENT)
    # A transactional test starts from an emptied database: the sample parameters are written here.
    SettlementParameters.objects.create(region=region, effective_from=datetime.date(2020, 1, 1), deposit_rate="0.05",
                                        line_ceiling="50000", sample=True)
    account = provider_account()
    provider, _ = hospital_in_force(region, account, datetime.date(2025, 1, 1))
    real = datetime.date.today()  # the test guide is in force from today: the clock moves forward only
    today = clock(real if real.day <= 15 else month_after(real).replace(day=5))  # inside the claims window
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    period = last_month.strftime("%Y-%m")
    content = claim_file([line("511702198001010019", last_month.replace(day=1))])

    def open_case(code, data):
        return actions.submit_case(item=item, applicant=account, actor=account.user, channel=Channel.PORTAL,
                                   data=data, materials={"1": "document"})

    def submit():
        return providers.submit_claims(provider, period, io.BytesIO(content), "c.csv", account.user,
                                       channel=Channel.PORTAL, open_case=open_case)

    results = race(submit, submit)
    assert sum(isinstance(r, ClaimSubmission) for r in results) == 1, results
    assert sum(isinstance(r, ClaimPeriodInvalid) for r in results) == 1, results
    assert ClaimSubmission.objects.filter(provider=provider, period=period).count() == 1


def test_a_years_deposit_is_released_once():
    """Two reviewers release the same year's deposits at once: one release, one refusal, each month's
    deposit tied to that one release (the provider row is locked first)."""
    from decimal import Decimal

    from yibao.providers.exceptions import SettlementStepRefused
    from yibao.providers.models import DepositRelease

    region = cf.region()
    cf.item(region, "hospital-settlement", stages=cf.PAYMENT)
    SettlementParameters.objects.create(region=region, effective_from=datetime.date(2020, 1, 1), deposit_rate="0.05",
                                        line_ceiling="50000", sample=True)
    provider, _ = hospital_in_force(region, provider_account(), datetime.date(2024, 1, 1))
    year = datetime.date.today().year - 1
    for month, deposit in ((1, "10.00"), (2, "5.50")):
        ClaimSubmission.objects.create(provider=provider, region=region, period=f"{year}-{month:02d}", state="settled",
                                       filename="c.csv", digest="-", lines=1, approved=Decimal(deposit) * 20,
                                       deposit=Decimal(deposit), payable=Decimal(deposit) * 19)
    reviewers = [cf.staff(region, "reviewer"), cf.staff(region, "reviewer")]
    results = race(*(lambda r=r: providers.release_deposit(provider, year, 95, r, channel=S) for r in reviewers))
    released = [r for r in results if isinstance(r, DepositRelease)]
    assert len(released) == 1 and sum(isinstance(r, SettlementStepRefused) for r in results) == 1, results
    assert released[0].released == Decimal("15.50") and released[0].case is not None
    assert DepositRelease.objects.count() == 1
    assert set(ClaimSubmission.objects.values_list("deposit_release", flat=True)) == {released[0].pk}
