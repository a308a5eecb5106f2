"""Validity: a temporary filing expires, a long-term one does not; change and cancellation (with
the commitment lock period); the answer for a past date never changes."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.remote_care.conftest import place
from yibao.core.models import Channel
from yibao.remote_care import actions, queries
from yibao.remote_care.exceptions import FilingLocked, FilingNotFound, InvalidFilingMove
from yibao.remote_care.models import Filing, FilingStatus, RemoteCareParameters, add_months

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate


def test_a_temporary_filing_expires_and_a_long_term_one_does_not(dazhou, insured, submit, finish):
    ins = insured(dazhou)
    temporary = Filing.objects.get(case=finish(submit(dazhou, "remote-emergency", ins.applicant,
                                                      data=place(evidence="病情诊断证明")))[0])
    long_term = Filing.objects.get(case=finish(submit(dazhou, "remote-retiree", ins.applicant,
                                                      data=place("广东省", "广州市", basis="证明材料")))[0])
    end = temporary.end_on
    assert queries.filing_on(ins.person, end, province="海南省") == temporary
    assert queries.filing_on(ins.person, end + DAY, province="海南省") is None
    far = TODAY() + datetime.timedelta(days=3650)
    assert queries.filing_on(ins.person, far, province="广东省", city="广州市") == long_term
    assert queries.filing_on(ins.person, far, province="广东省", city="深圳市") is None
    # the sweep marks it; before its end it leaves it alone
    assert actions.expire_filings(end) == 0
    assert actions.expire_filings(end + DAY, channel=Channel.SYSTEM) == 1
    temporary.refresh_from_db()
    long_term.refresh_from_db()
    assert (temporary.status, long_term.status) == (FilingStatus.EXPIRED, FilingStatus.VALID)
    assert temporary.events.filter(action="expire").count() == 1
    assert actions.expire_filings(end + DAY) == 0  # twice changes nothing
    # a new temporary filing may start once the old one has ended
    assert queries.filing_on(ins.person, end, province="海南省") == temporary  # the past stays as it was


def test_change_inside_the_commitment_lock_is_refused_and_after_it_allowed(dazhou, insured, submit, finish):
    RemoteCareParameters.objects.create(region=dazhou, effective_from=datetime.date(2020, 1, 1), temporary_months=12,
                                        commitment_lock_months=6, sample=True)
    ins = insured(dazhou)
    case, _ = finish(submit(dazhou, "remote-resident", ins.applicant, data=place(basis="个人承诺书")))
    filing = Filing.objects.get(case=case)
    assert filing.locked_until == add_months(TODAY(), 6)
    with pytest.raises(FilingLocked, match="前不能变更"):
        submit(dazhou, "remote-resident", ins.applicant, data={"action": "变更", "filing_number": filing.number,
                                                                **place("广东省", "深圳市", basis="个人承诺书")})
    with pytest.raises(FilingLocked, match="前不能取消"):
        actions.cancel_filing(filing, actor=None, channel=Channel.SYSTEM)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.VALID
    # a change taking effect on the day the lock ends goes through
    on = filing.locked_until
    new_case, effect = finish(submit(dazhou, "remote-resident", ins.applicant, data={
        "action": "变更", "filing_number": filing.number, "start_on": on.isoformat(),
        **place("广东省", "深圳市", basis="个人承诺书")}))
    filing.refresh_from_db()
    new = Filing.objects.get(case=new_case)
    assert (filing.status, filing.ended_on, filing.replaced_by) == (FilingStatus.CHANGED, on, new)
    assert queries.filing_on(ins.person, on - DAY, province="海南省") == filing
    assert queries.filing_on(ins.person, on, province="海南省") is None
    assert queries.filing_on(ins.person, on, province="广东省", city="深圳市") == new
    assert effect["filing"] == new.number
    with pytest.raises(InvalidFilingMove):  # a changed filing cannot be changed again
        actions.cancel_filing(filing, actor=None, channel=Channel.SYSTEM)


def test_a_temporary_validity_below_the_floor_cannot_be_set(dazhou):
    params = RemoteCareParameters(region=dazhou, effective_from=datetime.date(2026, 1, 1), temporary_months=3)
    with pytest.raises(ValidationError, match="不得少于6个月"):
        params.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        params.save()


def test_a_proof_filing_is_cancelled_today(dazhou, insured, submit, finish):
    ins = insured(dazhou)
    filing = Filing.objects.get(case=finish(submit(dazhou, "remote-worker", ins.applicant,
                                                   data=place(basis="证明材料")))[0])
    case, effect = finish(submit(dazhou, "remote-worker", ins.applicant,
                                 data={"action": "取消", "filing_number": filing.number}))
    filing.refresh_from_db()
    assert (filing.status, filing.ended_on) == (FilingStatus.CANCELLED, TODAY())
    assert "已取消" in effect["summary"]
    assert queries.filing_on(ins.person, TODAY(), province="海南省") is None
    assert list(filing.events.values_list("action", flat=True)) == ["file", "cancel"]


def test_someone_elses_filing_cannot_be_cancelled(dazhou, insured, submit, finish):
    ins, other = insured(dazhou), insured(dazhou, name="王五")
    filing = Filing.objects.get(case=finish(submit(dazhou, "remote-worker", ins.applicant,
                                                   data=place(basis="证明材料")))[0])
    with pytest.raises(FilingNotFound):
        submit(dazhou, "remote-worker", other.applicant, data={"action": "取消", "filing_number": filing.number})
