"""A sample claim file for a provider and period (the portal offers it for download, so a first
look can submit a month at once): lines for insured persons of the region, and one line for each
audit rule to reject. Only for demonstration: it says so in its item names."""
import io

from yibao.enrollment.models import Enrollment
from yibao.providers.audit import period_bounds, place_of
from yibao.remote_care.queries import filing_on
from yibao.providers.claims_file import write_csv


def sample_claims(provider, period):
    first, last = period_bounds(period)
    insured = list(Enrollment.objects.filter(region=provider.region, end_on=None, start_on__lte=first)
                   .select_related("person").order_by("pk")[:2])
    names = [(e.person.id_number, e.person.name) for e in insured] or [("511702198001010019", "钱演示")]
    a = names[0]
    b = names[-1]
    # a person filed for remote care where the provider is (the demo has one per region)
    from yibao.remote_care.models import Filing

    province, city = place_of(provider.region)
    remote, number = b, "BA-示例-001"
    for filing in Filing.objects.filter(province=province, city=city).select_related("person").order_by("pk")[:20]:
        if filing_on(filing.person, first, province=province, city=city) is not None:
            remote, number = (filing.person.id_number, filing.person.name), filing.number
            break
    day = lambda d: first.replace(day=min(d, last.day)).isoformat()  # noqa: E731
    rows = [
        [a[0], a[1], "S001", "门诊", day(3), "001201000010000", "一般诊疗费（示例）", "甲", "1", "150.00", "120.00", "否", ""],
        [b[0], b[1], "S002", "住院", day(5), "XA01BAA001A001010100000", "药品（示例）", "乙", "2", "300.00", "210.00", "否", ""],
        [remote[0], remote[1], "S003", "门诊", day(6), "001201000010000", "异地就医已备案（示例）", "甲", "1", "90.00", "72.00", "是", number],
        ["511702199001019999", "无参保（示例）", "S004", "门诊", day(7), "001201000010000", "一般诊疗费（示例）", "甲", "1", "80.00", "64.00", "否", ""],
        [a[0], a[1], "S001", "门诊", day(3), "001201000010000", "一般诊疗费（示例）", "甲", "1", "150.00", "120.00", "否", ""],
        [a[0], a[1], "S005", "门诊", day(8), "001201000010000", "异地未备案（示例）", "甲", "1", "60.00", "48.00", "是", ""],
        [a[0], a[1], "S006", "门诊", day(9), "ZZ0000", "目录外项目（示例）", "丙", "1", "200.00", "160.00", "否", ""],
        [b[0], b[1], "S007", "住院", day(10), "001201000010000", "超标准（示例）", "甲", "1", "90000.00", "72000.00", "否", ""],
    ]
    out = io.StringIO()
    write_csv(rows, out)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
