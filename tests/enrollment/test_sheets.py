"""The employer's Excel sheet of 增加/减少: one 职工参保登记 case (one receipt, its rows its data)
taken through 受理, 审核 and 办结 like any other; every row checked, errors by row and column;
applied at 办结, all rows or none; roster and query exports."""
import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tests.domain_support import registered_unit
from tests.enrollment import factories as f
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.core.models import AuditEntry, Channel
from yibao.enrollment.models import Enrollment, EnrollmentChange, Person, Scheme, SheetImport
from yibao.enrollment.sheets import COLUMNS, SheetInvalid, export_enrollments, export_roster, import_sheet


def sheet(path, rows, header=COLUMNS):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def add(number, name="李四", **kw):
    row = dict.fromkeys(COLUMNS, None)
    row.update({"证件号码": number, "姓名": name, "业务类型": "增加", **kw})
    return [row[c] for c in COLUMNS]


@pytest.fixture
def employer(dazhou):
    return registered_unit(dazhou)[1]


@pytest.fixture
def file_sheet(staff):
    """A clerk hands in the unit's sheet at the window: one case, nothing applied yet."""

    def _file(path, employer):
        return import_sheet(path, employer_uscc=employer.uscc, actor=staff[employer.region.code],
                            channel=Channel.WINDOW)

    return _file


def test_a_valid_sheet_is_one_case_whose_completion_enrols_and_reduces_and_records_each_row(
        tmp_path, dazhou, employer, file_sheet, run):
    leaving = f.person(dazhou)
    Enrollment.objects.create(person=leaving, scheme=Scheme.EMPLOYEE, employer=employer, region=dazhou,
                              start_on=datetime.date(2024, 1, 1))
    a, b = f.id_number(born=datetime.date(1991, 2, 3)), f.id_number()
    path = sheet(tmp_path / "增减表.xlsx", [
        add(a, **{"联系电话": "13900001111", "变动日期": datetime.datetime(2026, 1, 1)}),
        [None] * len(COLUMNS),  # a blank line is skipped
        add(b, "王五", **{"证件类型": "居民身份证"}),
        add(leaving.id_number, leaving.name, **{"业务类型": "减少", "变动日期": "2026-01-31"}),
    ])
    case = file_sheet(path, employer)
    assert (case.item_code, case.state, case.applicant.id_number) == ("employee-enrollment", "submitted", employer.uscc)
    assert [number for number, _ in case.data["sheet"]["rows"]] == [2, 4, 5] and case.channel == "window"
    # Filed is not done: nobody is enrolled or reduced before the case completes.
    assert not Person.objects.filter(id_number__in=[a, b]).exists() and not SheetImport.objects.exists()
    assert Enrollment.objects.get(person=leaving).status == "active"
    case, effect = run(case)
    assert Case.objects.filter(item_code="employee-enrollment").count() == 1  # one case for the sheet
    assert case.state == "completed" and case.due_date is not None  # the guide's limit ran on it
    result = SheetImport.objects.get()
    assert (effect["rows"], effect["enrolled"], effect["reduced"], effect["sheet"]) == (3, 2, 1, result.pk)
    assert (result.rows, result.enrolled, result.reduced, result.file_name) == (3, 2, 1, "增减表.xlsx")
    assert set(EnrollmentChange.objects.filter(sheet=result).values_list("case", flat=True)) == {case.pk}
    person = Person.objects.get(id_number=a)
    assert person.birth_date == datetime.date(1991, 2, 3) and person.phones.get().phone == "13900001111"
    assert Enrollment.objects.get(person=person).start_on == datetime.date(2026, 1, 1)
    gone = Enrollment.objects.get(person=leaving)
    assert (gone.status, gone.end_on) == ("ended", datetime.date(2026, 1, 31))
    assert sorted(EnrollmentChange.objects.filter(sheet=result).values_list("sheet_row", "kind")) == [
        (2, "enrol"), (4, "enrol"), (5, "reduce")]
    assert AuditEntry.objects.filter(action="批量增减导入", object_id=str(result.pk)).exists()


