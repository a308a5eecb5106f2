"""Test data for the case engine: catalogue items written through the real guide store, people
rows created directly (no password hashing: it is slow and beside the point here)."""
import hashlib
from itertools import count

from django.contrib.auth import get_user_model

from yibao.catalog.guides.parsed import ParsedGuide, ParsedItem, ParsedMaterial, ParsedStage, ParsedTimeLimit
from yibao.catalog.guides.store import save_guide
from yibao.catalog.models import Region
from yibao.people.models import Applicant, ApplicantKind, IdType, StaffProfile

STANDARD = ["申请", "受理", "审核", "办结"]
PAYMENT = ["申请", "受理", "审核", "拨付", "办结"]
NO_REVIEW = ["申请", "受理", "办结"]

_seq = count(1)


def region(code="testcity", name="测试市", admin_code="519900"):
    return Region.objects.get_or_create(code=code, defaults={"name": name, "admin_code": admin_code})[0]


def item(region, code, *, materials=(("有效身份证件", "", False),), limits=(("", 3),), stages=STANDARD,
         title=None, effective_from=None, edition=""):
    """A one-item guide edition of `region`; returns the ServiceItem. materials: (name, when, commitment_fallback)."""
    n = next(_seq)
    text = f"{region.code} {code} {n}"
    parsed = ParsedGuide(
        source=f"test-{n}.txt",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        family="test",
        items=[
            ParsedItem(
                ordinal=1,
                code=code,
                title=title or code,
                name=title or code,
                query_text="可通过统筹地区内的医保经办窗口或拨打咨询电话查询办理进度。",
                materials=[ParsedMaterial(name=m, when=w, commitment_fallback=f) for m, w, f in materials],
                time_limits=[ParsedTimeLimit(working_days=d, when=w) for w, d in limits],
                stages=[ParsedStage(name=s) for s in stages],
            )
        ],
    )
    guide, _ = save_guide(parsed, region, edition=edition or f"第{n}版", effective_from=effective_from)
    return guide.items.get()


def user(username=None):
    return get_user_model().objects.create_user(username or f"user{next(_seq)}")


def applicant(name="张三", id_number=None, kind=ApplicantKind.PERSON, region=None):
    n = next(_seq)
    return Applicant.objects.create(
        user=user(f"applicant{n}"),
        kind=kind,
        id_type=IdType.RESIDENT_ID,
        id_number=id_number or f"51170019900101{n:04d}",
        name=name,
        phone="13800000000",
        region=region,
    )


def staff(region, *roles, office="市本级", username=None):
    account = user(username or f"{roles[0]}{next(_seq)}")
    StaffProfile.objects.create(user=account, region=region, office=office, roles=list(roles))
    return account


# A payee the payer names at 拨付 for an item on the generic handler (a valid Luhn card number).
PAYEE = {"payee_name": "张三", "account_kind": "bank", "account_no": "6222020200000000006",
         "bank_name": "中国工商银行达州分行", "purpose": "费用报销"}


def pay_in_full(case, maker, *, region=None, reference="BANK-001"):
    """拨付 by `maker`, 复核 and 支付确认 by two more payers of the case's region: the case is 已拨付.
    Returns (case, order)."""
    from yibao.cases import actions
    from yibao.core.models import Channel
    from yibao.payments import actions as payments
    from yibao.payments.queries import order_for_case

    region = region or case.region
    case = actions.pay_case(case, maker, channel=Channel.WINDOW, payee=PAYEE)
    order = order_for_case(case)
    payments.approve_order(order, staff(region, "payer"), channel=Channel.WINDOW)
    payments.mark_paid(order, staff(region, "payer"), channel=Channel.WINDOW, bank_reference=reference)
    case.refresh_from_db()
    order.refresh_from_db()
    return case, order
