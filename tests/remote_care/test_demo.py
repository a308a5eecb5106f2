"""With only the printed demo accounts, a new user takes a long-term cross-province filing and then
account-transfer to their end (the engine's actions as the workbench and the portal call them), and
the demo designated hospital (on the provider register) files a referral for the demo person, who
is told of each filing (R38); the demo hospital still applying for designation may not."""
import pytest

from tests.accounts.conftest import SSC_CARD
from yibao.accounts.demo import DEMO_BALANCE, ensure_demo_insured
from yibao.cases import actions
from yibao.cases.snapshot import has_review, item_in_force
from yibao.core.models import Channel
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.demo import DEMO_APPLICANTS, ensure_demo_accounts
from yibao.people.models import Applicant, ApplicantKind, StaffProfile
from yibao.providers.demo import DESIGNATED, ensure_demo_providers
from yibao.remote_care.exceptions import NotReferringProvider
from yibao.remote_care.models import Filing

W = Channel.WINDOW


def staff(username):
    return StaffProfile.objects.select_related("user").get(user__username=username).user


def finish(case, *, payer=False):
    clerk = staff("dazhou-clerk")
    case = actions.accept_case(case, clerk, channel=W)
    if has_review(case.snapshot):
        actions.start_review(case, staff("dazhou-reviewer"), channel=W)
        case = actions.approve_case(case, staff("dazhou-reviewer"), channel=W)
    if payer:
        case = actions.pay_case(case, staff("dazhou-payer"), channel=W)
        order = payments.approve_order(order_for_case(case), staff("dazhou-payer2"), channel=W)
        payments.mark_paid(order, staff("dazhou-payer3"), channel=W, bank_reference="DEMO-1")
    return actions.complete_case(case, clerk, channel=W)


@pytest.mark.django_db
def test_a_new_user_files_and_then_transfers_the_account(seeded_catalog):
    ensure_demo_accounts()
    ensure_demo_insured()  # what `yibao serve` does after the accounts
    ensure_demo_providers()
    person_login = Applicant.objects.get(id_number=DEMO_APPLICANTS[0][2])
    applying = Applicant.objects.get(id_number=next(a[2] for a in DEMO_APPLICANTS if a[0] == ApplicantKind.PROVIDER))
    hospital = Applicant.objects.get(id_number=DESIGNATED["dazhou"][0])
    dazhou = person_login.region
    filed = actions.submit_case(item=item_in_force(dazhou, "remote-retiree"), applicant=person_login,
                                actor=person_login.user, channel=Channel.PORTAL,
                                materials={str(m.ordinal): "document" for m in
                                           item_in_force(dazhou, "remote-retiree").materials.filter(when="")},
                                data={"province": "海南省", "city": "三亚市", "basis": "证明材料"})
    finish(filed)
    assert Filing.objects.get(case=filed).cross_province
    item = item_in_force(dazhou, "account-transfer")
    # 达州's guide takes the transfer at the window only: the clerk files it for the person there
    transfer = actions.submit_case(item=item, applicant=person_login, actor=staff("dazhou-clerk"), channel=W,
                                   materials={str(m.ordinal): "document" for m in item.materials.filter(when="")},
                                   data={"card_bank_name": "四川省农村信用社", "card_account": SSC_CARD})
    transfer = finish(transfer, payer=True)
    assert transfer.events.last().payload["effect"]["transferred"] == str(DEMO_BALANCE)
    referral = item_in_force(dazhou, "remote-referral")
    with pytest.raises(NotReferringProvider):  # not designated (yet): it is applying for designation
        actions.submit_case(item=referral, applicant=applying, actor=applying.user, channel=Channel.WINDOW,
                            materials={str(m.ordinal): "document" for m in referral.materials.filter(when="")},
                            data={"id_number": person_login.id_number, "province": "重庆市", "city": "渝中区"})
    case = actions.submit_case(item=referral, applicant=hospital, actor=hospital.user, channel=Channel.PORTAL,
                               materials={str(m.ordinal): "document" for m in referral.materials.filter(when="")},
                               data={"id_number": person_login.id_number, "province": "重庆市", "city": "渝中区"})
    finish(case)
    assert Filing.objects.get(case=case).submitted_by_provider.startswith(hospital.id_number)
    told = person_login.user.case_notifications.filter(kind="remote_filing")
    assert told.count() == 2 and "重庆市渝中区" in told.first().text  # newest first
    filings = Filing.objects.count()  # the demo's own (the providers' remote patients) and these two
    ensure_demo_accounts()  # a second run changes nothing
    ensure_demo_insured()
    assert Filing.objects.count() == filings
    assert Filing.objects.filter(person__id_number=person_login.id_number).count() == 2