def test_an_invalid_sheet_lists_every_error_by_row_and_column_and_applies_nothing(tmp_path, dazhou, employer):
    active_elsewhere = f.person(dazhou)
    Enrollment.objects.create(person=active_elsewhere, scheme=Scheme.EMPLOYEE, employer=f.employer(dazhou),
                              region=dazhou, start_on=datetime.date(2024, 1, 1))
    good, dup = f.id_number(), f.id_number()
    bad_digit = good[:-1] + ("1" if good[-1] == "0" else "0")
    path = sheet(tmp_path / "bad.xlsx", [
        add(good),  # row 2: fine, yet not applied
        add(bad_digit),  # row 3
        add(dup), add(dup),  # rows 4, 5
        add(active_elsewhere.id_number, active_elsewhere.name),  # row 6
        add(f.id_number(), **{"业务类型": "调出"}),  # row 7
        add(f.id_number(), **{"性别": "男" if int(good[16]) % 2 == 0 else "女", "证件号码": good[:14] + "0000"}),
        add(f.id_number(), **{"联系电话": "123"}),  # row 9
    ])
    with pytest.raises(SheetInvalid) as exc:
        import_sheet(path, employer_uscc=employer.uscc, actor=None, channel=Channel.SYSTEM)
    found = [(e["row"], e["column"]) for e in exc.value.details["errors"]]
    assert (3, "证件号码") in found and (5, "证件号码") in found and (6, "证件号码") in found
    assert (7, "业务类型") in found and (9, "联系电话") in found and 2 not in [r for r, _ in found]
    assert "第5行“证件号码”：与第4行重复" in [str(e) for e in exc.value.errors]
    assert not Person.objects.filter(id_number=good).exists() and not SheetImport.objects.exists()
    assert not Case.objects.exists()  # a sheet with errors files no case


def test_the_same_sheet_sent_twice_is_one_case_until_that_case_closes(tmp_path, dazhou, employer, file_sheet, staff):
    path = sheet(tmp_path / "增减表.xlsx", [add(f.id_number())])
    first = file_sheet(path, employer)
    with pytest.raises(SheetInvalid) as refused:  # a double click, a retry of the upload
        file_sheet(path, employer)
    assert first.receipt_no in str(refused.value.errors[0])
    assert Case.objects.filter(item_code="employee-enrollment").count() == 1
    actions.withdraw_case(first, staff[dazhou.code], channel=Channel.WINDOW, reason="单位撤回")
    again = file_sheet(path, employer)  # once the first case is closed the same file may be filed anew
    assert again.pk != first.pk and again.state == "submitted"


def test_the_rows_apply_all_or_none_when_the_case_completes(tmp_path, dazhou, employer, file_sheet, staff, reviewers):
    first, second = f.id_number(), f.id_number()
    case = file_sheet(sheet(tmp_path / "s.xlsx", [add(first), add(second, "王五")]), employer)
    actions.accept_case(case, staff["dazhou"], channel=Channel.WINDOW)
    actions.start_review(case, reviewers["dazhou"], channel=Channel.WINDOW)
    actions.approve_case(case, reviewers["dazhou"], channel=Channel.WINDOW)
    # Meanwhile the second person is enrolled elsewhere: the sheet no longer holds as a whole.
    Enrollment.objects.create(person=f.person(dazhou, id_number=second, name="王五"), scheme=Scheme.EMPLOYEE,
                              employer=f.employer(dazhou), region=dazhou, start_on=datetime.date(2024, 1, 1))
    with pytest.raises(SheetInvalid, match="第3行"):
        actions.complete_case(case, staff["dazhou"], channel=Channel.WINDOW)
    case.refresh_from_db()
    assert case.state == "approved" and not Person.objects.filter(id_number=first).exists()
    assert not SheetImport.objects.exists() and not EnrollmentChange.objects.filter(case=case).exists()


def test_a_sheet_case_is_refused_at_submission_when_its_data_are_not_rows(dazhou, employer, staff):
    from yibao.cases.exceptions import InvalidCaseData
    from yibao.cases.snapshot import item_in_force

    item = item_in_force(dazhou, "employee-enrollment")
    with pytest.raises(InvalidCaseData):
        actions.submit_case(item=item, applicant=Case.applicant.field.related_model.objects.get(id_number=employer.uscc),
                            actor=staff["dazhou"], channel=Channel.WINDOW,
                            conditions={"applicant_kind": "在职职工", "sub_type": "增加"},
                            data={"sheet": {"sha256": "0" * 64, "rows": [[2, {"籍贯": "x"}]]}})
    assert not Case.objects.exists()


