"""Accounts and sessions as a probe tried them (issue 10): registration throttled and silent about
who has an account, a password change ends tokens and other sessions, a shared IP does not lock a
whole hall out, staff land on the workbench, old login rows are pruned, production settings."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from yibao.api import actions as api_actions
from yibao.people.models import Applicant, LoginAttempt, LoginOutcome, Role

from .conftest import OTHER_PERSON_ID, PASSWORD, PERSON_ID
from .test_accounts import register_form

pytestmark = pytest.mark.django_db


def test_registering_a_taken_number_answers_exactly_as_a_new_account(region, make_person):
    make_person()
    taken = Client(REMOTE_ADDR="10.1.0.1").post("/accounts/register/", register_form(name="冒名者"), follow=True)
    fresh = Client(REMOTE_ADDR="10.1.0.2").post(
        "/accounts/register/", register_form(id_number=OTHER_PERSON_ID, name="李四"), follow=True)
    assert taken.status_code == fresh.status_code == 200
    assert taken.redirect_chain == fresh.redirect_chain == [("/accounts/login/", 302)]
    for page in (taken, fresh):
        assert "该证件号码已注册" not in page.content.decode()
    assert [str(m) for m in taken.context["messages"]] == [str(m) for m in fresh.context["messages"]]
    assert Applicant.objects.get(id_number=PERSON_ID).name == "张三"  # the existing account is untouched
    assert Applicant.objects.filter(id_number=OTHER_PERSON_ID).exists()


def test_registration_is_throttled_per_address(region, settings):
    client = Client(REMOTE_ADDR="10.1.0.9")
    for _ in range(settings.YIBAO_REGISTER_LIMIT):  # one account, then the same number guessed again
        client.post("/accounts/register/", register_form())
    response = client.post("/accounts/register/", register_form(id_number=OTHER_PERSON_ID, name="李四"))
    assert response.status_code == 200 and "注册尝试过于频繁" in response.content.decode()
    assert not Applicant.objects.filter(id_number=OTHER_PERSON_ID).exists()
    # Another address is not affected.
    Client(REMOTE_ADDR="10.1.0.10").post("/accounts/register/", register_form(id_number=OTHER_PERSON_ID, name="李四"))
    assert Applicant.objects.filter(id_number=OTHER_PERSON_ID).exists()


def test_a_password_change_revokes_tokens_and_ends_other_sessions(region, make_person):
    user = make_person().user
    token = api_actions.personal_token(user)[0]
    browser = Client()
    browser.post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD})
    assert Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert browser.get("/api/auth/me").status_code == 200

    user.set_password("another-horse-43")
    user.save()
    response = Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert browser.get("/api/auth/me").status_code == 401
    # Saving the user without a new password (a login's last_login) revokes nothing.
    fresh = api_actions.personal_token(user)[0]
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    user.save()
    assert Client().get("/api/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_a_shared_ip_does_not_lock_everyone_but_each_account_still_locks(region, make_person, settings):
    make_person()
    make_person(OTHER_PERSON_ID, "李四")
    hall = "10.2.0.1"
    for n in range(settings.YIBAO_LOGIN_MAX_FAILURES * 3):  # many people mistyping at one window
        Client(REMOTE_ADDR=hall).post("/accounts/login/", {"username": f"someone-{n}", "password": "x"})
    ok = Client(REMOTE_ADDR=hall).post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD})
    assert ok.status_code == 302
    for _ in range(settings.YIBAO_LOGIN_MAX_FAILURES):
        Client(REMOTE_ADDR=hall).post("/accounts/login/", {"username": OTHER_PERSON_ID, "password": "wrong"})
    locked = Client(REMOTE_ADDR="10.2.0.2").post("/accounts/login/", {"username": OTHER_PERSON_ID,
                                                                        "password": PASSWORD})
    assert locked.status_code == 200 and "登录失败次数过多" in locked.content.decode()
    # A guesser from one address is still stopped, later.
    for n in range(settings.YIBAO_LOGIN_IP_MAX_FAILURES):
        Client(REMOTE_ADDR="10.2.0.3").post("/accounts/login/", {"username": f"guess-{n}", "password": "x"})
    stopped = Client(REMOTE_ADDR="10.2.0.3").post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD})
    assert "登录失败次数过多" in stopped.content.decode()


def test_staff_land_on_the_workbench_and_people_on_the_home_page(client, make_staff, make_person):
    make_staff("dz-clerk", [Role.CLERK])
    make_person()
    response = client.post("/accounts/login/", {"username": "dz-clerk", "password": PASSWORD})
    assert response["Location"] == "/workbench/"
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/?next=/track/", {"username": "dz-clerk", "password": PASSWORD})[
        "Location"] == "/track/"
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD})["Location"] == "/"


def test_old_login_attempts_are_pruned(client, make_person, settings):
    make_person()
    old = LoginAttempt.objects.create(identifier="X", ip="10.3.0.1", outcome=LoginOutcome.FAILURE,
                                      at=timezone.now() - timedelta(days=settings.YIBAO_LOGIN_ATTEMPT_DAYS + 1))
    recent = LoginAttempt.objects.create(identifier="Y", ip="10.3.0.1", outcome=LoginOutcome.FAILURE,
                                         at=timezone.now() - timedelta(days=1))
    client.post("/accounts/login/", {"username": PERSON_ID, "password": PASSWORD})
    assert not LoginAttempt.objects.filter(pk=old.pk).exists()
    assert LoginAttempt.objects.filter(pk=recent.pk).exists()


def _deploy_check(**env):
    # A fresh process as a deployment runs it (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this one).
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    out = subprocess.run([sys.executable, "-m", "yibao.cli", "check", "--deploy", "--fail-level", "WARNING"],
                         capture_output=True, text=True, env={**base, **env}, timeout=120)
    return out.returncode, out.stdout + out.stderr


def test_check_deploy_is_clean_with_the_https_switch_and_a_secret_key():
    code, text = _deploy_check(YIBAO_HTTPS="1", YIBAO_SECRET_KEY="k" * 20 + "-a-long-random-production-key-0123456789")
    assert code == 0, text
    code, text = _deploy_check(YIBAO_HTTPS="0")
    assert code != 0 and "SESSION_COOKIE_SECURE" in text  # without the switch it says what is missing


@pytest.mark.parametrize("number", ["51170219900307123٨", "５11702199003071238", "51170219900307123³"])
def test_unicode_digits_are_not_digits_of_an_id_number(number):
    from yibao.people.identity import InvalidIdentity, validate_id

    with pytest.raises(InvalidIdentity):
        validate_id("resident_id", number)
