import pytest
from django.db import IntegrityError, transaction

from yibao.core.models import AuditEntry
from yibao.people import actions
from yibao.people.models import Applicant, ApplicantKind, IdType, Role

from .conftest import PASSWORD, PERSON_ID, USCC

pytestmark = pytest.mark.django_db


def register_form(**overrides):
    data = {
        "kind": "person",
        "id_type": "resident_id",
        "id_number": PERSON_ID,
        "name": "张三",
        "phone": "138 0000 1111",
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_register_then_log_in_by_id_number_over_http(client, region):
    page = client.get("/accounts/register/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()

    response = client.post("/accounts/register/", register_form(region=region.pk))
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    assert (applicant.id_number, applicant.phone, applicant.region) == (PERSON_ID, "13800001111", region)
    assert applicant.user.password.startswith("argon2")
    assert PERSON_ID not in applicant.user.username  # the ID number stays out of audit labels
    # Registering does not log in: the answer must be the same whether the number was taken or not.
    assert response["Location"] == "/accounts/login/" and logged_in_user_id(client) is None
    response = client.post("/accounts/login/", {"username": f" {PERSON_ID} ", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user_id(client) == str(applicant.user.pk)


def test_employer_logs_in_with_its_uscc_and_staff_with_a_username(client, region, make_staff):
    actions.register_applicant(ApplicantKind.EMPLOYER, IdType.USCC, USCC.lower(), "达州某公司", "0818-2100000", PASSWORD)
    clerk = make_staff("dz-clerk", [Role.CLERK])

    client.post("/accounts/login/", {"username": USCC, "password": PASSWORD})
    assert Applicant.objects.get(id_number=USCC).user.pk == int(logged_in_user_id(client))
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "dz-clerk", "password": PASSWORD})
    assert logged_in_user_id(client) == str(clerk.pk)


def test_wrong_password_shows_a_chinese_error_and_logs_nobody_in(client, make_person):
    make_person()
    response = client.post("/accounts/login/", {"username": PERSON_ID, "password": "wrong-password"})
    assert response.status_code == 200
    assert "证件号码（或用户名）或密码不正确" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_login_follows_a_safe_next_but_not_an_outside_one(client, make_person):
    make_person()
    response = client.post("/accounts/login/?next=/track/", {"username": PERSON_ID, "password": PASSWORD})
    assert response["Location"] == "/track/"
    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/", {"username": PERSON_ID, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_logout_refuses_get(client, make_person):
    make_person()
    client.post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) is not None


def test_login_and_register_need_csrf(region):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD}).status_code == 403
    assert strict.post("/accounts/register/", register_form()).status_code == 403
    assert not Applicant.objects.exists()


def test_register_form_shows_field_errors(client, region):
    response = client.post("/accounts/register/", register_form(id_number="511702199003071239", password2="x"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "两次输入的密码不一致" in page
    response = client.post("/accounts/register/", register_form(id_number="511702199003071239"))
    assert "居民身份证号码校验位不正确" in response.content.decode()
    response = client.post("/accounts/register/", register_form(kind="employer"))
    assert "参保单位账户须使用统一社会信用代码" in response.content.decode()
    response = client.post("/accounts/register/", register_form(password="short", password2="short"))
    assert "密码至少需要8位" in response.content.decode()
    assert not Applicant.objects.exists()


def test_duplicate_registration_is_refused_without_saying_so(client, make_person):
    make_person()
    response = client.post("/accounts/register/", register_form(name="冒名者"), follow=True)
    assert response.status_code == 200
    assert "该证件号码已注册" not in response.content.decode() and "如此前已注册" in response.content.decode()
    # The same number as another document (a 户口簿 carries the 身份证号) is the same person.
    with pytest.raises(actions.AlreadyRegistered):
        actions.register_applicant(
            ApplicantKind.PERSON, IdType.HOUSEHOLD, PERSON_ID, "李四", "13900002222", PASSWORD
        )
    assert Applicant.objects.count() == 1
    assert Applicant.objects.get().name == "张三"


def test_the_database_itself_refuses_a_second_account_for_one_identity(make_person, django_user_model):
    first = make_person()
    other_user = django_user_model.objects.create_user("someone-else")
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicant.objects.create(
            user=other_user, kind="person", id_type=first.id_type, id_number=first.id_number, name="x", phone="1"
        )


def test_registration_and_staff_creation_are_audited_without_the_full_id(make_person, make_staff):
    applicant = make_person()
    make_staff("dz-reviewer", [Role.REVIEWER])
    entry = AuditEntry.objects.get(action="注册账户")
    assert entry.object_id == str(applicant.pk) and entry.actor == applicant.user
    assert PERSON_ID not in entry.summary + str(entry.changes)
    assert applicant.masked_id in entry.summary
    staff_entry = AuditEntry.objects.get(action="新增工作人员")
    assert staff_entry.changes["roles"] == ["reviewer"]


def test_create_staff_refuses_bad_roles_and_duplicate_usernames(region):
    with pytest.raises(actions.StaffRefused, match="角色应为"):
        actions.create_staff("x1", PASSWORD, region, "市本级", ["boss"])
    with pytest.raises(actions.StaffRefused, match="角色应为"):
        actions.create_staff("x1", PASSWORD, region, "市本级", [])
    actions.create_staff("x1", PASSWORD, region, "市本级", [Role.CLERK])
    with pytest.raises(actions.StaffRefused, match="已存在"):
        actions.create_staff("x1", PASSWORD, region, "通川区", [Role.PAYER])
    admin = actions.create_staff("root", PASSWORD, region, "", [Role.ADMIN]).user
    assert admin.is_staff and admin.is_superuser


def test_masked_properties(make_person):
    applicant = make_person()
    assert applicant.masked_id == "511***********1238"
    assert applicant.masked_phone == "138****1111"
