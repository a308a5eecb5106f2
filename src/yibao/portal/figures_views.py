"""好差评 公开: the public page of a region's figures by month (cases.figures computes them; the
same figures are GET /api/regions/{code}/figures?month=YYYY-MM)."""
import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from yibao.cases.figures import month_figures, months_of
from yibao.cases.models import Level
from yibao.core import charts
from yibao.demo.models import DemoLoad
from yibao.portal import queries


def parse_month(text, today=None):
    """The first day of the month "YYYY-MM"; this month when empty; Http404 when malformed."""
    today = today or timezone.localdate()
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(x) for x in text.split("-"))
        if not 1900 <= year <= 2999:
            raise ValueError(year)
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        raise Http404("月份格式应为 YYYY-MM") from None


def region_figures(request, region_code):
    region = queries.region_or_404(region_code)
    month = parse_month(request.GET.get("month", ""))
    figures = month_figures(region, month)
    return render(request, "portal/figures.html", {
        "region": region,
        "month": month,
        "months": months_of(region),
        "figures": figures,
        "charts": [
            charts.counts("申请量（按事项）", figures.by_item, "submitted", compact=True),
            charts.rates("按时办结率（按事项）", [f for f in figures.by_item if f.decided], compact=True),
            charts.satisfaction("满意度（按事项）", figures.by_item, Level.labels, compact=True),
            charts.satisfaction("满意度（按经办机构）", figures.by_office, Level.labels, compact=True),
        ],
        "demo": DemoLoad.objects.exists(),
    })
