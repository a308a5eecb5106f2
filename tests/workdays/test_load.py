"""`yibao calendar load|due|status`: the administrator's schedule for years the package lacks."""
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yibao.core.models import AuditEntry
from yibao.workdays.calendar import Due, covered_years, due_date, working_days_between
from yibao.workdays.models import CalendarDay, CalendarYear, YearStatus
from yibao.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db

D = date.fromisoformat

# A 2027 schedule in the shape of a State Council notice (dates invented for the test).
SCHEDULE_2027 = """\
# 2027年部分节假日安排
2027-01-01 holiday 元旦
2027-02-05 假日 春节
2027-02-06 休 春节
2027-02-07 workday 春节调休   # a Sunday worked
2027-02-08 holiday 春节
2027-02-20 上班 春节调休

2027-02-27 班
"""


def run(*args):
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def received():
    calls = []

    def receiver(sender, years, **kwargs):
        calls.append(years)

    calendar_changed.connect(receiver)
    yield calls
    calendar_changed.disconnect(receiver)


def write(tmp_path, text, name="2027.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_prints_the_due_date_across_spring_festival_2026():
    assert run("due", "2026-02-12", "3") == "2026-02-24\n"


def test_cli_marks_a_provisional_due_date():
    assert run("due", "2026-12-28", "5") == "2027-01-04（暂定：2027年节假日安排未载入）\n"


def test_loading_2027_makes_its_deadlines_exact_and_tells_the_case_engine(
    tmp_path, received, django_capture_on_commit_callbacks
):
    assert due_date(D("2026-12-28"), 5) == Due(D("2027-01-04"), True)
    assert due_date(D("2027-02-04"), 2) == Due(D("2027-02-08"), True)
    with django_capture_on_commit_callbacks(execute=True):
        out = run("load", write(tmp_path, SCHEDULE_2027))
    assert out == "2027年：新增7天，修改0天，删除0天；该年已载入\n"
    assert received == [{2027}]
    assert 2027 in covered_years()
    # 29, 30, 31 Dec, (1 Jan off), 4 and 5 Jan
    assert due_date(D("2026-12-28"), 5) == Due(D("2027-01-05"), False)
    # 2/5, 2/6 off, 2/7 (Sunday) worked, 2/8 off, then 2/9
    assert due_date(D("2027-02-04"), 1) == Due(D("2027-02-07"), False)
    assert due_date(D("2027-02-04"), 2) == Due(D("2027-02-09"), False)
    assert due_date(D("2027-02-19"), 1) == Due(D("2027-02-20"), False)
    assert working_days_between(D("2027-02-19"), D("2027-03-01")) == 8
    assert run("due", "2026-12-28", "5") == "2027-01-05\n"
    assert CalendarYear.objects.get(year=2027).status == YearStatus.LOADED
    loaded = AuditEntry.objects.get(action="载入节假日安排")
    assert (loaded.object_type, loaded.object_id, loaded.channel) == ("workdays.year", "2027", "command")
    assert len(loaded.changes["added"]) == 7


def test_reloading_the_same_file_changes_nothing_and_signals_nothing(
    tmp_path, received, django_capture_on_commit_callbacks
):
    path = write(tmp_path, SCHEDULE_2027)
    run("load", path)
    with django_capture_on_commit_callbacks(execute=True):
        out = run("load", path)
    assert out == "2027年：新增0天，修改0天，删除0天；该年已载入\n"
    assert received == []
    assert CalendarDay.objects.count() == 7


def test_a_later_file_corrects_days_and_replace_removes_the_rest(tmp_path):
    run("load", write(tmp_path, SCHEDULE_2027))
    out = run("load", "--replace", write(tmp_path, "2027-01-01 workday 更正\n2027-10-01 holiday 国庆节\n", "fix.txt"))
    assert out == "2027年：新增1天，修改1天，删除6天；该年已载入\n"
    assert list(CalendarDay.objects.values_list("date", "kind", "source")) == [
        (D("2027-01-01"), "workday", "fix.txt"),
        (D("2027-10-01"), "holiday", "fix.txt"),
    ]


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("2027-13-01 holiday", "第3行：日期格式应为YYYY-MM-DD"),
        ("2027-03-01 vacation 假", "第3行：类别应为"),
        ("2027-03-01", "第3行：应为“日期 类别 [名称]”"),
        ("2207-03-01 holiday", "第3行：年份超出范围"),
        ("2027-01-01 workday", "第3行：日期2027-01-01重复（已见第1行）"),
    ],
)
def test_a_bad_line_refuses_the_whole_file_naming_file_and_line(tmp_path, bad_line, message):
    path = write(tmp_path, f"2027-01-01 holiday 元旦\n# 注释\n{bad_line}\n2027-02-07 workday\n", "bad.txt")
    with pytest.raises(CommandError, match=re.escape(f"bad.txt {message}")):
        run("load", path)
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()
    assert 2027 not in covered_years()


def test_an_empty_or_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="没有任何日期"):
        run("load", write(tmp_path, "# nothing yet\n\n"))
    with pytest.raises(CommandError, match="无法读取文件"):
        run("load", str(tmp_path / "nope.txt"))


def test_bad_cli_arguments_are_refused():
    with pytest.raises(CommandError, match="日期格式"):
        run("due", "2026/02/12", "3")
    with pytest.raises(CommandError, match="非负整数"):
        run("due", "2026-02-12", "-1")


def test_status_lists_covered_years_and_overrides(tmp_path):
    due_date(D("2028-06-01"), 3)  # warns about 2028
    run("load", write(tmp_path, SCHEDULE_2027))
    out = run("status")
    assert "已覆盖年份：2004–2027" in out
    assert "管理员载入：2027" in out
    assert "曾按周末暂定计算的缺失年份：2028" in out
    assert "管理员录入的日期：7天" in out
    assert "2027-02-07 工作日 春节调休（2027.txt）" in out
