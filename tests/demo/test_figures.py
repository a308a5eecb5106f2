"""好差评 公开: the figures of the page and the API equal counts made here from the cases
themselves, in a fixed number of queries."""
from collections import Counter

from django.utils import timezone

from yibao.cases.figures import month_figures, months_of
from yibao.cases.models import Case, Evaluation, FollowUp, NEGATIVE_LEVELS
from yibao.catalog.models import Region

QUERIES = 5  # the figures of a region's month, whatever the number of cases


def local(moment):
    return timezone.localtime(moment).date() if moment else None


def same_month(moment, month):
    day = local(moment)
    return day is not None and (day.year, day.month) == (month.year, month.month)


def expected(region, month):
    cases = list(Case.objects.filter(region=region))
    decided = [c for c in cases if c.state in ("completed", "denied") and same_month(c.closed_at, month)]
    timed = [c for c in decided if c.due_date]
    ratings = [e for e in Evaluation.objects.filter(case__region=region) if same_month(e.created_at, month)]
    negative = [e for e in ratings if e.level in NEGATIVE_LEVELS]
    follow = FollowUp.objects.filter(evaluation__in=negative)
    return {
        "applications": sum(same_month(c.submitted_at, month) for c in cases),
        "completed": sum(c.state == "completed" for c in decided),
        "decided": len(timed),
        "on_time": sum(local(c.closed_at) <= c.due_date for c in timed),
        "rated": len(ratings),
        "levels": Counter(e.level for e in ratings),
        "by_item": Counter(c.item_code for c in cases if same_month(c.submitted_at, month)),
        "by_office": Counter(e.office for e in ratings),
        "negative": len(negative),
        "rectified_in_time": sum(f.outcome == "rectified" and local(f.closed_at) <= f.due_date for f in follow),
        "open": sum(f.closed_at is None for f in follow),
    }


def test_the_figures_equal_counts_made_from_the_cases(demo, client, django_assert_num_queries):
    checked = 0
    for region in Region.objects.filter(code__in=["dazhou", "songpan", "panzhihua"]):
        months = months_of(region)
        assert len(months) >= 2  # the demo's months
        for month in months:
            want = expected(region, month)
            with django_assert_num_queries(QUERIES):
                got = month_figures(region, month)
            assert (got.total.submitted, got.total.completed, got.total.decided, got.total.on_time,
                    got.total.rated) == (want["applications"], want["completed"], want["decided"], want["on_time"],
                                         want["rated"])
            assert {k: v for k, v in got.total.levels.items() if v} == dict(want["levels"])
            assert {f.key: f.submitted for f in got.by_item if f.submitted} == dict(want["by_item"])
            assert {f.key: f.rated for f in got.by_office} == dict(want["by_office"])
            assert (got.negative, got.rectified_in_time, got.follow_ups_open) == (
                want["negative"], want["rectified_in_time"], want["open"])
            api = client.get(f"/api/regions/{region.code}/figures", {"month": month.strftime("%Y-%m")}).json()
            assert (api["applications"], api["completed"], api["on_time"], api["rated"], api["demo"]) == (
                want["applications"], want["completed"], want["on_time"], want["rated"], True)
            assert api["bad_ratings"]["rectified_in_time"] == want["rectified_in_time"]
            assert {r["key"]: r["rated"] for r in api["by_office"]} == dict(want["by_office"])
            checked += want["applications"] + want["rated"]
    assert checked > 50  # the demo gave the figures something to count


def test_the_public_page_shows_the_month(demo, client):
    region = Region.objects.get(code="dazhou")
    month = max(months_of(region), key=lambda m: expected(region, m)["applications"])
    page = client.get(f"/r/dazhou/figures/?month={month:%Y-%m}")
    text = page.content.decode()
    assert page.status_code == 200 and "演示数据" in text
    assert f'id="f-applications">{expected(region, month)["applications"]}<' in text
    assert text.count("<rect") > 6  # the charts have bars
    assert "好差评公开" in client.get("/r/dazhou/").content.decode()


def test_bad_month_and_region(seeded_catalog, client):
    assert client.get("/api/regions/nowhere/figures").status_code == 404
    bad = client.get("/api/regions/dazhou/figures", {"month": "2026-13"})
    assert bad.status_code in (404, 422) and bad.json()["code"] in ("invalid", "not_found")
    assert client.get("/r/dazhou/figures/?month=x").status_code == 404
    for month in ("9999-12", "0001-01", "2026-1-1", "--"):  # no date arithmetic past the calendar
        assert client.get("/api/regions/dazhou/figures", {"month": month}).status_code == 422
        assert client.get("/r/dazhou/figures/", {"month": month}).status_code == 404


def test_query_count_does_not_grow_with_the_cases(seeded_catalog, django_assert_num_queries):
    region = Region.objects.get(code="dazhou")
    with django_assert_num_queries(QUERIES):
        empty = month_figures(region, timezone.localdate())
    assert empty.total.submitted == 0 and empty.by_item == [] and empty.total.on_time_rate is None
