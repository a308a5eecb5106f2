import pytest
from django.core.management import call_command
from django.test import Client

from yibao.core.models import AuditEntry
from yibao.people import policy
from yibao.people.demo import DEMO_PASSWORD, ensure_demo_accounts
from yibao.people.identity import validate_id
from yibao.people.models import Applicant, IdType, Role, StaffProfile

from .conftest import PERSON_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_staff):
    client = Client()
    client.force_login(make_staff("root", [Role.ADMIN]))
    return client


def test_applicant_list_shows_masked_id_and_phone_only(admin_client, make_person):
    make_person()
    page = admin_client.get("/admin/people/applicant/").content.decode()
    assert "511***********1238" in page and "138****1111" in page
    assert PERSON_ID not in page and "13800001111" not in page
    # Searching by the full number finds the account; a fragment of it finds nothing.
    assert "511***********1238" in admin_client.get("/admin/people/applicant/", {"q": PERSON_ID}).content.decode()
    assert "511***********1238" not in admin_client.get("/admin/people/applicant/", {"q": "19900307"}).content.decode()


def test_staff_roles_edited_in_admin_are_saved_and_audited(admin_client, region, make_staff):
    clerk = make_staff("clerk", [Role.CLERK])
    profile = clerk.staff_profile
    response = admin_client.post(
        f"/admin/people/staffprofile/{profile.pk}/change/",
        {"user": clerk.pk, "region": region.pk, "office": "通川区", "roles": ["clerk", "reviewer"], "active": "on"},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.office, profile.roles) == ("通川区", ["clerk", "reviewer"])
    entry = AuditEntry.objects.filter(object_type="people.staffprofile", action="修改").get()
    assert entry.changes["roles"] == [["clerk"], ["clerk", "reviewer"]]


def test_demo_accounts_are_created_once_and_work(client):
    accounts = ensure_demo_accounts()
    # per region: clerk, two reviewers (初审 / 复核), three payers (the three-person rule), supervisor
    assert StaffProfile.objects.count() == 3 * 7 + 1
    assert Applicant.objects.count() == 6  # 张演示, 李居民, an employer, a provider per demo region
    assert {p.region.code for p in StaffProfile.objects.all()} == {"dazhou", "songpan", "panzhihua"}
    assert all(password == DEMO_PASSWORD for _, _, password in accounts)
    assert len(accounts) == 28  # 3 regions x (clerk, 2 reviewers, 3 payers, supervisor) + admin + 6 applicants
    for region in ("dazhou", "songpan", "panzhihua"):  # the three-person rule can be met in every region
        assert sum(login.startswith(f"{region}-payer") for _, login, _ in accounts) == 3
        assert sum(login.startswith(f"{region}-reviewer") for _, login, _ in accounts) == 2

    again = ensure_demo_accounts()
    assert again == accounts
    assert (StaffProfile.objects.count(), Applicant.objects.count()) == (22, 6)

    for applicant in Applicant.objects.all():
        assert validate_id(applicant.id_type, applicant.id_number) == applicant.id_number
    assert {a.id_type for a in Applicant.objects.all()} == {IdType.RESIDENT_ID, IdType.USCC, IdType.PROVIDER_CODE}
    assert Applicant.objects.get(id_number="H51323300001").region.code == "songpan"
    songpan_payer = StaffProfile.objects.get(user__username="songpan-payer")
    assert songpan_payer.roles == ["payer"] and songpan_payer.office
    assert policy.has_role(StaffProfile.objects.get(user__username="admin").user, Role.ADMIN)

    demo_person = next(login for role, login, _ in accounts if role.startswith("个人"))  # 张演示
    response = client.post("/accounts/login/", {"username": demo_person, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_accounts_command_lists_them(capsys):
    call_command("demo-accounts")
    out = capsys.readouterr().out
    assert "dazhou-clerk / yibao-demo-2026" in out and "admin / yibao-demo-2026" in out
