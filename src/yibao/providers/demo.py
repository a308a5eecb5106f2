"""Demo data of the providers domain, for a first look (`yibao serve` creates it once): per demo
region one hospital already designated since January of last year (so a month of claims can be
submitted at once) and a few insured persons its sample claim file names. The provider accounts
that apply for designation themselves are people.demo's. Nothing here is any region's real data."""
import datetime

from django.db import transaction
from django.utils import timezone

from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Person, Scheme, Sex
from yibao.people import actions as people
from yibao.people.models import Applicant, ApplicantKind, IdType
from yibao.providers.audit import place_of
from yibao.providers.models import Agreement, AgreementAction, AgreementEvent, AgreementState, Provider

DEMO_PASSWORD = "yibao-demo-2026"
# region -> (code, name, address, bank account); valid provider codes of the region's division.
DESIGNATED = {
    "dazhou": ("H51170200002", "达州市演示定点医院", "达州市通川区演示路2号", "511702000000000002"),
    "songpan": ("H51323300002", "松潘县演示定点医院", "松潘县进安镇演示路2号", "513233000000000002"),
    "panzhihua": ("H51040000002", "攀枝花市演示定点医院", "攀枝花市东区演示路2号", "510400000000000002"),
}
# Insured persons the sample claim file names (valid check digits, made up).
PATIENTS = {
    "dazhou": [("511702198001010019", "钱演示"), ("511702198502020028", "孙演示")],
    "songpan": [("513233198001010014", "周演示"), ("513233198502020023", "吴演示")],
    "panzhihua": [("510402198001010011", "郑演示"), ("510402198502020020", "冯演示")],
}
# Per provider's region, a person insured in another demo region with a long-term remote-care
# filing (异地就医备案, through the filing register's own action) for care where the provider is,
# so the sample file's remote line passes the audit.
REMOTE_PATIENTS = {
    "dazhou": ("510402198203030015", "卫异地", "panzhihua"),
    "songpan": ("513233198405050018", "蒋异地", "dazhou"),
    "panzhihua": ("511702198304040026", "沈异地", "dazhou"),
}


@transaction.atomic
def ensure_demo_providers():
    """Create what does not exist. Returns [(description, login, password)] for the printed list."""
    printed = []
    since = datetime.date(timezone.localdate().year - 1, 1, 1)
    for code, (number, name, address, account) in DESIGNATED.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        applicant = Applicant.objects.filter(id_number=number).first()
        if applicant is None:
            applicant = people.register_applicant(ApplicantKind.PROVIDER, IdType.PROVIDER_CODE, number, name,
                                                  "0818-2100002", DEMO_PASSWORD, region=region, channel=Channel.SYSTEM)
        if not Provider.objects.filter(code=number).exists():
            provider = Provider.objects.create(
                code=number, name=name, kind="hospital", level="2", ownership="private", licence_kind="practice",
                licence_no=f"PDY{number[1:7]}-0002", legal_representative="演示院长", address=address,
                bank_name="中国银行演示支行", bank_account=account, region=region, account=applicant)
            agreement = Agreement.objects.create(
                provider=provider, region=region, state=AgreementState.IN_FORCE, signed_on=since, starts_on=since,
                ends_on=since.replace(year=since.year + 3) - datetime.timedelta(days=1), scope_provincial=True)
            AgreementEvent.objects.create(agreement=agreement, action=AgreementAction.ACTIVATE, to_state=agreement.state,
                                          on=since, channel=Channel.SYSTEM, comment="演示数据：已签订协议（示例）")
        for id_number, patient in PATIENTS[code]:
            if Person.objects.filter(id_number=id_number).exists():
                continue
            person = Person.objects.create(region=region, id_number=id_number, name=patient,
                                           sex=Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE,
                                           birth_date=datetime.date(int(id_number[6:10]), int(id_number[10:12]),
                                                                    int(id_number[12:14])))
            registers.enrol(person, Scheme.RESIDENT, region=region, on=datetime.date(2020, 1, 1), actor=None,
                            channel=Channel.SYSTEM, reason="演示数据")
        _remote_patient(region, since)
        printed.append((f"定点医药机构（已定点，可申报结算）{name}", number, DEMO_PASSWORD))
    return printed


def _remote_patient(region, since):
    from yibao.remote_care import actions as filings
    from yibao.remote_care.models import Filing

    id_number, name, home = REMOTE_PATIENTS[region.code]
    home_region = Region.objects.filter(code=home).first()
    if home_region is None:
        return
    person = Person.objects.filter(id_number=id_number).first()
    if person is None:
        person = Person.objects.create(region=home_region, id_number=id_number, name=name,
                                       sex=Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE,
                                       birth_date=datetime.date(int(id_number[6:10]), int(id_number[10:12]),
                                                                int(id_number[12:14])))
        registers.enrol(person, Scheme.RESIDENT, region=home_region, on=datetime.date(2020, 1, 1), actor=None,
                        channel=Channel.SYSTEM, reason="演示数据")
    province, city = place_of(region)
    if not Filing.objects.filter(person=person, province=province, city=city).exists():
        filings.file_filing(person, home_region, filings.Request(
            kind="resident", province=province, city=city or region.name, start_on=since, basis="proof",
            basis_note="演示数据", applied_on=since), actor=None, channel=Channel.SYSTEM)