def test_reducing_someone_not_on_the_roster_and_an_unknown_employer_are_refused(tmp_path, dazhou, employer):
    stranger = f.person(dazhou)
    path = sheet(tmp_path / "s.xlsx", [add(stranger.id_number, stranger.name, **{"业务类型": "减少"})])
    with pytest.raises(SheetInvalid, match="不是.*在册职工"):
        import_sheet(path, employer_uscc=employer.uscc, actor=None, channel=Channel.SYSTEM)
    with pytest.raises(SheetInvalid, match="尚未办理单位参保登记"):
        import_sheet(path, employer_uscc=f.uscc_code(), actor=None, channel=Channel.SYSTEM)


def test_a_sheet_without_the_required_columns(tmp_path, employer):
    path = sheet(tmp_path / "s.xlsx", [["x"]], header=["姓名"])
    with pytest.raises(SheetInvalid) as exc:
        import_sheet(path, employer_uscc=employer.uscc, actor=None, channel=Channel.SYSTEM)
    assert [(e.row, e.column) for e in exc.value.errors] == [(1, "证件号码"), (1, "业务类型")]


def test_commands_file_a_case_then_export_the_roster_which_reimports_as_a_reduction(
        tmp_path, dazhou, employer, capsys, reviewers, staff):
    from yibao.cases.snapshot import has_review

    def finish():
        case = Case.objects.latest("pk")
        assert case.state == "accepted" and case.channel == "system"  # accepted on receipt
        if has_review(case.snapshot):
            actions.start_review(case, reviewers["dazhou"], channel=Channel.WINDOW)
            actions.approve_case(case, reviewers["dazhou"], channel=Channel.WINDOW)
        actions.complete_case(case, staff["dazhou"], channel=Channel.WINDOW)

    number = f.id_number()
    call_command("enrollment", "import-sheet", str(sheet(tmp_path / "in.xlsx", [add(number)])),
                 "--employer", employer.uscc)
    assert "职工参保登记办件" in capsys.readouterr().out
    assert not Enrollment.objects.filter(person__id_number=number).exists()
    finish()
    call_command("enrollment", "export-roster", "--employer", employer.uscc, "-o", str(tmp_path / "roster.xlsx"))
    rows = list(load_workbook(tmp_path / "roster.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:6] == tuple(COLUMNS[:6]) and rows[1][1:3] == (number, "李四") and rows[1][6] == "参保缴费"
    # The roster's columns are the import's: mark the row 减少 and hand it back.
    book = load_workbook(tmp_path / "roster.xlsx")
    book.active.cell(1, 7, "业务类型")
    book.active.cell(2, 7, "减少")
    book.save(tmp_path / "back.xlsx")
    call_command("enrollment", "import-sheet", str(tmp_path / "back.xlsx"), "--employer", employer.uscc)
    finish()
    assert Enrollment.objects.get(person__id_number=number).status == "ended"
    with pytest.raises(CommandError, match="1处错误"):
        call_command("enrollment", "import-sheet", str(tmp_path / "back.xlsx"), "--employer", employer.uscc)


def test_query_export_masks_unless_asked(tmp_path, dazhou, employer):
    person = f.person(dazhou)
    Enrollment.objects.create(person=person, scheme=Scheme.EMPLOYEE, employer=employer, region=dazhou,
                              start_on=datetime.date(2024, 1, 1))
    export_enrollments(Enrollment.objects.all(), tmp_path / "q.xlsx")
    row = list(load_workbook(tmp_path / "q.xlsx").active.iter_rows(values_only=True))[1]
    assert row[0] == person.masked_id and row[0] != person.id_number and row[3] == "在职职工"
    export_enrollments(Enrollment.objects.all(), tmp_path / "full.xlsx", masked=False)
    assert list(load_workbook(tmp_path / "full.xlsx").active.iter_rows(values_only=True))[1][0] == person.id_number
    export_roster(employer, tmp_path / "r.xlsx")
    assert len(list(load_workbook(tmp_path / "r.xlsx").active.iter_rows())) == 2


def test_the_bulk_write_records_what_the_orm_recorded_and_is_read_back_by_it(
        tmp_path, dazhou, employer, file_sheet, run, staff):
    """The rows go in by executemany (core.bulk), not bulk_create: every field the ORM path wrote
    is there, in the form the ORM reads back (aware datetimes, dates), for who, when and channel."""
    from django.utils import timezone

    leaving = f.person(dazhou)
    Enrollment.objects.create(person=leaving, scheme=Scheme.EMPLOYEE, employer=employer, region=dazhou,
                              start_on=datetime.date(2024, 1, 1))
    known = f.person(dazhou)  # registered before, not enrolled: enrolled without a second person row
    new = f.id_number(born=datetime.date(1988, 8, 8))
    path = sheet(tmp_path / "s.xlsx", [
        add(new, "赵六", **{"联系电话": "13900002222", "变动日期": "2026-02-01"}),
        add(known.id_number, known.name),
        add(leaving.id_number, leaving.name, **{"业务类型": "减少", "变动日期": "2026-01-31"}),
    ])
    before = timezone.now()
    case, _ = run(file_sheet(path, employer))
    clerk = staff[dazhou.code]
    person = Person.objects.get(id_number=new)
    assert (person.name, person.sex, person.birth_date, person.region, person.status, person.phone, person.id_type) \
        == ("赵六", "M" if int(new[16]) % 2 else "F", datetime.date(1988, 8, 8), dazhou, "living", "13900002222",
            "resident_id")
    assert before <= person.created_at == person.updated_at <= timezone.now() and person.status_on is None
    phone = person.phones.get()
    assert (phone.phone, phone.channel, phone.case, before <= phone.since) == ("13900002222", "window", None, True)
    assert Person.objects.filter(id_number=known.id_number).count() == 1
    for who, start in ((person, datetime.date(2026, 2, 1)), (known, timezone.localdate())):
        e = Enrollment.objects.get(person=who)
        assert (e.scheme, e.employer, e.region, e.status, e.start_on, e.end_on) == (
            "employee", employer, dazhou, "active", start, None)
        assert before <= e.created_at == e.updated_at
    gone = Enrollment.objects.get(person=leaving)
    assert (gone.status, gone.end_on, before <= gone.updated_at) == ("ended", datetime.date(2026, 1, 31), True)
    changes = list(EnrollmentChange.objects.filter(case=case).order_by("sheet_row"))
    assert [(c.enrollment.person_id, c.kind, c.from_status, c.to_status, c.on, c.reason, c.sheet_row) for c in changes] == [
        (person.pk, "enrol", "", "active", datetime.date(2026, 2, 1), "批量增加", 2),
        (known.pk, "enrol", "", "active", timezone.localdate(), "批量增加", 3),
        (leaving.pk, "reduce", "active", "ended", datetime.date(2026, 1, 31), "批量减少", 4)]
    assert {(c.actor, c.channel, c.sheet_id) for c in changes} == {(clerk, "window", SheetImport.objects.get().pk)}
    assert all(before <= c.created_at <= timezone.now() for c in changes)
    entry = AuditEntry.objects.get(action="批量增减导入")
    assert (entry.actor, entry.channel, entry.changes["enrolled"], entry.changes["reduced"]) == (clerk, "window", 2, 1)


def test_a_failure_halfway_through_the_write_leaves_nothing(tmp_path, dazhou, employer):
    """The persons are in, then an enrolment insert hits the one-open-enrolment index (someone
    enrolled a person between the check and the write): the whole sheet is rolled back."""
    from django.db import IntegrityError, transaction

    from yibao.enrollment import sheets

    known = f.person(dazhou)
    first, second = f.id_number(), f.id_number()
    rows = sheets.read_rows(sheet(tmp_path / "s.xlsx", [add(first), add(second, "王五"), add(known.id_number, known.name)]))
    parsed, persons, open_ = sheets.check_sheet(employer, rows)
    Enrollment.objects.create(person=known, scheme=Scheme.EMPLOYEE, employer=f.employer(dazhou), region=dazhou,
                              start_on=datetime.date(2024, 1, 1))  # after the check, before the write
    with pytest.raises(IntegrityError), transaction.atomic():
        sheets._apply(employer, parsed, persons, open_, "0" * 64, "s.xlsx", None, Channel.SYSTEM, None)
    assert not Person.objects.filter(id_number__in=[first, second]).exists()
    assert not SheetImport.objects.exists() and not EnrollmentChange.objects.exists()
    assert Enrollment.objects.filter(employer=employer).count() == 0
    assert not AuditEntry.objects.filter(action="批量增减导入").exists()
