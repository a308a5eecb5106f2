"""The calendar in the admin: audited edits, calendar_changed, the missing-year warning."""
from datetime import date

import pytest

from yibao.core.models import AuditEntry
from yibao.workdays.calendar import due_date
from yibao.workdays.models import CalendarDay, CalendarYear, YearStatus
from yibao.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def received():
    calls = []

    def receiver(sender, years, **kwargs):
        calls.append(years)

    calendar_changed.connect(receiver)
    yield calls
    calendar_changed.disconnect(receiver)


def test_the_changelist_warns_of_a_year_a_deadline_needed(admin_client):
    assert due_date(D("2031-03-03"), 2).provisional
    page = admin_client.get("/admin/workdays/calendarday/").content.decode()
    assert "2031年节假日安排未载入" in page
    CalendarYear.objects.filter(year=2031).update(status=YearStatus.LOADED)
    page = admin_client.get("/admin/workdays/calendarday/").content.decode()
    assert "2031年节假日安排未载入" not in page


def test_an_override_added_in_the_admin_is_audited_signalled_and_used(
    admin_client, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/workdays/calendarday/add/",
            {"date": "2026-03-05", "kind": "holiday", "name": "地方假日", "note": "", "source": ""},
        )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert day.source == "后台录入"
    entry = AuditEntry.objects.get(object_type="workdays.calendarday")
    assert (entry.action, entry.channel, entry.actor_label) == ("新增", "admin", "admin")
    assert received == [{2026}]
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_type="workdays.calendarday", action="删除").count() == 1
    assert received == [{2026}, {2026}]
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")


def test_the_admin_refuses_a_date_outside_the_schedule_years(admin_client):
    response = admin_client.post(
        "/admin/workdays/calendarday/add/", {"date": "2207-01-01", "kind": "holiday", "name": "", "note": ""}
    )
    assert response.status_code == 200
    assert "年份超出范围" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_marking_a_year_loaded_in_the_admin_covers_it(admin_client, received, django_capture_on_commit_callbacks):
    assert due_date(D("2030-05-07"), 1).provisional
    missing = CalendarYear.objects.get(year=2030, status=YearStatus.MISSING)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/workdays/calendaryear/{missing.pk}/change/",
            {"year": "2030", "status": "loaded", "source": "", "note": "手工录入完毕"},
        )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_type="workdays.calendaryear", action="修改")
    assert entry.changes["status"] == ["missing", "loaded"]
    assert received == [{2030}]
    assert due_date(D("2030-05-07"), 1).provisional is False
