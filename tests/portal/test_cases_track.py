"""The public progress query: receipt number and ID number together, masked data, the same answer
for a wrong pair as for a missing case, and a per-address limit kept in the database."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.portal.cases_support import (  # noqa: F401 (fixtures)
    chronic_item, clerk, generic_handlers, guide, other, person, region, upload_dir,
)
from yibao.cases import actions
from yibao.cases.queries import NOT_FOUND
from yibao.core.models import Channel
from yibao.people.actions import grant_authorisation
from yibao.portal.actions import record_track_attempt
from yibao.portal.models import TrackAttempt

URL = "/track/"


@pytest.fixture
def accepted(person, other, chronic_item, clerk):
    grant_authorisation(person, other.id_number, channel=Channel.PORTAL)  # 帮办代办 online needs the principal's consent
    case = actions.submit_case(item=chronic_item, applicant=person, agent=other, actor=other.user,
                               channel=Channel.PORTAL, office="市本级", materials=["1", "2"])
    return actions.accept_case(case, clerk, channel=Channel.WINDOW)


def ask(client, receipt_no, id_number, ip="10.0.0.1"):
    return client.post(URL, {"receipt_no": receipt_no, "id_number": id_number}, REMOTE_ADDR=ip)


def test_track_is_linked_from_every_page_and_needs_no_login(client, guide):
    assert 'href="/track/"' in client.get("/").content.decode()
    page = client.get(URL)
    assert page.status_code == 200 and "受理编号" in page.content.decode()
    assert reverse("portal:track") == URL


def test_right_pair_shows_masked_progress(client, accepted, person, other):
    for number in (person.id_number, other.id_number.lower()):  # the applicant's or the agent's
        page = ask(client, accepted.receipt_no.lower(), number).content.decode()
        assert accepted.receipt_no in page and "已受理" in page and "市本级（已受理，待审核）" in page
        assert f"{accepted.due_date:%Y-%m-%d}" in page and "20个工作日" in page
        assert "张*" in page and "511***********1238" in page
        assert person.id_number not in page and "张三" not in page


def test_wrong_pair_and_missing_case_answer_alike(client, accepted, person, other):
    wrong = ask(client, accepted.receipt_no, "110101199003077777").content.decode()
    missing = ask(client, "511700-20991231-000001-AAA", person.id_number).content.decode()
    for page in (wrong, missing):
        assert NOT_FOUND in page and accepted.receipt_no not in page.replace('value="' + accepted.receipt_no, "")
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0] + html.split("</form>")[1]  # noqa: E731
    assert strip(wrong).replace(accepted.receipt_no, "X") == strip(missing).replace("511700-20991231-000001-AAA", "X")
    assert 'name="id_number" id="id_id_number" maxlength="32" required autocomplete="off">' in wrong  # not echoed


def test_the_eleventh_query_in_ten_minutes_is_refused_even_with_the_right_pair(client, accepted, person, settings):
    for _ in range(10):
        assert ask(client, "nothing", "nothing").status_code == 200
    refused = ask(client, accepted.receipt_no, person.id_number)
    assert refused.status_code == 429 and "查询过于频繁，请10分钟后再试" in refused.content.decode()
    assert accepted.receipt_no + "</dd>" not in refused.content.decode()
    other_address = ask(client, accepted.receipt_no, person.id_number, ip="10.0.0.2")
    assert other_address.status_code == 200 and "已受理" in other_address.content.decode()
    assert TrackAttempt.objects.count() == 12
    assert not TrackAttempt.objects.filter(client__contains="10.0.0").exists()  # addresses kept only hashed


def test_the_limit_window_slides(db, settings):
    settings.YIBAO_PORTAL_TRACK_LIMIT = 2
    start = timezone.now()
    assert record_track_attempt("1.2.3.4", now=start)
    assert record_track_attempt("1.2.3.4", now=start + timedelta(minutes=1))
    assert not record_track_attempt("1.2.3.4", now=start + timedelta(minutes=2))
    assert record_track_attempt("5.6.7.8", now=start + timedelta(minutes=2))
    # Ten minutes after the first two, only the refused one is still inside the window.
    assert record_track_attempt("1.2.3.4", now=start + timedelta(minutes=11, seconds=30))
    assert TrackAttempt.objects.filter(at__lt=start + timedelta(minutes=1, seconds=30)).count() == 0  # pruned
