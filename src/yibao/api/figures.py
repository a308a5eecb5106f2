"""好差评 公开 over JSON: a region's figures for one month, the same as the public page
/r/{code}/figures/ shows (cases.figures computes both). Public: no login."""
import datetime

from django.utils import timezone
from ninja import Query, Router, Schema

from yibao.api.errors import ERRORS, Invalid, NotFound
from yibao.cases.figures import month_figures
from yibao.catalog.models import Region
from yibao.demo.models import DemoLoad

router = Router(tags=["好差评公开"])


class RegionRef(Schema):
    code: str
    name: str


class Row(Schema):
    key: str
    label: str
    applications: int
    completed: int
    decided: int
    on_time: int
    on_time_rate: float | None
    rated: int
    levels: dict[str, int]
    satisfied: int
    satisfaction_rate: float | None
    negative: int


class BadRatings(Schema):
    negative: int
    rectified_in_time: int
    rectified_late: int
    unfounded: int
    open: int


class FiguresOut(Schema):
    region: RegionRef
    month: str
    demo: bool
    applications: int
    completed: int
    decided: int
    on_time: int
    on_time_rate: float | None
    rated: int
    levels: dict[str, int]
    satisfied: int
    satisfaction_rate: float | None
    negative: int
    bad_ratings: BadRatings
    by_item: list[Row]
    by_office: list[Row]


@router.get("/regions/{code}/figures", response={200: FiguresOut, **ERRORS}, summary="好差评公开数据（按月）")
def region_figures(request, code: str, month: str = Query("", max_length=7, description="YYYY-MM，默认本月")):
    """某地区某月的申请量、办结量、按时办结率、按事项与按经办机构的满意度、差评及15个工作日内整改回访数。"""
    region = Region.objects.filter(code=code[:40], is_template=False).first()
    if region is None:
        raise NotFound("未找到该地区", field="code")
    if month:
        try:
            year, number = (int(x) for x in month.split("-"))
            if not 1900 <= year <= 2999:
                raise ValueError(year)
            first = datetime.date(year, number, 1)
        except (ValueError, TypeError):
            raise Invalid("月份格式应为 YYYY-MM", field="month") from None
    else:
        first = timezone.localdate().replace(day=1)
    return {**month_figures(region, first).as_json(), "demo": DemoLoad.objects.exists()}
