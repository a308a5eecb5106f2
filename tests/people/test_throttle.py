from datetime import timedelta

import pytest
from django.test import Client

from yibao.people.models import LoginAttempt, LoginOutcome

from .conftest import OTHER_PERSON_ID, PASSWORD, PERSON_ID

pytestmark = pytest.mark.django_db


def log_in(client, username, password):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302, response.content.decode()


def move_clock(minutes):
    """Age every recorded attempt by `minutes`, as if that much time had passed."""
    for attempt in LoginAttempt.objects.all():
        attempt.at -= timedelta(minutes=minutes)
        attempt.save(update_fields=["at"])


def test_sixth_attempt_is_refused_even_with_the_right_password_until_the_window_passes(client, make_person):
    make_person()
    for _ in range(5):
        assert not log_in(client, PERSON_ID, "wrong-password")[0]
    ok, page = log_in(client, PERSON_ID, PASSWORD)
    assert not ok and "登录失败次数过多" in page and "15分钟后再试" in page
    assert LoginAttempt.objects.filter(outcome=LoginOutcome.LOCKED).count() == 1

    move_clock(14)
    ok, page = log_in(client, PERSON_ID, PASSWORD)
    assert not ok and "1分钟后再试" in page

    move_clock(2)  # 16 minutes after the fifth failure
    ok, _ = log_in(client, PERSON_ID, PASSWORD)
    assert ok


def test_four_failures_do_not_lock_and_a_success_clears_them(make_person):
    make_person()
    for _ in range(4):
        log_in(Client(REMOTE_ADDR="10.0.0.1"), PERSON_ID, "wrong-password")
    assert log_in(Client(REMOTE_ADDR="10.0.0.1"), PERSON_ID, PASSWORD)[0]
    # Four more from elsewhere: the identifier counts afresh after the success.
    for _ in range(4):
        log_in(Client(REMOTE_ADDR="10.0.0.2"), PERSON_ID, "wrong-password")
    assert log_in(Client(REMOTE_ADDR="10.0.0.2"), PERSON_ID, PASSWORD)[0]


def test_a_success_does_not_clear_the_failures_counted_against_an_ip(make_person, settings):
    settings.YIBAO_LOGIN_IP_MAX_FAILURES = 5  # the per-IP limit is looser; here it counts as the account's does
    make_person()
    make_person(OTHER_PERSON_ID, "李四")
    for n in range(4):
        log_in(Client(REMOTE_ADDR="10.0.0.3"), f"nobody-{n}", "wrong-password")
    assert log_in(Client(REMOTE_ADDR="10.0.0.3"), OTHER_PERSON_ID, PASSWORD)[0]
    log_in(Client(REMOTE_ADDR="10.0.0.3"), "nobody-5", "wrong-password")
    ok, page = log_in(Client(REMOTE_ADDR="10.0.0.3"), PERSON_ID, PASSWORD)
    assert not ok and "登录失败次数过多" in page


def test_failures_spread_wider_than_the_window_do_not_lock(client, make_person):
    make_person()
    for _ in range(3):
        log_in(client, PERSON_ID, "wrong-password")
    move_clock(16)
    for _ in range(2):
        log_in(client, PERSON_ID, "wrong-password")
    assert log_in(client, PERSON_ID, PASSWORD)[0]


def test_the_lock_is_per_identifier_in_any_spelling_and_holds_from_another_client(make_person):
    make_person()
    make_person(OTHER_PERSON_ID, "李四")
    for _ in range(5):
        log_in(Client(REMOTE_ADDR="10.0.0.1"), PERSON_ID.lower(), "wrong-password")
    # Another address (another process, another browser): still locked for this number.
    ok, page = log_in(Client(REMOTE_ADDR="10.0.0.2"), f" {PERSON_ID} ", PASSWORD)
    assert not ok and "登录失败次数过多" in page
    # Another person from that address is not affected.
    assert log_in(Client(REMOTE_ADDR="10.0.0.2"), OTHER_PERSON_ID, PASSWORD)[0]


def test_enough_failures_from_one_ip_lock_that_ip_for_every_identifier(make_person, settings):
    make_person()
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(settings.YIBAO_LOGIN_IP_MAX_FAILURES):
        log_in(guesser, f"nobody-{n}", "wrong-password")
    ok, page = log_in(guesser, PERSON_ID, PASSWORD)
    assert not ok and "登录失败次数过多" in page
    assert log_in(Client(REMOTE_ADDR="10.0.0.10"), PERSON_ID, PASSWORD)[0]


def test_the_admin_login_is_throttled_too(client, make_staff):
    from yibao.people.models import Role

    make_staff("root", [Role.ADMIN])
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 200 and "登录失败次数过多" in response.content.decode()
    move_clock(16)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
