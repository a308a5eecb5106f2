"""Demo accounts for a first look: staff of each seeded region, an admin, a person, an employer
and a provider. Created once; an account that exists already is left as it is."""
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from yibao.catalog.guides.store import get_or_create_region
from yibao.catalog.models import Guide, Office
from yibao.people import actions
from yibao.people.models import Applicant, ApplicantKind, IdType, Role

DEMO_PASSWORD = "yibao-demo-2026"
DEMO_REGIONS = ["dazhou", "songpan", "panzhihua"]
# The office used when the region's guide is not loaded yet: the city- or county-level one.
FALLBACK_OFFICE = {"dazhou": "市本级", "songpan": "松潘县医疗保障局", "panzhihua": "市医保事务中心"}
STAFF_ROLES = [Role.CLERK, Role.REVIEWER, Role.PAYER, Role.SUPERVISOR]
# Three payers per region, one part each of the three-person rule (制单 / 复核 / 支付确认).
EXTRA_PAYERS = [
    ("payer", "制单：办件“拨付”生成支付指令"),
    ("payer2", "复核：复核支付指令、审核批次"),
    ("payer3", "支付确认：组批、导出批量代发文件、导入回盘文件"),
]
# Two reviewers per region: a reimbursement's 初审 and 复核 are different people (R05).
EXTRA_REVIEWERS = [
    ("reviewer", "初审；待遇认定抽取专家"),
    ("reviewer2", "复核：报销“审核通过”"),
]
# Valid numbers (check digits computed), made up for the demo.
DEMO_APPLICANTS = [
    (ApplicantKind.PERSON, IdType.RESIDENT_ID, "511702199003071238", "张演示", "13800001111"),
    (ApplicantKind.PERSON, IdType.RESIDENT_ID, "511702198506124325", "李居民", "13800002222"),
    (ApplicantKind.EMPLOYER, IdType.USCC, "91511702MA62XKL1YD", "达州市演示商贸有限公司", "0818-2100000"),
    (ApplicantKind.PROVIDER, IdType.PROVIDER_CODE, "H51170200001", "达州市演示医院", "0818-2100001"),
]
# One provider account per other demo region (达州's is above), each applying to its own region's
# agency for designation (codes of the region's division: 松潘 513233, 攀枝花 510400).
DEMO_PROVIDERS = [
    ("songpan", "H51323300001", "松潘县演示医院", "0837-7232001"),
    ("panzhihua", "H51040000001", "攀枝花市演示医院", "0812-3332001"),
]


def _region(code):
    manifest = json.loads((Path(settings.YIBAO_SEED_DIR) / "manifest.json").read_text(encoding="utf-8"))
    fields = next((r for r in manifest["regions"] if r["code"] == code), {"code": code})
    return get_or_create_region(**fields)


def _office(region):
    office = Office.objects.filter(guide__in=Guide.objects.filter(region=region).in_force()).order_by("ordinal")
    first = office.values_list("name", flat=True).first()
    return first or FALLBACK_OFFICE.get(region.code, "")


@transaction.atomic
def ensure_demo_accounts():
    """Create the demo accounts that do not exist. Returns [(role description, login, password)]."""
    User = get_user_model()
    accounts = []
    regions = [_region(code) for code in DEMO_REGIONS]
    for region in regions:
        office = _office(region)
        for role in STAFF_ROLES:
            parts = {Role.PAYER: EXTRA_PAYERS, Role.REVIEWER: EXTRA_REVIEWERS}.get(role, [(role.value, "")])
            for suffix, part in parts:
                username = f"{region.code}-{suffix}"
                if not User.objects.filter(username=username).exists():
                    actions.create_staff(username, DEMO_PASSWORD, region, office, [role])
                accounts.append((f"{region.name} {office} {role.label}{'（' + part + '）' if part else ''}", username,
                                 DEMO_PASSWORD))
    if not User.objects.filter(username="admin").exists():
        actions.create_staff("admin", DEMO_PASSWORD, regions[0], _office(regions[0]), [Role.ADMIN])
    accounts.append((f"{Role.ADMIN.label}（各地区，后台 /admin/）", "admin", DEMO_PASSWORD))
    for kind, id_type, number, name, phone in DEMO_APPLICANTS:
        if not Applicant.objects.filter(id_number=number).exists():
            actions.register_applicant(kind, id_type, number, name, phone, DEMO_PASSWORD, region=regions[0])
        accounts.append((f"{kind.label}（{id_type.label}）{name}", number, DEMO_PASSWORD))
    by_code = {r.code: r for r in regions}
    for code, number, name, phone in DEMO_PROVIDERS:
        if not Applicant.objects.filter(id_number=number).exists():
            actions.register_applicant(ApplicantKind.PROVIDER, IdType.PROVIDER_CODE, number, name, phone, DEMO_PASSWORD,
                                       region=by_code[code])
        accounts.append((f"{ApplicantKind.PROVIDER.label}（{by_code[code].name}）{name}", number, DEMO_PASSWORD))
    return accounts
